"""Guesses for a figure's descriptive columns: its label, its kind and its campaign.

Made from the words around the number (see the vocabulary): a label is a short noun phrase, a kind
comes from the clause's verbs and the unit, a campaign from the section heading's likeness to a
campaign's Chinese name in data/reference/campaigns.csv. The reviewer confirms or corrects each.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..io.errors import InputError
from ..io.paths import Layout
from ..io.rawdata import load_reference_table
from ..io.reference import glossary_names
from ..text.numbers import NumberToken
from ..text.segments import LABEL_BREAKS, SPACES, char_at, clause_before, clause_end
from .quantities import Quantity, normalise_figure, words_after
from .vocabulary import (GENERIC_HEADING_WORDS, LABEL_LEADING, LABEL_MAX, LABEL_PLACES, LABEL_TRAILING,
                         LONG_LABEL_MAX, PAIR_SUFFIXES, PART_OF_PREVIOUS, PREDICATE_STARTS, REMAINDER_WORDS,
                         THRESHOLD_WORDS, VERB_PART)


def counted_noun(text: str, pos: int) -> tuple[str, str]:
    """What a measure word counts, and what the clause then says about it.

    104个|超过100名脱贫人口的易地搬迁安置点|已全部建设就业帮扶车间 -> the noun (a threshold
    phrase such as 超过100名…的 belongs to it) and the predicate; 56家企业90个产品 -> 企业, ''.
    """
    end = clause_end(text, pos)
    start = pos
    for word in THRESHOLD_WORDS:  # 超过100名脱贫人口的 qualifies the noun that follows
        if text.startswith(word, pos) and "的" in text[pos:end]:
            start = text.index("的", pos, end) + 1
            break
    noun_end = start
    while noun_end < end and not text[noun_end].isdigit() \
            and not any(text.startswith(word, noun_end) for word in PREDICATE_STARTS):
        if text[noun_end] in "”」\"" and "“" not in text[pos:noun_end]:
            return text[pos:noun_end], ""  # “党建+七大专项行动”为抓手: the quotation ends the noun
        noun_end += 1
    # A date says when, not what: 将于12月底前完成规划编制 -> 将完成规划编制.
    predicate = re.sub(r"于?(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?(?:底|末|初)?(?:前|以前)?", "", text[noun_end:end])
    if re.search(r"\d", predicate):  # another figure follows: 56家企业90个产品
        predicate = ""
    return text[pos:noun_end], predicate


def guess_label(text: str, token_start: int, quantity: Quantity, previous_end: int, previous_label: str,
                whole_label: str = "") -> str:
    """A short Chinese noun phrase for a figure.

    A count names what its measure word counts, with what is said about it when that is short
    (597个村庄已完成村庄规划准备工作 -> 已完成村庄规划准备工作的村庄); other figures take the
    words before the number back to the clause start or the previous figure (监测对象16869户 ->
    监测对象), without place and time words or joining verbs (今年省定邵阳市农村改厕任务目标 ->
    省定农村改厕任务目标); a figure listed right after another (16869户42750人) takes the label
    the caller passes in. Rates read as rates (完成目标任务数的104.03% -> 完成目标任务数比例).
    Every label stands alone as a noun phrase: a count of what is left is 剩余 + what it counts
    (剩余88个安置点将于明年… -> 剩余安置点), and a part printed right after its whole
    (搬迁劳动力8.12万人中已就业7.96万人) names the whole and what it counts (搬迁劳动力中已就业人数),
    not 中已就业.
    """
    _, base = normalise_figure("1", quantity.unit)
    if base == "count":
        noun, predicate = counted_noun(text, quantity.end)
        noun, predicate = clean_label(noun), clean_label(re.sub("了", "", predicate))
        if noun and REMAINDER_WORDS.search(text[clause_before(text, token_start, LABEL_BREAKS):token_start]):
            return f"剩余{noun}"[:LONG_LABEL_MAX]  # 剩余88个安置点将于明年完成: the sites left
        if noun:
            phrase = f"{predicate}的{noun}"
            return phrase if predicate and len(phrase) <= LONG_LABEL_MAX else noun[:LONG_LABEL_MAX]
    clause_start = clause_before(text, token_start, LABEL_BREAKS)
    start = max(clause_start, previous_end)
    before = text[start:token_start]
    part_of = previous_end > clause_start and before.startswith(PART_OF_PREVIOUS) and whole_label
    if part_of:  # 搬迁劳动力8.12万人中已就业7.96万人: 搬迁劳动力中已就业, a part of the one before
        before = whole_label + before
    if quantity.qualifier in ("约", "近") and before.endswith(quantity.qualifier):
        before = before[:-1]
    if char_at(text, clause_start - 1) == "、" and "等" in before:
        before = before[before.rindex("等") + 1:]  # 生态护林员、物业保安等公益岗位 -> 公益岗位
    label = clean_label(before)[-LABEL_MAX:] or previous_label or clean_label(words_after(text, quantity.end))
    whole = re.sub("(?:户数|人数)$", "", whole_label)
    if not part_of and whole and VERB_PART.match(label) and before.strip(SPACES).startswith("其中"):
        label, part_of = f"{whole}中{label}", True  # 劳动力总量41236人(其中已就业38417人: 劳动力总量中已就业人数
    if base == "percent" and label in ("占比", "比例", "比重") and whole:
        label = whole + label  # (其中已就业38417人,占比39.16%): the share of the part printed before it
    after = text[quantity.end:clause_end(text, quantity.end)]
    if part_of and base in PAIR_SUFFIXES and not label.endswith(PAIR_SUFFIXES[base]):
        label += PAIR_SUFFIXES[base]  # 搬迁劳动力中已就业 -> 搬迁劳动力中已就业人数: what it counts, a noun
    elif base in ("persons", "households") and label and 0 < len(after) <= 8 and not re.search(r"\d", after):
        # 巩固提升4.3万人饮水安全: the people whose drinking water was secured, counted.
        label = label + after + PAIR_SUFFIXES[base]
    if base == "percent" and label and not re.search("(?:率|比|比例|占比|比重)$", label):
        label += "比例"
    return label


def clean_label(words: str) -> str:
    """Drop place and time words and joining verbs: 今年邵阳市共有监测对象 -> 监测对象, 完成率为 -> 完成率."""
    words = LABEL_PLACES.sub("", words.strip(SPACES))
    return LABEL_TRAILING.sub("", LABEL_LEADING.sub("", words))


def guess_kind(text: str, token: NumberToken, quantity: Quantity, base_unit: str) -> str:
    """cumulative / stock / target / rate / plan / count from the unit and the clause's verbs."""
    clause = text[clause_before(text, token.start, LABEL_BREAKS):token.start]
    if base_unit in ("percent", "percentage_points"):
        return "rate"
    if re.search("任务|目标|计划", clause) and not re.search("已|累计", clause):
        return "target"
    if re.search("规划|安排", clause):
        return "plan"
    if re.search("的有|共有|现有|其中", clause) or REMAINDER_WORDS.search(clause):
        return "stock"  # 已消除返贫风险的有4556户, 剩余88个: how many stand so at the date
    if re.search("累计|已|完成|清理|开发", clause):
        return "cumulative"
    if re.search("有", clause):
        return "stock"
    if base_unit == "count":
        return "count"
    return ""


