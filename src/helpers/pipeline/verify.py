"""`shaoyang-report verify`: rebuild a period and compare it, byte for byte, with what was published.

Two questions, two modes:

- `verify --period P` asks whether P's published files are what built them: it rebuilds P from
  the code commit its manifest records (a temporary checkout of that commit, so whatever was
  committed since does not matter), from exactly the inputs the manifest records (each checked
  by its sha256), in the environment the manifest records (the running one, when Python and every
  distribution the stages and pages import have the recorded versions; otherwise it names each
  difference and stops, since it cannot make that environment here).
- `verify --today --period P` asks what today's code, reference data and environment would change:
  it rebuilds P with them, in a temporary folder, and names every difference.

Either way the rebuild mirrors the repository's layout (data/raw, data/reference, data/processed,
outputs), so the relative paths recorded in the notebooks are the same. Each difference is named
as the published number that changed: facts.csv first (fact id, label, old and new as printed),
then every number on every page, mapped back to its fact id by the page's fact links (a number
outside the links is shown with the words around it), then every other file. The index of periods
is checked too: its bytes against its manifest, and that it lists P.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from ..io.errors import InputError
from ..io.paths import Layout, check_period
from ..io.rawdata import sha256_of
from ..io.readers import read_limited, read_utf8
from . import environment, freshness, index, swap
from .contract import Console
from .freshness import published_files
from .manifest import ManifestProblem, read_manifest
from .runner import run_period

COMMIT_LINE = re.compile(r"(Code commit: <code>)[^<]*(</code>)")
FULL_COMMIT = re.compile(r"[0-9a-f]{40}")
SHOWN_PER_FILE = 12  # changed numbers listed per file before the rest are counted


def mirror_layout(layout: Layout, period: str, base: Path) -> Layout:
    """A copy of the inputs under `base`, laid out like the repository, with empty outputs."""
    mirror = Layout(raw=base / "data" / "raw", processed=base / "data" / "processed", outputs=base / "outputs",
                    reference=base / "data" / "reference", notebooks=layout.notebooks)
    shutil.copytree(layout.raw, mirror.raw)
    shutil.copytree(layout.reference, mirror.reference)
    mirror.processed.mkdir(parents=True)
    return mirror


# --------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------

def _used_distributions(manifest: dict) -> set[str]:
    """The distributions a period's stages and pages import, as its manifest records them."""
    names = set((manifest.get("environment") or {}).get("pages", []))
    for record in manifest.get("stages", {}).values():
        names.update(record.get("distributions", []) if isinstance(record, dict) else [])
    return names


def _without_commit(name: str, data: bytes) -> bytes:
    """The bytes with what names the checkout blanked: the git commit, and in the manifest the
    versions of distributions that no stage or page imports (installed beside, not used)."""
    if name.endswith("manifest.json"):
        manifest = json.loads(data)
        manifest["git_commit"] = "-"
        manifest["outputs"] = {k: ("-" if k.endswith(("audit.html", "manifest.json")) else v)
                               for k, v in manifest.get("outputs", {}).items()}
        env = manifest.get("environment")
        if isinstance(env, dict) and isinstance(env.get("distributions"), dict):
            used = _used_distributions(manifest)
            env["distributions"] = {k: v for k, v in env["distributions"].items() if k in used}
        return json.dumps(manifest, sort_keys=True).encode()
    if name.endswith("audit.html"):
        return COMMIT_LINE.sub(r"\1-\2", data.decode("utf-8")).encode("utf-8")
    return data


def _facts(path: Path) -> dict[str, dict]:
    """facts.csv by fact id (the file is small: a few hundred rows)."""
    try:
        text = read_utf8(path)
    except InputError:
        return {}
    return {row["fact_id"]: row for row in csv.DictReader(io.StringIO(text)) if row.get("fact_id")}


