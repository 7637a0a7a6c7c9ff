# Shaoyang rural-revitalization progress reports: build, test and explore.
# `make` alone lists the targets (from the `##` comments below).

PERIOD ?= 2021-10
# FORCE=1 reruns every stage even when nothing changed (make report FORCE=1).
FORCE ?=
# add-period: REPORT=path/to/report.txt (required), ADDRESS=URL (optional); PERIOD only when the
# title does not say which months the report covers.
REPORT ?=
ADDRESS ?=
# Whether PERIOD was given (on the command line or in the environment), not the default above.
PERIOD_GIVEN := $(filter command line environment,$(origin PERIOD))
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
# The environment is rebuilt whenever the lock file, the project metadata or this recipe changes.
ENV_STAMP := $(VENV)/.installed
# The project's own modules, compiled to bytecode again whenever one changes (see $(CODE_STAMP)).
CODE_STAMP := $(VENV)/.compiled
SOURCES := $(shell find src -name '*.py' 2>/dev/null)
# axe-core (npm), injected by the browser test into every published page (WCAG 2.1 A/AA).
AXE := node_modules/axe-core/axe.min.js

.DEFAULT_GOAL := help
.PHONY: help env add-period seal report check test lab clean verify draft benchmark

help: ## List the targets
	@echo "Usage: make <target> [PERIOD=YYYY-MM]   (PERIOD defaults to $(PERIOD))"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-11s %s\n", $$1, $$2}'

# Everything is compiled to bytecode here, once: these machines set PYTHONDONTWRITEBYTECODE, so
# a module without a .pyc is compiled from source by every process that imports it (pandas and
# matplotlib: 2.65 s to import instead of 0.55 s). uv compiles the packages it installs; compileall
# compiles what an earlier environment already held, and skips every file already compiled.
$(ENV_STAMP): requirements.lock pyproject.toml Makefile
	@echo "==> Creating the environment in $(VENV)/ (first run only; about a minute)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	touch $@

# The project is installed editable (src/ is imported in place), so its bytecode lives in
# src/**/__pycache__/ (ignored by git) and is brought up to date after every edit or checkout.
$(CODE_STAMP): $(ENV_STAMP) $(SOURCES)
	$(BIN)/python -m compileall -q -j 0 src
	touch $@

env: $(CODE_STAMP) ## Create or update the Python environment in .venv/ (compiled to bytecode)

add-period: $(CODE_STAMP) ## A new month: data/raw/<period>/ from REPORT=path/to/report.txt, last month carried over [ADDRESS=URL]
	@test -n "$(REPORT)" || { echo "usage: make add-period REPORT=path/to/report.txt [ADDRESS=URL] [PERIOD=YYYY-MM]"; exit 2; }
	$(BIN)/shaoyang-report add-period "$(REPORT)" $(if $(PERIOD_GIVEN),--period $(PERIOD),) $(if $(ADDRESS),--address "$(ADDRESS)",)

seal: $(CODE_STAMP) ## Record the sha256 of every file of data/raw/PERIOD/ in its source.yml after a review edit
	@test -n "$(PERIOD_GIVEN)" || { echo "usage: make seal PERIOD=YYYY-MM (say which period: seal never picks one)"; exit 2; }
	$(BIN)/shaoyang-report seal --period $(PERIOD)

report: $(CODE_STAMP) ## Build outputs/$(PERIOD)/ (report.html, audit.html, ...) from data/raw/$(PERIOD)/ [FORCE=1]
	$(BIN)/shaoyang-report run --period $(PERIOD) $(if $(FORCE),--force,)

verify: $(CODE_STAMP) ## Rebuild PERIOD in a temporary folder and compare with the committed outputs
	$(BIN)/shaoyang-report verify --period $(PERIOD)

$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then echo "==> Installing axe-core for the accessibility test"; \
	  npm ci --no-audit --no-fund --loglevel=error; \
	else echo "note: npm not found; the accessibility test (axe-core) will be skipped"; fi

check: $(CODE_STAMP) ## The fast tier: every test that runs no notebook and starts no browser (seconds)
	$(BIN)/python -m pytest -m "not slow and not browser"

# Two workers share each scenario's one build (tests/conftest.py); -n 2 suits the 2-core machines.
TEST_WORKERS ?= 2
test: $(CODE_STAMP) $(AXE) ## The whole suite: unit tests, notebook runs, HTML, browser and accessibility checks
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

lab: $(CODE_STAMP) ## Open JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab notebooks/

benchmark: $(CODE_STAMP) ## Measure pipeline speed and memory, and the monthly loop (benchmarks/README.md)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/carry_over.py
	$(BIN)/python benchmarks/pages.py

clean: ## Remove the environment, caches and rebuildable outputs (never data/raw/ or committed outputs)
	@if ls outputs/.state/*.publish.json >/dev/null 2>&1; then \
	  echo "error: an interrupted publish is pending ($$(ls outputs/.state/*.publish.json)); complete it first with: make report PERIOD=<its period>"; exit 2; fi
	rm -rf $(VENV) node_modules .pytest_cache outputs/.staging outputs/.old-* outputs/.state outputs/screenshots
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