def load_campaigns(path: Path | None = None, period: str | None = None) -> dict[str, str]:
    """Campaign id -> Chinese name: the campaigns of data/reference/campaigns.csv, each named by the
    glossary.csv beside it ('' for one it does not name; {} if either cannot be read): the rows that
    apply to `period`, or every campaign's latest row.

    Without a path, the project's own reference table is used.
    """
    path = Path(path or Layout.default().reference / "campaigns.csv")
    try:
        names = glossary_names(path.parent, "campaign", period)
        return {row["campaign"]: names.get(row["campaign"], ("", None))[0]
                for row in load_reference_table(path, ["campaign"], period=period)}
    except (InputError, OSError):
        return {}


def guess_campaign(heading: str, campaigns: dict[str, str]) -> str:
    """The campaign whose Chinese name shares the longest run of characters (4 or more)
    with the section heading, if one clearly does: 推进农村危房改造专项行动 -> housing."""
    best, best_length, tie = "", 0, False
    plain = GENERIC_HEADING_WORDS.sub("", heading.replace("“", "").replace("”", ""))
    for campaign, name in campaigns.items():
        name = GENERIC_HEADING_WORDS.sub("", name.replace("“", "").replace("”", ""))
        match = difflib.SequenceMatcher(None, plain, name, autojunk=False).find_longest_match(
            0, len(plain), 0, len(name))
        if match.size > best_length:
            best, best_length, tie = campaign, match.size, False
        elif match.size == best_length:
            tie = True
    return best if best_length >= 4 and not tie else ""
