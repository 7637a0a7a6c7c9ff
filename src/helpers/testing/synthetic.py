"""Synthetic later periods, built inside tests from the real 2021-10 folder by editing its text.

An edit replaces text in report.txt and in the transcription's quotes; numbers of other lengths
are allowed, because the offsets recorded in non_figures.csv are shifted by each edit. A figure
whose printed number an edit changes takes its new value (the digits of the edit, or an explicit
`values` mapping). Synthetic data lives only in the tests' temporary folders, in a raw root
that holds only the base period (see helpers.testing.layouts.temp_layout), so it can never collide with a real
period added to data/raw/.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Edit:
    """Replace `old` by `new` everywhere in the text; `values` sets figures' printed values by id."""

    old: str
    new: str
    values: dict = field(default_factory=dict)


# (old, new) text replacements applied to report.txt and to the transcription.
NOVEMBER = [
    ("1-10月", "1-11月"),          # the period covered
    ("61107户", "62307户"),        # toilets completed: a cumulative figure that rises
    ("19475口", "19075口"),        # ponds cleaned: a cumulative figure that falls (impossible)
    ("省下达任务3441户", "省下达任务3541户"),  # housing target changed, without a note
    ("省定危房改造任务3441户", "省定危房改造任务3541户"),
]


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def apply_edits(text: str, rows: list[dict], listed: list[dict], edits) -> str:
    """Apply `edits` to the text, the transcription rows and the non-figure listing; return the text."""
    for edit in edits:
        edit = edit if isinstance(edit, Edit) else Edit(*edit)
        assert edit.old in text, f"not in the text: {edit.old!r}"
        delta = len(edit.new) - len(edit.old)
        positions = []
        start = text.find(edit.old)
        while start >= 0:
            positions.append(start)
            start = text.find(edit.old, start + len(edit.old))
        for row in listed:
            begin = int(row["start"])
            shift = sum(delta for p in positions if begin >= p + len(edit.old))
            row["start"] = str(begin + shift)
        text = text.replace(edit.old, edit.new)
        for row in rows:
            if edit.old not in row["quote"]:
                continue
            row["quote"] = row["quote"].replace(edit.old, edit.new)
            if row["figure_id"] in edit.values:
                row["value"] = edit.values[row["figure_id"]]
            elif (row["value"] == _digits(edit.old) and _digits(edit.new) and not edit.old.startswith("1-")):
                row["value"] = _digits(edit.new)
    for row in listed:
        start = int(row["start"])
        row["text"] = text[start:start + len(row["text"])]
    return text


def make_period(raw_root: Path, period: str = "2021-11", replacements=NOVEMBER, base: str = "2021-10",
                drop_figures: tuple[str, ...] = ()) -> Path:
    """Write data/raw/<period>/ from `base` with `replacements` applied, resealed.

    `drop_figures` removes transcription rows (for a sentence an edit deletes, say).
    """
    source_dir = Path(raw_root) / base
    target = Path(raw_root) / period
    target.mkdir()
    text = (source_dir / "report.txt").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO((source_dir / "figures.csv").read_text(encoding="utf-8"))))
    rows = [row for row in rows if row["figure_id"] not in drop_figures]
    listed = list(csv.DictReader(io.StringIO((source_dir / "non_figures.csv").read_text(encoding="utf-8"))))
    text = apply_edits(text, rows, listed, replacements)
    (target / "report.txt").write_text(text, encoding="utf-8")
    _write_csv(target / "figures.csv", rows)
    _write_csv(target / "non_figures.csv", listed)

    sidecar = yaml.safe_load((source_dir / "source.yml").read_text(encoding="utf-8"))
    year, month = (int(part) for part in period.split("-"))
    sidecar["period"] = period
    sidecar["title"] = sidecar["title"].replace("1-10月", f"1-{month}月")
    sidecar["period_covered"]["end"] = f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    for name in ("report.txt", "figures.csv", "non_figures.csv"):
        sidecar["files"][name]["sha256"] = hashlib.sha256((target / name).read_bytes()).hexdigest()
    (target / "source.yml").write_text(yaml.safe_dump(sidecar, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def reseal(raw_dir: Path, name: str) -> None:
    """Record a deliberately changed file's new checksum in source.yml (tests of bad content)."""
    sidecar_path = Path(raw_dir) / "source.yml"
    sidecar = yaml.safe_load(sidecar_path.read_text(encoding="utf-8"))
    sidecar["files"][name]["sha256"] = hashlib.sha256((Path(raw_dir) / name).read_bytes()).hexdigest()
    sidecar_path.write_text(yaml.safe_dump(sidecar, allow_unicode=True, sort_keys=False), encoding="utf-8")
