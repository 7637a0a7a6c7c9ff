"""The editions' words (helpers.publish.catalogue): every catalogue holds the same keys and placeholders,
every key the code or a template asks for exists, and nothing falls back silently."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from helpers.publish import catalogue, edition
from helpers.publish.catalogue import CatalogueError, Count, load_catalogue
from helpers.testing import ROOT

PUBLISH = ROOT / "src" / "helpers" / "publish"
PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Keys the code builds from a code or a field (f"progress.gap.{position}"), listed here by hand;
# a test below checks that each prefix is really built that way, so the list cannot rot.
DYNAMIC = {
    "progress.gap.": ["behind", "ahead"],
    "progress.heading.": ["behind", "ahead"],
    "fact.source.": ["period_start", "period_end", "published", "dated", "retrieved"],
    "fact.progress.": ["target", "achieved"],
    "fact.check.": ["lower", "upper"],
    "fact.change.": ["previous", "current"],
    "audit.operation.": ["implied_sum", "implied_ratio", "implied_product"],
    "explain.": ["date_as_of", "source_date", "constant_full", "count_figures", "count_campaigns", "count_targets",
                 "count_position", "count_checked", "count_mismatched", "count_explained", "count_diagnosed",
                 "count_checks", "count_status", "count_attention", "count_new", "count_resolved", "implied_target",
                 "implied_achieved", "completion_rate", "gap", "recomputed", "difference", "tolerance", "range_lower",
                 "range_upper", "proposed", "stale_days", "previous_figure", "previous_range", "current_range",
                 "previous_period"],
}


def static_keys() -> set[str]:
    """Every literal key the code and the templates ask for."""
    found = set()
    for path in list(PUBLISH.rglob("*.py")) + list((PUBLISH / "templates" / "sections").glob("*.j2")):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"""\bt(?:\.text|\.plain)?\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""", text))
        found |= set(re.findall(r"""\.t(?:\.text|\.plain)?\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""", text))
    return found


def test_the_editions_are_the_catalogues_the_source_language_first():
    """Chinese and English at least; any further catalogue is one more edition (no list to edit)."""
    assert {"zh", "en"} <= set(catalogue.languages())
    assert edition.editions()[0] == edition.SOURCE_LANGUAGE == "zh"
    assert sorted(edition.editions()) == catalogue.languages()


def test_every_catalogue_holds_the_same_keys():
    keys = {language: set(load_catalogue(language).messages) for language in catalogue.languages()}
    source = keys[edition.SOURCE_LANGUAGE]
    assert all(k == source for k in keys.values()), {language: sorted(k ^ source) for language, k in keys.items()}


def test_every_message_has_the_same_placeholders_in_every_language():
    """A translation may say nothing (an empty message), but may not drop or invent a value."""
    source = load_catalogue(edition.SOURCE_LANGUAGE)

    def placeholders(words, key) -> set[str]:
        return {name for form in words.forms(key) for name in PLACEHOLDER.findall(form)}

    differ = [(language, key) for language in catalogue.languages() for key in load_catalogue(language).messages
              if any(source.forms(key)) and any(load_catalogue(language).forms(key))
              and placeholders(source, key) != placeholders(load_catalogue(language), key)]
    assert differ == []
    # Each form of a plural message says every value (a translation drops none in one form).
    for language in catalogue.languages():
        words = load_catalogue(language)
        uneven = [key for key, message in words.messages.items() if isinstance(message, dict)
                  and len({frozenset(PLACEHOLDER.findall(form)) for form in words.forms(key)}) > 1]
        assert uneven == [], f"{language}.yml: forms of {uneven} name different values"


def test_every_plural_message_agrees_with_a_value_and_has_each_cldr_form_of_its_language():
    """English needs one and other; a language with more categories (Russian: one, few, many) needs
    a form for each; a message that does not vary stays a plain string."""
    for language in catalogue.languages():
        words = load_catalogue(language)
        needed = set(words.locale.plural_form.tags) | {"other"}

        def check(key, message):
            assert message.get("plural") in PLACEHOLDER.findall(" ".join(words.forms(key))), (language, key)
            assert set(message) - {"plural"} == needed, f"{language}.yml {key}: forms {sorted(set(message) - {'plural'})}, CLDR needs {sorted(needed)}"
            for form in message.values():
                if isinstance(form, dict):
                    check(key, form)

        for key, message in words.messages.items():
            if isinstance(message, dict):
                check(key, message)


def count_link(number: int) -> Count:
    return Count(number, Markup(f'<a href="#x">{number}</a>'))


@pytest.mark.parametrize("diagnosed, explained, expected", [
    (1, 2, '; <a href="#x">1</a> number explains <a href="#x">2</a> of them'),
    (3, 3, '; <a href="#x">3</a> numbers explain <a href="#x">3</a> of them'),
])
def test_english_words_agree_with_their_number(diagnosed, explained, expected):
    """Issue 17: "1 numbers explain 2 of them"."""
    words = load_catalogue("en")
    assert words("headline.why_some", diagnosed=count_link(diagnosed), explained=count_link(explained)) == expected
    assert "1 day before" in words.plain("campaign.stale", days=Count(1.0, "1"))  # a count held as a float
    assert words.plain("headline.figures", figures=Count(5, "5"), campaigns=Count(1, "1")).startswith(
        "This page transcribes 5 figures from the report, about 1 campaign;")


def test_a_plural_message_without_its_count_is_an_error():
    words = load_catalogue("en")
    with pytest.raises(CatalogueError, match="agrees with diagnosed, which must be given as a Count"):
        words("headline.why_some", diagnosed="1", explained="2")
    with pytest.raises(CatalogueError, match="has plural forms"):
        words.text("headline.why_some")


def test_every_key_the_code_asks_for_is_in_every_catalogue():
    asked = static_keys() | {prefix + code for prefix, codes in DYNAMIC.items() for code in codes}
    assert len(static_keys()) > 80
    for language in catalogue.languages():
        missing = sorted(asked - set(load_catalogue(language).messages))
        assert missing == [], f"{language}.yml lacks {missing}"


def test_the_dynamic_keys_are_built_where_the_test_says():
    code = "\n".join(path.read_text(encoding="utf-8") for path in PUBLISH.rglob("*.py"))
    templates = "\n".join(path.read_text(encoding="utf-8") for path in (PUBLISH / "templates" / "sections").glob("*.j2"))
    for prefix in DYNAMIC:
        assert f'"{prefix}' in code or f'"{prefix}" ~' in templates or f"f\"{prefix}{{" in code, prefix


def test_a_missing_key_or_value_is_an_error_never_a_fallback():
    words = load_catalogue("en")
    with pytest.raises(CatalogueError, match="en.yml has no message 'headline.nonsense'"):
        words("headline.nonsense")
    with pytest.raises(CatalogueError, match="needs position"):
        words("headline.position", count="63")
    with pytest.raises(CatalogueError, match="agrees with campaigns, which must be given as a Count"):
        words("headline.figures", figures=Count(63, "63"))
    with pytest.raises(CatalogueError, match="no catalogue for language 'xx'"):
        load_catalogue("xx")


def test_values_are_escaped_unless_they_are_markup():
    words = load_catalogue("en")
    html = words("headline.figures", figures=Count(63, Markup('<a href="#x">63</a>')), campaigns=Count(9, "<script>"))
    assert '<a href="#x">63</a>' in html and "&lt;script&gt;" in html and "<script>" not in html


def test_a_third_language_needs_no_code_change(tmp_path, monkeypatch):
    """A catalogue file is all the words a language needs: it is found by its file name alone."""
    for language in ("zh",):
        source = catalogue.CATALOGUES / f"{language}.yml"
        (tmp_path / "fr.yml").write_text(source.read_text(encoding="utf-8").replace("lang: zh-CN", "lang: fr"),
                                         encoding="utf-8")
    monkeypatch.setattr(catalogue, "CATALOGUES", tmp_path)
    catalogue.load_catalogue.cache_clear()
    try:
        assert catalogue.languages() == ["fr"] and load_catalogue("fr").text("lang") == "fr"
    finally:
        catalogue.load_catalogue.cache_clear()
