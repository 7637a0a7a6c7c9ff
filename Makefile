# Shaoyang rural-revitalization progress reports: build, test and explore.
# `make` alone lists the targets (from the `##` comments below).

PERIOD ?= 2021-10
# FORCE=1 reruns every stage even when nothing changed (make report FORCE=1).
FORCE ?=
# add-period: REPORT=path/to/report.txt (required), ADDRESS=URL (optional); PERIOD only when the
# title does not say which months the report covers; ACCEPT_MISMATCH=1 adds a text that is not this
# bureau's report for the period all the same (recorded in source.yml).
REPORT ?=
ADDRESS ?=
ACCEPT_MISMATCH ?=
# rename-campaign: OLD=<the id add-period proposed> NEW=<the id to give it>.
OLD ?=
NEW ?=
# Whether PERIOD was given (on the command line or in the environment), not the default above.
PERIOD_GIVEN := $(filter command line environment,$(origin PERIOD))
PYTHON ?= python3
# The environment the targets use: .venv/, made by `make env` from requirements.lock; or, inside
# `conda activate shaoyang-report` (environment.yml), that conda environment, used as it is; or any
# environment you name: make report VENV=$$CONDA_PREFIX.
ifeq ($(CONDA_DEFAULT_ENV),shaoyang-report)
VENV ?= $(CONDA_PREFIX)
endif
VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
# The environment is rebuilt whenever the lock file, the project metadata or this recipe changes.
ENV_STAMP := $(VENV)/.installed
# The project's own modules, compiled to bytecode again whenever one changes (see $(CODE_STAMP)).
CODE_STAMP := $(VENV)/.compiled
SOURCES := $(shell find src -name '*.py' 2>/dev/null)
# The Jupyter kernel the notebooks name (their metadata's kernelspec), installed into the environment,
# so that JupyterLab or nbconvert run them on this environment's Python and never on another python3.
KERNEL := shaoyang-report
INSTALL_KERNEL = $(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python 3.11 ($(KERNEL))" >/dev/null
# requirements.lock is made by this command (`make lock`); its header repeats it.
LOCK_COMMAND := uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes --output-file requirements.lock
# make lab LAB_ARGS="--port 8899 --no-browser": flags for JupyterLab. JupyterLab refuses to run as
# root without --allow-root ("Running as root is not recommended"), so make adds it for root only.
LAB_ARGS ?=
USER_ID ?= $(shell id -u)
# make notebook NB=02_campaign_progress: the notebook (stage) to run by hand.
NB ?=
# axe-core (npm), injected by the browser test into every published page (WCAG 2.1 A/AA).
AXE := node_modules/axe-core/axe.min.js

.DEFAULT_GOAL := help
.PHONY: help env lock add-period seal rename-campaign report status check test lab notebook clean verify draft benchmark

help: ## List the targets
	@echo "Usage: make <target> [PERIOD=YYYY-MM]   (PERIOD defaults to $(PERIOD))"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

ifneq ($(wildcard $(VENV)/conda-meta),)
# A conda environment (environment.yml) holds every package already: install the project itself
# (editable, from this folder) and the kernel, nothing else.
$(ENV_STAMP): pyproject.toml
	@echo "==> Installing the project into the conda environment $(VENV)"
	@$(BIN)/python tools/check_python.py $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(INSTALL_KERNEL)
	touch $@
else
# Everything is compiled to bytecode here, once: these machines set PYTHONDONTWRITEBYTECODE, so
# a module without a .pyc is compiled from source by every process that imports it (pandas and
# matplotlib: 2.65 s to import instead of 0.55 s). uv compiles the packages it installs; compileall
# compiles what an earlier environment already held, and skips every file already compiled.
$(ENV_STAMP): requirements.lock pyproject.toml Makefile
	@echo "==> Creating the environment in $(VENV)/ (first run only; about a minute)"
	@test -x $(BIN)/python || $(PYTHON) tools/check_python.py $(PYTHON)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python tools/check_python.py $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	$(INSTALL_KERNEL)
	touch $@
endif

# The project is installed editable (src/ is imported in place), so its bytecode lives in
# src/**/__pycache__/ (ignored by git) and is brought up to date after every edit or checkout.
$(CODE_STAMP): $(ENV_STAMP) $(SOURCES)
	$(BIN)/python -m compileall -q -j 0 src
	touch $@

env: $(CODE_STAMP) ## Create or update the Python environment in .venv/ (checks the Python version; hashes required; compiled to bytecode)

lock: $(CODE_STAMP) ## Re-resolve requirements.lock (with hashes) from pyproject.toml, then regenerate environment.yml
	$(BIN)/$(LOCK_COMMAND)
	$(BIN)/python tools/conda_env.py --write

add-period: $(CODE_STAMP) ## A new month: data/raw/<period>/ from REPORT=path/to/report.txt, last month carried over [ADDRESS=URL]
	@test -n "$(REPORT)" || { echo "usage: make add-period REPORT=path/to/report.txt [ADDRESS=URL] [PERIOD=YYYY-MM] [ACCEPT_MISMATCH=1]"; exit 2; }
	$(BIN)/shaoyang-report add-period "$(REPORT)" $(if $(PERIOD_GIVEN),--period $(PERIOD),) $(if $(ADDRESS),--address "$(ADDRESS)",) $(if $(ACCEPT_MISMATCH),--accept-mismatch,)

seal: $(CODE_STAMP) ## Record the sha256 of every file of data/raw/PERIOD/ in its source.yml after a review edit
	@test -n "$(PERIOD_GIVEN)" || { echo "usage: make seal PERIOD=YYYY-MM (say which period: seal never picks one)"; exit 2; }
	$(BIN)/shaoyang-report seal --period $(PERIOD)

rename-campaign: $(CODE_STAMP) ## Give a campaign add-period proposed its final id everywhere: PERIOD=… OLD=… NEW=…
	@test -n "$(PERIOD_GIVEN)" -a -n "$(OLD)" -a -n "$(NEW)" || { echo "usage: make rename-campaign PERIOD=YYYY-MM OLD=<proposed id> NEW=<id>"; exit 2; }
	$(BIN)/shaoyang-report rename-campaign --period $(PERIOD) "$(OLD)" "$(NEW)"

report: $(CODE_STAMP) ## Build outputs/$(PERIOD)/ (report.html, audit.html, ...) from data/raw/$(PERIOD)/ [FORCE=1]
	$(BIN)/shaoyang-report run --period $(PERIOD) $(if $(FORCE),--force,)

verify: $(CODE_STAMP) ## Rebuild PERIOD as it was built (its commit, inputs, environment) and compare with the committed outputs
	$(BIN)/shaoyang-report verify --period $(PERIOD)

status: $(CODE_STAMP) ## One line per period: what built it, whether a run would change it and why, what is pending
	$(BIN)/shaoyang-report status

$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then echo "==> Installing axe-core for the accessibility test"; \
	  npm ci --no-audit --no-fund --loglevel=error; \
	else echo "note: npm not found; the accessibility test (axe-core) will be skipped"; fi

check: $(CODE_STAMP) ## The fast tier: every test that runs no notebook and starts no browser (seconds)
	$(BIN)/python -m pytest -m "not slow and not browser" -n $(TEST_WORKERS) --dist worksteal

# Two workers share each scenario's one build (tests/conftest.py); -n 2 suits the 2-core machines.
TEST_WORKERS ?= 2
test: $(CODE_STAMP) $(AXE) ## The whole suite: unit tests, notebook runs, HTML, browser and accessibility checks
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

lab: $(CODE_STAMP) ## Open JupyterLab on notebooks/ with the project's kernel [LAB_ARGS="--port 8899 --no-browser"]
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(USER_ID)),--allow-root,) $(LAB_ARGS)

