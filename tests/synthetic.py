"""A small synthetic second period, built inside tests from the real 2021-10 folder.

Each change replaces a number by another of the same length, so the offsets recorded in
non_figures.csv stay valid. Synthetic data lives only in the tests' temporary folders.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import yaml

# (old, new) text replacements applied to report.txt and to the transcription.
NOVEMBER = [
    ("1-10月", "1-11月"),          # the period covered
    ("61107户", "62307户"),        # toilets completed: a cumulative figure that rises
    ("19475口", "19075口"),        # ponds cleaned: a cumulative figure that falls (impossible)
    ("省下达任务3441户", "省下达任务3541户"),  # housing target changed, without a note
    ("省定危房改造任务3441户", "省定危房改造任务3541户"),
]


def make_period(raw_root: Path, period: str = "2021-11", replacements=NOVEMBER, base: str = "2021-10") -> Path:
    source_dir = Path(raw_root) / base
    target = Path(raw_root) / period
    target.mkdir()
    text = (source_dir / "report.txt").read_text(encoding="utf-8")
    for old, new in replacements:
        assert len(old) == len(new) and old in text, old
        text = text.replace(old, new)
    (target / "report.txt").write_text(text, encoding="utf-8")

    rows = list(csv.DictReader(io.StringIO((source_dir / "figures.csv").read_text(encoding="utf-8"))))
    for row in rows:
        for old, new in replacements:
            if old in row["quote"]:
                row["quote"] = row["quote"].replace(old, new)
                old_value, new_value = "".join(c for c in old if c.isdigit()), "".join(c for c in new if c.isdigit())
                if row["value"] == old_value and not old.startswith("1-"):
                    row["value"] = new_value
    _write_csv(target / "figures.csv", rows)

    listed = list(csv.DictReader(io.StringIO((source_dir / "non_figures.csv").read_text(encoding="utf-8"))))
    for row in listed:
        start = int(row["start"])
        row["text"] = text[start:start + len(row["text"])]
    _write_csv(target / "non_figures.csv", listed)

    sidecar = yaml.safe_load((source_dir / "source.yml").read_text(encoding="utf-8"))
    year, month = period.split("-")
    sidecar["period"] = period
    sidecar["title"] = sidecar["title"].replace("1-10月", f"1-{int(month)}月")
    sidecar["period_covered"]["end"] = f"{year}-{month}-30" if month in ("04", "06", "09", "11") else f"{year}-{month}-31"
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
