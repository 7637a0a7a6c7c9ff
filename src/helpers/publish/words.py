"""The Chinese words for the codes the audit produces (statuses, positions, flags, diagnoses).

Codes travel through the tables; each edition turns them into words here, from one mapping each,
and an unknown code is an error (`words`), never a vague stand-in.
"""

from __future__ import annotations

STATUS_ZH = {"pass": "一致", "mismatch": "不一致", "derived": "推算", "not-checkable": "无法核对",
             "not-applicable": "不适用"}
POSITION_ZH = {"ahead": "超过目标", "behind": "尚未完成", "met": "已完成目标"}
# Month-over-month flag codes (audit/changes.py FLAGS); {days} is filled with a fact's link.
FLAG_ZH = {"new": "本期新增", "dropped": "本期未报告", "renamed": "指标已更名,与上期原指标比较",
           "unit_changed": "单位变动", "cumulative_fell": "累计数下降(不应出现)",
           "target_changed": "目标值变动且未说明",
           "implied_target_changed": "推算出的目标与上期推算的范围不重合:目标可能已变动,原文未说明",
           "as_of_earlier": "截止日期早于上期", "stale_as_of": "截止日期早于报告期末{days}天"}
# Diagnosis codes (audit/diagnoses.py KINDS and TYPOS).
DIAGNOSIS_ZH = {"misprint": "很可能是笔误", "different_base": "不像笔误,更可能是有关数字按另一个基数计算"}
TYPO_ZH = {"digit_changed": "只有一位数字不同", "digits_swapped": "只是相邻两位数字顺序颠倒",
           "digit_dropped": "只差漏印的一位数字", "digit_doubled": "只差重复印出的一位数字"}
# Which quantity an implied progress row lacks (progress.csv target_source / achieved_source).
MISSING_ZH = {"target": "目标数", "achieved": "完成数"}


def words(mapping: dict, code: str, what: str) -> str:
    """The words for `code`; an unknown code is an error that names what it is and the known ones."""
    if code not in mapping:
        raise ValueError(f"unknown {what} code {code!r} (known: {', '.join(mapping)})")
    return mapping[code]