notebook: $(CODE_STAMP) ## Run one notebook by hand in build/ (NB=02_campaign_progress); published files stay untouched
	@test -n "$(NB)" || { echo "usage: make notebook NB=01_clean|02_campaign_progress|03_narrative [PERIOD=YYYY-MM]"; exit 2; }
	$(BIN)/shaoyang-report notebook $(NB) --period $(PERIOD) --root $(CURDIR)

benchmark: $(CODE_STAMP) ## Measure pipeline speed and memory, the monthly loop, the checks per month, a year of pages, and where a run spends its time (benchmarks/README.md)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/carry_over.py
	$(BIN)/python benchmarks/checks.py
	$(BIN)/python benchmarks/pages.py
	$(BIN)/python benchmarks/costs.py

clean: ## Remove the environment, caches and rebuildable outputs (never data/raw/ or committed outputs)
	@if ls outputs/.state/*.publish.json >/dev/null 2>&1; then \
	  echo "error: an interrupted publish is pending ($$(ls outputs/.state/*.publish.json)); complete it first with: make report PERIOD=<its period>"; exit 2; fi
	rm -rf .venv build node_modules .pytest_cache outputs/.staging outputs/.old-* outputs/.state outputs/screenshots \
	  data/processed/.old-* data/processed/.incoming-*
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