def fact_changes(published: Path, rebuilt: Path) -> list[str]:
    """Each published fact that changed, was removed or was added, named by id and label, with
    the values as the page prints them. The page prints every number from these facts."""
    before, after = _facts(published), _facts(rebuilt)
    lines = []
    for fact_id in list(before) + [f for f in after if f not in before]:
        old, new = before.get(fact_id), after.get(fact_id)
        if old is None:
            lines.append(f"added:   {fact_id} ({new['label']}): {new['printed']}")
        elif new is None:
            lines.append(f"removed: {fact_id} ({old['label']}): {old['printed']}")
        elif old != new:
            what = [_field_change(key, old[key], new.get(key)) for key in old if key not in ("fact_id", "printed")
                    and old.get(key) != new.get(key)]
            shown = f"{old['printed']} -> {new['printed']}" if old["printed"] != new["printed"] else old["printed"]
            lines.append(f"changed: {fact_id} ({new['label']}): {shown}" + (f" [{'; '.join(what)}]" if what else ""))
    return lines


def _field_change(key: str, old: str, new: str | None) -> str:
    """One changed field: `value '95.5643' -> '95.5543'`; a long list of ids by what left and came."""
    new = new or ""
    if "|" in old + new and len(old) + len(new) > 80:
        before, after = old.split("|"), new.split("|")
        moved = [f"-{item}" for item in before if item not in after] + [f"+{item}" for item in after if item not in before]
        return f"{key} {' '.join(moved) or '(reordered)'}"
    return f"{key} {old!r} -> {new!r}"


def table_changes(old: bytes, new: bytes) -> list[str]:
    """The rows of a table that were removed, added or changed (by its first column), and each
    changed cell: `changed toilets.completed_rate: verdict 'pass' -> 'mismatch'`."""
    def rows(data: bytes) -> tuple[list[str], dict[str, dict]]:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
        columns = reader.fieldnames or []
        keyed: dict[str, dict] = {}
        for number, row in enumerate(reader, start=2):
            key = row.get(columns[0], "") if columns else ""
            keyed[key if key not in keyed else f"{key} (line {number})"] = row
        return columns, keyed

    try:
        (_, before), (_, after) = rows(old), rows(new)
    except (UnicodeDecodeError, csv.Error):
        return []
    lines = [f"removed {key}" for key in before if key not in after]
    lines += [f"added {key}" for key in after if key not in before]
    for key in before:
        if key in after and before[key] != after[key]:
            cells = [_field_change(column, before[key].get(column) or "", after[key].get(column))
                     for column in before[key] if before[key].get(column) != after[key].get(column)]
            lines.append(f"changed {key}: {'; '.join(cells)}")
    return lines


def manifest_changes(old: bytes, new: bytes) -> list[str]:
    """What a manifest records differently: which inputs, outputs, stage keys, versions."""
    try:
        before, after = json.loads(old), json.loads(new)
    except (ValueError, RecursionError):
        return []
    lines = []
    for key in ("inputs", "outputs", "parameters", "packages"):
        a, b = before.get(key) or {}, after.get(key) or {}
        changed = sorted(name for name in set(a) | set(b) if a.get(name) != b.get(name))
        if changed:
            lines.append(f"{key}: {', '.join(changed[:6])}{f' and {len(changed) - 6} more' if len(changed) > 6 else ''}")
    for name in sorted(set(before.get("stages") or {}) | set(after.get("stages") or {})):
        a = ((before.get("stages") or {}).get(name) or {}).get("components") or {}
        b = ((after.get("stages") or {}).get(name) or {}).get("components") or {}
        changed = sorted(c for c in set(a) | set(b) if a.get(c) != b.get(c))
        if changed:
            lines.append(f"stage {name}: {', '.join(changed)}")
    if before.get("git_commit") != after.get("git_commit"):
        lines.append(f"git_commit: {before.get('git_commit')} -> {after.get('git_commit')}")
    lines += environment.differences(before.get("environment"), after.get("environment") or {"distributions": {}},
                                     _used_distributions(after) | _used_distributions(before))
    return lines


def fact_id_of(attributes: dict) -> str | None:
    """The fact a link on a page prints, from the page's fact links: `id="fact-F"` is F's own place;
    a link to `#calc-F` (its calculation) or `#fact-F` (back to its place) prints F; a link to
    `#src-X` (a transcribed figure's mark in the report text) prints figure.X; and in the report's
    text, each figure's mark links to `#fig-X`, figure X's row."""
    own = attributes.get("id") or ""
    if own.startswith("fact-"):
        return own[len("fact-"):]
    href = attributes.get("href") or ""
    for prefix, fact in (("#calc-", ""), ("#fact-", ""), ("#src-", "figure."), ("#fig-", "figure.")):
        if href.startswith(prefix):
            return fact + href[len(prefix):]
    return None


