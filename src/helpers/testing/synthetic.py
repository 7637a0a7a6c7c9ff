"""Synthetic later periods, built inside tests from the real 2021-10 folder by editing its text.

An edit replaces text in report.txt and in the transcription's quotes; numbers of other lengths
are allowed, because the offsets recorded in non_figures.csv are shifted by each edit. A figure
whose printed number an edit changes takes its new value (the digits of the edit, or an explicit
`values` mapping). Synthetic data lives only in the tests' temporary folders, in a raw root
that holds only the base period (see helpers.testing.layouts.temp_layout), so it can never collide with a real
period added to data/raw/.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..io.paths import Period
from ..io.rawdata import read_sidecar


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

    sidecar = read_sidecar(source_dir)
    period = Period(period)
    write_sealed_sidecar(target, sidecar, period, sidecar["title"].replace("1-10月", f"1-{period.month}月"))
    return target


def write_sealed_sidecar(folder: Path, sidecar: dict, period: str, title: str, **fields) -> None:
    """`folder`/source.yml: `sidecar` (an earlier month's, as a template) for `period`, with its
    title, the period it covers (cumulative from 1 January), `fields` (address="unknown", say) and
    the sha256 of every file of the folder it lists: what seal would record."""
    period = Period(period)
    sidecar["period"] = str(period)  # as text: YAML writes no other kind of string
    sidecar["title"] = title
    sidecar["period_covered"]["start"] = period.start.isoformat()
    sidecar["period_covered"]["end"] = period.end.isoformat()
    sidecar.update(fields)
    for name in ("report.txt", "figures.csv", "non_figures.csv"):
        sidecar["files"][name]["sha256"] = hashlib.sha256((Path(folder) / name).read_bytes()).hexdigest()
    (Path(folder) / "source.yml").write_text(yaml.safe_dump(sidecar, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")


def _write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def reseal(raw_dir: Path, name: str) -> None:
    """Record a deliberately changed file's new checksum in source.yml (tests of bad content)."""
    sidecar_path = Path(raw_dir) / "source.yml"
    sidecar = read_sidecar(raw_dir)
    sidecar["files"][name]["sha256"] = hashlib.sha256((Path(raw_dir) / name).read_bytes()).hexdigest()
    sidecar_path.write_text(yaml.safe_dump(sidecar, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --------------------------------------------------------------------------------------
# A consistent November, with the troubles a test adds one at a time
# --------------------------------------------------------------------------------------

DATES = {"截至10月底": "截至11月底", "截至10月25日": "截至11月25日", "截至10月22日": "截至11月22日",
         "截至10月15日": "截至11月15日", "截至10月29日": "截至11月29日"}


def november_edits(total: str = "17012", investment: tuple[str, str, str] = ("12100.50", "123.44", "23.44")) -> list:
    """The edits that make October's text into November's. `total` is the monitored households'
    total as printed (17012 adds up); `investment` is the toilets' amount, rate and excess."""
    amount, rate, excess = investment
    return [
        ("1-10月", "1-11月"),
        *[(old, new) for old, new in DATES.items()],
        # Monitoring: 50 + 30 + 63 households newly identified, none resolved.
        Edit("共有监测对象16869户", f"共有监测对象{total}户", {"monitoring.households_total": total}),
        Edit("脱贫不稳定户7850户", "脱贫不稳定户7900户", {"monitoring.unstable_households": "7900"}),
        Edit("边缘易致贫户4989户", "边缘易致贫户5019户", {"monitoring.marginal_households": "5019"}),
        Edit("突发严重困难户4030户", "突发严重困难户4093户", {"monitoring.sudden_households": "4093"}),
        Edit("暂未消除风险的6083户", "暂未消除风险的6226户", {"monitoring.remaining_households": "6226"}),
        Edit("不稳定户3294户", "不稳定户3344户", {"monitoring.unstable_remaining_households": "3344"}),
        Edit("边缘致贫户578户", "边缘致贫户608户", {"monitoring.marginal_remaining_households": "608"}),
        Edit("突发严重困难户2211户", "突发严重困难户2274户", {"monitoring.sudden_remaining_households": "2274"}),
        # Employment: more people at a higher rate of the same (implied) target.
        Edit("已就业39.0589万人,完成目标任务数的104.03%", "已就业39.4213万人,完成目标任务数的105.00%",
             {"employment.employed": "39.4213", "employment.employed_rate": "105.00"}),
        Edit("公益岗位19882个", "公益岗位20115个", {"employment.public_welfare_jobs": "20115"}),
        Edit("就业帮扶车间1053家,吸纳就业总量40284人(其中脱贫劳动力10943人)",
             "就业帮扶车间1060家,吸纳就业总量40915人(其中脱贫劳动力11102人)",
             {"workshops.workshops": "1060", "workshops.employed": "40915",
              "workshops.employed_poverty_labour": "11102"}),
        Edit("已完成农村改厕任务61107户,开工完成率95.55%,累计完成投资额11836.06万元,完成率为120.74%,超额完成20.74%",
             f"已完成农村改厕任务62307户,开工完成率97.43%,累计完成投资额{amount}万元,完成率为{rate}%,"
             f"超额完成{excess}%",
             {"toilets.completed": "62307", "toilets.completed_rate": "97.43", "toilets.investment": amount,
              "toilets.investment_rate": rate, "toilets.investment_excess": excess}),
        Edit("597个村庄已完成村庄规划准备工作,占比80%;562个村庄已完成村庄规划基础调查工作,占比76%",
             "640个村庄已完成村庄规划准备工作,占比84%;601个村庄已完成村庄规划基础调查工作,占比79%",
             {"village_planning.prepared": "640", "village_planning.prepared_share": "84",
              "village_planning.surveyed": "601", "village_planning.surveyed_share": "79"}),
        Edit("已实际拆除空心房9055户107.993万平方米", "已实际拆除空心房9310户110.512万平方米",
             {"hollow_houses.demolished_households": "9310", "hollow_houses.demolished_area": "110.512"}),
        # One more county, and the count raised to match.
        Edit("城步县8个县", "城步县、隆回县9个县", {"hollow_houses.counties_completed": "9"}),
        Edit("生活垃圾68.3万吨,清理村内水塘数量19475口,清理村内沟渠16083公里,清理畜禽养殖粪污等农业生产废弃物141.5万余吨",
             "生活垃圾71.2万吨,清理村内水塘数量20110口,清理村内沟渠16790公里,清理畜禽养殖粪污等农业生产废弃物146.2万余吨",
             {"village_cleaning.household_waste": "71.2", "village_cleaning.ponds": "20110",
              "village_cleaning.ditches": "16790", "village_cleaning.farm_waste": "146.2"}),
    ]


def make_november(raw_root: Path, **options) -> Path:
    """data/raw/2021-11/ beside the real 2021-10, with the as-of column moved on like the text."""
    folder = make_period(raw_root, "2021-11", november_edits(**options))
    path = folder / "figures.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        row["as_of"] = DATES.get(row["as_of"], row["as_of"])
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    reseal(folder, "figures.csv")
    return folder
