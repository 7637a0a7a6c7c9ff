"""Tests for helpers.audit.diagnoses: one explanation for mismatches that one printed number could cause.

The cases are built from the real 2021-10 text: its two village shares (a different base, not a
misprint), and its monitoring sentence with a misprinted total, which breaks the sum, the
remainder and the month's flow at once.
"""

from __future__ import annotations


import pandas as pd
import pytest

from helpers.audit import clean, diagnoses, relations, sentences
from helpers.io import rawdata, readers

from helpers.testing.tables import figure, relation, table
from helpers.testing import ROOT

RAW = ROOT / "data" / "raw" / "2021-10"
REFERENCE = ROOT / "data" / "reference"


@pytest.fixture(scope="module")
def october():
    figures, _ = clean.clean_period(RAW, rawdata.load_source(RAW))
    text = readers.read_utf8(RAW / "report.txt")
    return figures, text, sentences.relations_for(relations.load_relations(REFERENCE, "2021-10"), figures, text)


def diagnose(figures: pd.DataFrame, text: str, rels: list[dict], previous: pd.DataFrame | None = None):
    checks = relations.run_checks(figures, rels, text, previous)
    before = checks.copy()
    found = diagnoses.diagnose(checks, rels, figures, text, previous)
    pd.testing.assert_frame_equal(checks, before)  # a diagnosis explains; it changes no verdict
    assert list(found.columns) == diagnoses.DIAGNOSIS_COLUMNS
    return checks, found


# ---- Typos ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("printed, meant, code", [
    ("17021", "17012", "digits_swapped"),
    ("17021", "17121", "digit_changed"),
    ("95.45", "95.55", "digit_changed"),
    ("1702", "17012", "digit_dropped"),     # the print lost the 1
    ("170012", "17012", "digit_doubled"),   # the print repeats the 0
    ("7.85", "78.5", None),                 # a moved decimal point is not one of the four
    ("760", "742", None),
    ("七", "八", None),                      # Chinese numerals are not diagnosed as typos
])
def test_typo_variants(printed, meant, code):
    assert diagnoses.typo_variants(printed).get(meant) == code


def test_typo_variants_have_no_leading_zeros():
    assert not [v for v in diagnoses.typo_variants("17021") if v.startswith("0")]


# ---- October: the village shares --------------------------------------------------------------------

def test_octobers_two_shares_are_one_different_base_not_a_misprint(october):
    checks, found = diagnose(*october)
    assert len(found) == 1, "one explanation for both shares"
    row = found.iloc[0]
    assert (row["figure_id"], row["printed"], row["proposed"], row["unit_printed"]) == \
        ("village_planning.target", "760", "742–744", "个")
    assert (row["lower"], row["upper"], row["kind"], row["typo"]) == (742, 744, "different_base", "")
    assert row["resolves"] == "village_planning.prepared_share.rate|village_planning.surveyed_share.rate"
    # The checks keep their verdicts.
    shares = checks.set_index("check_id").loc[row["resolves"].split("|"), "status"]
    assert list(shares) == ["mismatch", "mismatch"]


def test_the_base_range_is_exact_at_both_ends(october):
    """742 and 744 fit both printed shares; 741 and 745 do not."""
    figures, text, rels = october
    shares = [r for r in rels if r["relation_id"].startswith("village_planning.")]
    assert len(shares) == 2
    for base, fits in ((741, False), (742, True), (744, True), (745, False)):
        changed = figures.copy()
        changed.loc[changed["figure_id"] == "village_planning.target", ["value", "value_printed"]] = [base, str(base)]
        statuses = set(relations.run_checks(changed, shares, text)["status"])
        assert (statuses == {"pass"}) is fits, base


def test_a_typo_that_explains_only_one_share_is_not_reported_beside_the_base(october):
    """76% → 74% is one digit away and would fix the second share alone; the base explains both."""
    _, found = diagnose(*october)
    assert "village_planning.surveyed_share" not in set(found["figure_id"])
    assert "misprint" not in set(found["kind"])


# ---- A misprinted total -----------------------------------------------------------------------------

def monitoring_month(total: str, previous: pd.DataFrame | None = None):
    """The real monitoring sentence with 143 households newly identified (none resolved) and the total
    printed as `total` (17012 is right)."""
    sentence = ("截至11月底,邵阳市共有监测对象{total}户42750人,其中脱贫不稳定户7900户18363人,已消除返贫风险的有"
                "4556户11871人;边缘易致贫户5019户14552人,已消除致贫风险的有4411户13150人;突发严重困难户4093户9835人,"
                "已消除致贫风险的有1819户4932人。").format(total=total)
    remaining = ("对目前暂未消除风险的6226户12797人(不稳定户3344户6492人、边缘致贫户608户1402人、"
                 "突发严重困难户2274户4903人),实行“一对一”结对帮扶。")
    values = {"households_total": total, "unstable_households": "7900", "marginal_households": "5019",
              "sudden_households": "4093", "unstable_resolved_households": "4556",
              "marginal_resolved_households": "4411", "sudden_resolved_households": "1819",
              "remaining_households": "6226", "unstable_remaining_households": "3344",
              "marginal_remaining_households": "608", "sudden_remaining_households": "2274"}
    rows, text = [], sentence + remaining
    for metric, printed in values.items():
        row = figure(f"monitoring.{metric}", printed, "户")
        quote = remaining if "remaining" in metric else sentence
        rows.append({**row, "quote": quote, "value_start": str(text.index(f"{printed}户"))})
    return table(*rows), text


