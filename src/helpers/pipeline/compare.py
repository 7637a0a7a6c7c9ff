"""What differs between a period's published files and a rebuild, each difference named as the
published number that changed.

- each edition's facts table first (the one its stage declares: facts.csv, facts.en.csv): every
  number the public page prints is a fact, so a changed fact names the published number (id, label,
  old and new as printed);
- every page: each number in a fact link, mapped back to its fact id through the link (`id="fact-F"`,
  `#calc-F`, `#fact-F`, `#src-X` for figure X, and in the report's text `#fig-X`), with its label
  from the edition's facts table; a number outside the links with the words around it;
- every other table: rows removed, added or changed, cell by cell; the manifest: what it records
  differently; a chart's alt text: its numbers.

What names the checkout rather than the content (the git commit; in the manifest, the versions of
distributions no stage or page imports, and the reference tables' sha256: a row added for a later
month changes the file, not the rows that apply to this period, which each stage's recorded key
holds) is set aside as a note, not a difference.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from ..io.errors import InputError
from ..io.readers import read_utf8
from ..publish.edition import page_name
from . import environment
from .contract import STAGES

COMMIT_LINE = re.compile(r"(Code commit: <code>)[^<]*(</code>)")
REFERENCE_SUM = re.compile(r"(<code>data/reference/[^<]+</code></td>\s*<td><code>)[0-9a-f]{64}")  # cells may be spaced
SHOWN_PER_FILE = 12  # changed numbers listed per file before the rest are counted


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
        if isinstance(manifest.get("inputs"), dict):
            manifest["inputs"] = {k: ("-" if k.startswith("data/reference/") else v)
                                  for k, v in manifest["inputs"].items()}
        return json.dumps(manifest, sort_keys=True).encode()
    if name.endswith("audit.html"):
        text = COMMIT_LINE.sub(r"\1-\2", data.decode("utf-8"))
        return REFERENCE_SUM.sub(r"\1-", text).encode("utf-8")
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


def facts_by_page() -> dict[str, str]:
    """Each edition's page and the facts table it prints from (file names), as the stage table
    declares them: report.html -> facts.csv, report.en.html -> facts.en.csv."""
    return {page_name(stage.edition): Path(stage.staged("facts")).name
            for stage in STAGES if stage.edition and "facts" in stage.products}


def _is_facts(name: str) -> bool:
    return Path(name).name in facts_by_page().values()


def _labels(files: dict[str, Path], page: str) -> dict[str, str]:
    """The labels of the facts a page prints, from its edition's facts table."""
    name = facts_by_page().get(Path(page).name)
    table = next((path for key, path in files.items() if name and Path(key).name == name), None)
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
    names = sorted(set(published) | set(rebuilt), key=lambda name: (not _is_facts(name), name))
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
            notes.append(f"{name}: differs only in the git commit (or unused packages, or the reference files' "
                         "sha256) it records")
            continue
        differences.append(f"differs: {name}")
        if _is_facts(name):
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