# A number as a page prints it (42,750 95.55 2021): not digits inside a word or a checksum (62cb5563).
NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d[\d,.]*\d|\d)(?![0-9A-Za-z])")


class _PageNumbers(HTMLParser):
    """A page's numbers: those in fact links, by fact id, and those elsewhere in its visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.linked: dict[str, list[str]] = {}
        self.text: list[str] = []
        self._link: list = []  # the open links: fact id (or None) and the text gathered inside
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "a":
            attributes = dict(attrs)
            classes = (attributes.get("class") or "").split()
            fact = fact_id_of(attributes) if "fact" in classes or (attributes.get("href") or "").startswith("#fig-") \
                else None
            self._link.append([fact, []])

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1
        if tag == "a" and self._link:
            fact, parts = self._link.pop()
            if fact is not None:
                self.linked.setdefault(fact, []).append("".join(parts).strip())
                self.text.append("\0")  # a linked number stands apart from the text around it
            elif self._link:
                self._link[-1][1].extend(parts)
            else:
                self.text.extend(parts)

    def handle_data(self, data):
        if self._skip:
            return
        (self._link[-1][1] if self._link else self.text).append(data)


def _page_numbers(data: bytes) -> _PageNumbers:
    parser = _PageNumbers()
    parser.feed(data.decode("utf-8", errors="replace"))
    parser.close()
    return parser


def _numbers_in_text(text: str) -> list[tuple[str, str]]:
    """Each number of a text with the words around it (for a number no fact link names)."""
    found = []
    for match in NUMBER.finditer(text):
        before = text[max(0, match.start() - 14):match.start()].replace("\0", "…").split("\n")[-1]
        after = text[match.end():match.end() + 8].replace("\0", "…").split("\n")[0]
        found.append((match.group(), f"{before}[{match.group()}]{after}".strip()))
    return found


def number_changes(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[str]:
    """The numbers that differ between two sequences of (number, context)."""
    lines = []
    matcher = difflib.SequenceMatcher(a=[n for n, _ in old], b=[n for n, _ in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        for k in range(max(len(olds), len(news))):
            a = olds[k] if k < len(olds) else None
            b = news[k] if k < len(news) else None
            if a and b:
                lines.append(f"{a[0]} -> {b[0]}: {a[1]}")
            elif a:
                lines.append(f"removed {a[0]}: {a[1]}")
            else:
                lines.append(f"added {b[0]}: {b[1]}")
    return lines


def page_changes(old: bytes, new: bytes, labels: dict[str, str]) -> list[str]:
    """Every number that differs between two versions of a page: by fact id (with its label) for
    the numbers in fact links, with the words around it for any other."""
    before, after = _page_numbers(old), _page_numbers(new)
    lines = []
    for fact in list(before.linked) + [f for f in after.linked if f not in before.linked]:
        was, now = before.linked.get(fact, []), after.linked.get(fact, [])
        if was == now:
            continue
        label = f" ({labels[fact]})" if fact in labels else ""
        pairs = [(a, b) for a, b in zip(was, now) if a != b]
        if pairs:
            shown = sorted({f"{a} -> {b}" for a, b in pairs})
            lines.append(f"{fact}{label}: {'; '.join(shown)}")
        if len(was) != len(now):
            lines.append(f"{fact}{label}: printed {len(was)} time(s), now {len(now)}")
    for line in number_changes(_numbers_in_text("".join(before.text)), _numbers_in_text("".join(after.text))):
        lines.append(f"not in a fact link: {line}")
    return lines


def text_changes(old: bytes, new: bytes) -> list[str]:
    """The numbers that differ between two versions of a text file (a table, a chart's alt text)."""
    try:
        return number_changes(_numbers_in_text(old.decode("utf-8")), _numbers_in_text(new.decode("utf-8")))
    except UnicodeDecodeError:
        return []


def _labels(files: dict[str, Path], page: str) -> dict[str, str]:
    """The labels of the facts a page prints, from its edition's facts table."""
    language = re.search(r"report\.(\w+)\.html$", page)
    name = f"facts.{language.group(1)}.csv" if language else "facts.csv"
    table = next((path for key, path in files.items() if key.endswith(f"/{name}")), None)
    if table is None:
        return {}
    return {fact: row.get("label", "") for fact, row in _facts(table).items()}


def _limit(lines: list[str]) -> list[str]:
    if len(lines) <= SHOWN_PER_FILE:
        return lines
    return lines[:SHOWN_PER_FILE] + [f"… and {len(lines) - SHOWN_PER_FILE} more"]


def compare(published: dict[str, Path], rebuilt: dict[str, Path]) -> tuple[list[str], list[str]]:
    """Differences (each a line for the analyst) and notes that are not failures.

    facts.csv comes first: every number the page prints is a fact, so a changed fact names the
    published number that changed (id, label, old and new as printed). Then every file, byte for
    byte; for a page, every number that differs, by fact id; for another text file, every number.
    """
    differences, notes = [], []
    names = sorted(set(published) | set(rebuilt), key=lambda name: (not name.endswith("/facts.csv"), name))
    for name in names:
        if name not in rebuilt:
            differences.append(f"only in the published outputs: {name}")
            continue
        if name not in published:
            differences.append(f"missing from the published outputs: {name}")
            continue
        old, new = published[name].read_bytes(), rebuilt[name].read_bytes()
        if old == new:
            continue
        try:
            same = _without_commit(name, old) == _without_commit(name, new)
        except (ValueError, RecursionError):
            same = False
        if same:
            notes.append(f"{name}: differs only in the git commit (or unused packages) it records")
            continue
        differences.append(f"differs: {name}")
        if name.endswith("/facts.csv"):
            differences += [f"    {line}" for line in fact_changes(published[name], rebuilt[name])]
        elif name.endswith(".html"):
            found = page_changes(_without_commit(name, old), _without_commit(name, new),
                                 _labels(published, name) or _labels(rebuilt, name))
            differences += [f"    {line}" for line in _limit(found)] or \
                ["    (no number on the page changed: the difference is in its words or layout)"]
        elif name.endswith("/manifest.json"):
            differences += [f"    {line}" for line in _limit(manifest_changes(old, new))]
        elif name.endswith(".csv"):
            differences += [f"    {line}" for line in _limit(table_changes(old, new))]
        elif name.endswith(".json"):
            differences += [f"    {line}" for line in _limit(text_changes(old, new))]
        elif name.endswith(".ipynb"):
            count = len(text_changes(old, new))
            if count:
                differences.append(f"    {count} number(s) differ in the executed notebook's outputs (named above and "
                                   "below for the tables and pages they make)")
    return differences, notes


def index_differences(layout: Layout, period: str, today: bool) -> list[str]:
    """What is wrong with the published index, as far as it concerns `period`."""
    found = []
    for problem in index.problems(layout, today=today):
        if " lists " in problem or " does not list " in problem:
            if period not in problem:
                continue
        found.append(f"index: {problem}")
    return found


# --------------------------------------------------------------------------------------
# Rebuilding as built
# --------------------------------------------------------------------------------------

class CannotRebuild(Exception):
    """The period cannot be rebuilt as it was built; the message says why and what to do."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def _check_environment(period: str, manifest: dict) -> str:
    """"" when this environment is the one recorded (for what the stages and pages import), a note
    when none is recorded; raises CannotRebuild naming each difference otherwise."""
    recorded = manifest.get("environment")
    if not isinstance(recorded, dict):
        return ("the manifest records no environment (the period was built before environments were "
                "recorded): rebuilding in this one")
    used = _used_distributions(manifest)
    current = environment.record()
    differences = environment.differences(recorded, current, used)
    if not differences:
        return ""
    old, new = recorded["distributions"], current["distributions"]
    pins = [f"'{name}=={old[name]}'" for name in sorted(used) if old.get(name) and old[name] != new.get(name)]
    extra = [name for name in sorted(used) if new.get(name) and not old.get(name)]
    gone = [name for name in sorted(used) if old.get(name) and not new.get(name)]
    installer = Path(sys.executable).parent / "uv"
    installer = f"{installer} pip install" if installer.exists() else f"{sys.executable} -m pip install"
    steps = [f"use Python {recorded.get('python')}"] if recorded.get("python") != current["python"] else []
    if pins:
        steps.append(f"install the recorded versions: {installer} {' '.join(pins)}")
    if extra:
        steps.append(f"uninstall {', '.join(extra)}")
    raise CannotRebuild(
        f"{period} was built in an environment that is not this one (recorded -> here: {'; '.join(differences)})"
        + (f"; gone from here: {', '.join(gone)}" if gone else "")
        + f". To rebuild it as it was built, {' and '.join(steps)}, then verify again; or compare with today's "
          f"environment: shaoyang-report verify --today --period {period}")


def _recorded_inputs(period: str, manifest: dict, layout: Layout) -> dict[str, Path]:
    """The raw inputs the build read, here, each checked against its recorded sha256."""
    inputs = {name: sha for name, sha in manifest.get("inputs", {}).items() if name.startswith("data/raw/")}
    # A manifest written before earlier periods' files were recorded names them in the key of the
    # stage that reads them ("2021-09,2021-10:<hash>"); their files are then checked by that hash.
    earlier_key = None
    for record in manifest.get("stages", {}).values():
        value = record.get("components", {}).get("earlier periods") if isinstance(record, dict) else None
        if isinstance(value, str) and ":" in value:
            earlier_key = value
    found, problems = {}, []
    for name, sha in sorted(inputs.items()):
        path = layout.raw / name[len("data/raw/"):]
        if not path.is_file() or path.is_symlink():
            problems.append(f"{name} is missing")
        elif sha256_of(path) != sha:
            problems.append(f"{name} has changed since the build (its sha256 is no longer {sha[:12]}…)")
        else:
            found[name] = path
    if earlier_key:
        periods = earlier_key.split(":", 1)[0].split(",")
        if not any(name.startswith(f"data/raw/{periods[0]}/") for name in inputs):
            files = [path for p in periods for path in (layout.raw / p).glob("*") if path.is_file()]
            if freshness.hash_files(files, layout.raw) != earlier_key.split(":", 1)[1]:
                problems.append(f"the raw folders of {', '.join(periods)} have changed since the build")
            for path in files:
                found[f"data/raw/{path.relative_to(layout.raw).as_posix()}"] = path
    if problems:
        raise CannotRebuild(f"the inputs that built {period} are not all here: {'; '.join(problems)}. Restore them "
                            f"(git checkout -- data/raw), or compare with today's inputs: "
                            f"shaoyang-report verify --today --period {period}")
    return found


def _checkout(repo: Path, commit: str, period: str, base: Path) -> Path:
    """A temporary checkout of `commit` under `base` (a clone sharing the repository's objects, so
    nothing is written into the repository)."""
    if _git(repo, "rev-parse", "--git-dir").returncode != 0:
        raise CannotRebuild(f"{repo} is not a git repository, so the code commit {commit[:12]} that built {period} "
                            f"cannot be checked out. Compare with today's code instead: "
                            f"shaoyang-report verify --today --period {period}")
    if _git(repo, "cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
        raise CannotRebuild(f"the code commit {commit} that built {period} is not in this repository (a shallow "
                            f"clone?). Fetch it (git fetch --unshallow), or compare with today's code: "
                            f"shaoyang-report verify --today --period {period}")
    checkout = base / "code"
    for args in (["clone", "--quiet", "--shared", "--no-checkout", str(repo), str(checkout)],
                 ["-C", str(checkout), "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit]):
        done = subprocess.run(["git", *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise CannotRebuild(f"could not check out the code commit {commit[:12]} that built {period}: "
                                f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'git failed'}")
    return checkout


def _rebuild_as_built(period: str, layout: Layout, manifest: dict, base: Path) -> Layout:
    """Rebuild `period` from its recorded commit and inputs under `base`. Returns the rebuilt layout."""
    commit = manifest.get("git_commit", "")
    if not FULL_COMMIT.fullmatch(commit):
        why = ("uncommitted changes to the code, which no commit holds" if commit.endswith("+uncommitted-changes")
               else f"code whose commit is {commit or 'not recorded'}")
        raise CannotRebuild(f"{period} was built from {why}, so it cannot be rebuilt as it was built. Commit the code, "
                            f"rebuild it (shaoyang-report run --period {period}) and commit the outputs; or compare "
                            f"with today's code: shaoyang-report verify --today --period {period}")
    inputs = _recorded_inputs(period, manifest, layout)
    checkout = _checkout(layout.notebooks.parent, commit, period, base)
    for folder in ("outputs", "data/processed", "data/raw"):
        shutil.rmtree(checkout / folder, ignore_errors=True)
    for name, path in inputs.items():
        target = checkout / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    rebuilt = Layout.default(checkout)
    reference = {f"data/reference/{p.name}": sha256_of(p) for p in sorted(rebuilt.reference.glob("*.csv"))}
    recorded = {k: v for k, v in manifest.get("inputs", {}).items() if k.startswith("data/reference/")}
    if recorded and reference != recorded:
        changed = sorted(k for k in set(reference) | set(recorded) if reference.get(k) != recorded.get(k))
        raise CannotRebuild(f"the reference tables at commit {commit[:12]} are not those {period} was built with "
                            f"({', '.join(changed)}): it was built with uncommitted reference data. Compare with "
                            f"today's: shaoyang-report verify --today --period {period}")
    command = [sys.executable, "-m", "helpers", "run", "--period", period, "--force", "--quiet",
               "--root", str(checkout)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(checkout / "src")] + [p for p in [
        os.environ.get("PYTHONPATH", "")] if p]))
    done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise RebuildFailed(f"the rebuild of {period} from commit {commit[:12]} failed (exit code "
                            f"{done.returncode}):\n{tail}", done.returncode)
    return rebuilt


class RebuildFailed(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------

def verify_period(period: str, layout: Layout, keep: Path | None = None, today: bool = False) -> int:
    """Rebuild `period` and compare. Exit code 0 when identical, 1 when anything differs, 2 when it
    cannot be rebuilt (bad input, a pending publish, another environment, a missing commit)."""
    check_period(period)
    if swap.pending(layout, period):
        print(f"error: the publish of {period} was interrupted and is not complete; complete it with: "
              f"shaoyang-report run --period {period}", file=sys.stderr)
        return 2
    if not published_files(layout, period):
        print(f"error: nothing published for {period} under {layout.outputs_period(period)}; "
              f"build it first with: shaoyang-report run --period {period}", file=sys.stderr)
        return 2
    try:
        manifest = read_manifest(layout.outputs_period(period) / "manifest.json")
    except ManifestProblem as exc:
        print(f"error: {layout.outputs_period(period) / 'manifest.json'}: {exc}; without it nothing says what "
              f"built {period}. Rebuild it with: shaoyang-report run --period {period} --force", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix=f"verify-{period}-") as temporary:
        base = Path(keep) if keep else Path(temporary)
        try:
            if today:
                print(f"rebuilding {period} with today's code, reference data and environment in a temporary "
                      f"folder ...", file=sys.stderr)
                rebuilt = mirror_layout(layout, period, base)
                code = run_period(period, rebuilt, force=True, console=Console(prefix="  "), progress=False)
                if code != 0:
                    print(f"error: the rebuild of {period} failed (exit code {code})", file=sys.stderr)
                    return code
            else:
                note = _check_environment(period, manifest)
                if note:
                    print(f"note: {note}")
                commit = manifest.get("git_commit", "")
                print(f"rebuilding {period} as it was built: code commit {commit[:12]}, the recorded inputs, "
                      f"Python {environment.python_version()} (a temporary checkout) ...", file=sys.stderr)
                rebuilt = _rebuild_as_built(period, layout, manifest, base)
        except CannotRebuild as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except RebuildFailed as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.code
        differences, notes = compare(published_files(layout, period), published_files(rebuilt, period))
    differences += index_differences(layout, period, today)
    for note in notes:
        print(f"note: {note}")
    if differences:
        print(f"{period}: {'today' + chr(39) + 's code would change' if today else 'the rebuild differs from'} "
              "the published outputs:")
        for line in differences:
            print(line)
        return 1
    how = "with today's code, reference data and environment" if today else "as it was built"
    print(f"{period}: verified {how} — every published file was rebuilt byte for byte "
          f"({len(published_files(layout, period))} files), and the index lists it")
    return 0