def october_monitoring() -> pd.DataFrame:
    figures, _ = clean.clean_period(RAW, rawdata.load_source(RAW))
    return figures[figures["figure_id"].str.startswith("monitoring.") & figures["unit"].eq("households")]


def household_relations(figures: pd.DataFrame, text: str) -> list[dict]:
    """The monitoring relations on households: declared (remainders, the flow) and read from the sentences."""
    declared = [r for r in relations.load_relations(REFERENCE, "2021-10")
                if r["relation_id"].startswith("monitoring.") and "persons" not in r["relation_id"]]
    return sentences.relations_for(declared, figures, text)


def test_a_misprinted_total_is_one_misprint_resolving_sum_remainder_and_flow():
    figures, text = monitoring_month("17021")
    checks, found = diagnose(figures, text, household_relations(figures, text), october_monitoring())
    mismatched = list(checks.loc[checks["status"] == "mismatch", "check_id"])
    assert mismatched == ["monitoring.households_total.sum", "monitoring.remaining_households",
                          "monitoring.remaining_households_flow"]
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["figure_id"], row["printed"], row["proposed"], row["kind"], row["typo"]) == \
        ("monitoring.households_total", "17021", "17012", "misprint", "digits_swapped")
    assert row["resolves"] == "|".join(mismatched)
    assert "likely a misprint" in row["explanation"]


def test_the_same_month_printed_right_needs_no_diagnosis():
    figures, text = monitoring_month("17012")
    checks, found = diagnose(figures, text, household_relations(figures, text), october_monitoring())
    assert "mismatch" not in set(checks["status"])
    assert found.empty


def test_without_the_previous_month_the_misprint_still_resolves_both_identities():
    figures, text = monitoring_month("17021")
    _, found = diagnose(figures, text, household_relations(figures, text))
    assert list(found["resolves"]) == ["monitoring.households_total.sum|monitoring.remaining_households"]


def test_a_value_that_would_break_a_passing_check_is_never_proposed():
    """6,235 would make the remainder agree with the misprinted total, but break the categories' sum."""
    figures, text = monitoring_month("17021")
    _, found = diagnose(figures, text, household_relations(figures, text), october_monitoring())
    assert "monitoring.remaining_households" not in set(found["figure_id"])


# ---- Single mismatches ----------------------------------------------------------------------------

TOILETS_SENTENCE = ("今年省定邵阳市农村改厕任务目标63950户(双清区今年无改厕任务),截至10月25日,邵阳市已完成农村改厕任务"
                    "61107户,开工完成率{rate}%。")


def toilets(rate: str) -> tuple[pd.DataFrame, str, list[dict]]:
    sentence = TOILETS_SENTENCE.format(rate=rate)
    rows = [{**figure("toilets.target", "63950", "户", kind="target"), "quote": sentence},
            {**figure("toilets.completed", "61107", "户", kind="cumulative"), "quote": sentence},
            {**figure("toilets.completed_rate", rate, "%", kind="rate"), "quote": sentence}]
    rel = relation("rate", "toilets.completed_rate", ("toilets.completed", "toilets.target"),
                   relation_id="toilets.completed_rate")
    return table(*rows), sentence, [rel]


def test_a_single_mismatch_one_typo_away_is_a_misprint():
    checks, found = diagnose(*toilets("95.45"))
    assert list(checks["status"]) == ["mismatch"]
    assert found[["figure_id", "proposed", "kind", "typo", "resolves"]].to_dict("records") == [
        {"figure_id": "toilets.completed_rate", "proposed": "95.55", "kind": "misprint", "typo": "digit_changed",
         "resolves": "toilets.completed_rate"}]


def test_a_single_mismatch_that_is_no_typo_is_not_diagnosed():
    """Any one mismatch can be 'explained' by changing one of its numbers: that says nothing."""
    checks, found = diagnose(*toilets("94.85"))
    assert list(checks["status"]) == ["mismatch"]
    assert found.empty


def test_mismatches_table_names_the_diagnosis_that_explains_each(october):
    checks, found = diagnose(*october)
    table_ = diagnoses.mismatches(checks, october[0], found)
    assert list(table_["diagnosis"]) == ["village_planning.target"] * 2
    assert list(diagnoses.mismatches(checks, october[0])["diagnosis"]) == ["", ""]


def test_several_typos_that_fit_single_none_out():
    """A part above its whole: 10943, 20943, 30943 … all fit '其中' below 40284, so no misprint is named."""
    rel = relation("part_of", "w.poverty_labour", ("w.employed",), relation_id="w.part")
    figures = table(figure("w.poverty_labour", "50943", "人"), figure("w.employed", "40284", "人"))
    checks = relations.run_checks(figures, [rel], "")
    assert list(checks["status"]) == ["mismatch"]
    assert diagnoses.diagnose(checks, [rel], figures, "").empty
