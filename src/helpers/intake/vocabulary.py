"""The draft's vocabulary: the words, names, units and patterns it reads a report with.

Everything the draft guesses is made from the wording of the text, with rules that are simple and
listed here as data (fixed names, words, measure words, units, date and as-of patterns, the words
that make a label), so that a new report's vocabulary is added in one place where it is found wrong.
The modules that use them: quantities (a number's unit and qualifier), classify (figure or not),
guesses (label, kind, campaign) and asof (the date a figure stands at).
"""

from __future__ import annotations

import re

from ..text.numbers import BASE_UNITS, RANGE_SEPARATOR

# Fixed names (slogans, schemes, brands) that contain numerals but count nothing.
FIXED_NAMES = (
    "两不愁三保障", "两不愁", "三保障", "四不两直", "一对一", "湘九味", "多规合一", "三清一改", "一卡通",
    "五保", "三农", "两委", "十三五", "十四五", "一村一品", "一户一策", "一户一档", "一县一特", "一乡一业",
    "一人一岗", "五个一批", "六个精准", "四个不摘", "两个确保", "两个维护", "一把手", "一网通办", "一站式",
    "一事一议", "一肩挑", "五级书记", "一带一路", "四好农村路", "三支一扶", "万企帮万村", "一村一辅警",
)
# Ordinary words that contain numerals. Most are caught by the default rule (a Chinese
# numeral not followed by a measure word is a word); these are listed because they *are*
# followed by a measure word, or because they are common enough to deserve a clear note.
WORDS = (
    "一线", "清零", "扫一扫", "一起", "统一", "进一步", "一批", "一次性", "一系列", "一些", "一致", "一般",
    "一定", "一直", "一样", "一体化", "唯一", "千家万户", "千方百计", "万无一失", "一心一意", "一如既往",
    "老百姓", "百姓", "一方面", "一律", "一并", "一流", "十分", "万众一心", "一盘棋", "一条龙", "一张图",
    "一个个", "一项项", "一家家", "一户户", "一次次", "一揽子", "一年来", "同一",
    # Idioms of completeness: 无一人返贫 counts nobody.
    "无一人", "无一户", "无一例", "一个不少", "一个都不能少", "一户不漏", "一户不落", "一人不落", "不落一人",
    "不漏一户", "一票否决",
)
# Units that numbers.BASE_UNITS does not know, as printed after a number (without 万/亿),
# mapped to a base unit where one applies. Counting measure words are counts; the others
# (durations, ratios) keep an empty base unit so the analyst sees them in review.
EXTRA_UNITS: dict[str, str] = {
    "大": "count",  # 七大专项行动: "seven major ..." (after Chinese numerals only)
    "批": "count", "类": "count", "件": "count", "套": "count", "份": "count", "种": "count",
    "支": "count", "辆": "count", "头": "count", "只": "count", "张": "count", "篇": "count",
    "本": "count", "届": "count", "位": "persons", "百分点": "percentage_points",
    "倍": "", "年": "", "天": "", "个月": "", "小时": "", "岁": "", "公顷": "", "立方米": "",
    "千瓦": "", "千米": "", "米": "", "平方公里": "", "‰": "",
}
# Printed forms that mean the same unit as a BASE_UNITS key.
UNIT_SPELLINGS = {"％": "%"}
# After 七大 / 两大, the things counted in 项 (else in 个).
MAJOR_ITEMS = "行动|工程|任务|活动|措施|举措|项目|工作|行业"

MULTIPLIER_CHARS = "万亿"
# Unit words as printed after the number (and any 万/亿), longest first so that
# 个百分点 wins over 个 and 平方米 over 米.
UNIT_WORDS = sorted(
    {unit[1:] if unit[0] in MULTIPLIER_CHARS and len(unit) > 1 else unit for unit in BASE_UNITS}
    | set(EXTRA_UNITS) | set(UNIT_SPELLINGS),
    key=len, reverse=True,
)
# 大 counts only after a Chinese numeral (七大专项行动); after an Arabic number it is a word.
ARABIC_UNIT_WORDS = [unit for unit in UNIT_WORDS if unit != "大"]

_CN = "[一二三四五六七八九十]{1,3}"  # a month or day written in Chinese
_N = rf"(?:\d{{1,2}}|{_CN})"  # a month or day
_SEP = RANGE_SEPARATOR
_START = r"(?<!\d)(?<!\d[.,])"  # a number starting here is not the tail of a longer one (1,053; 3.5)

# Spans of text whose numbers are not figures, with the reason; tried in this order.
NOT_FIGURE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("address", re.compile(r"(?:https?://|www\.)[^\s，。；,;]+")),
    # 邵政发〔2021〕1号, ﹝2021﹞3号, [2021]12号: the year in brackets, then the serial number.
    ("document number", re.compile(r"[〔［\[﹝【(（]\s*(?:19|20)\d{2}\s*[〕］\]﹞】)）]\s*第?\s*\d{1,4}\s*号")),
    ("phone number", re.compile(rf"{_START}\d{{3,4}}-\d{{7,8}}(?!\d)")),
    ("date", re.compile(rf"{_START}\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?!\d)")),
    ("time", re.compile(rf"{_START}\d{{1,2}}[:：]\d{{2}}(?:[:：]\d{{2}})?(?!\d)|{_START}\d{{1,2}}时(?:\d{{1,2}}分)?")),
    ("date range", re.compile(
        rf"{_START}{_N}月{_N}日{_SEP}{_N}月{_N}日"
        rf"|{_START}{_N}月{_N}日{_SEP}{_N}日"
        rf"|{_START}{_N}日{_SEP}{_N}日"
        rf"|{_START}{_N}月?{_SEP}{_N}月(?:份|底|末)?"
        rf"|{_START}\d{{4}}年?{_SEP}\d{{4}}年")),
    ("date", re.compile(
        rf"{_START}{_N}月{_N}日|{_START}{_N}月(?:份|底|末|初|上旬|中旬|下旬)?|{_START}{_N}日"
        rf"|第?[一二三四1-4]季度")),
    ("year", re.compile(rf"{_START}\d{{4}}年|[〇零一二三四五六七八九]{{4}}年")),
]

# As-of expressions (see numbers.resolve_as_of). Those with 截至 (and a bare 目前) hold
# until a new as-of, section or paragraph; a period named at the start of a clause
# (9-10月, 9月6日至11日, 今年) only frames its own sentence.
CARRIED_AS_OF = re.compile(
    rf"(?:截至|截止(?:到|至)?)(?:(?:\d{{4}}年|今年)?{_N}月(?:{_N}日|底|末|初|上旬|中旬|下旬)?|目前|当前|年底)"
    rf"|(?<!截至)(?<!截止)目前")
CLAUSE_AS_OF = re.compile(
    rf"(?:\d{{4}}年|今年)?(?:{_N}月{_N}日{_SEP}(?:{_N}月)?{_N}日|{_N}月?{_SEP}{_N}月|{_N}月(?:{_N}日|底|末)?)"
    rf"|今年以来|今年|年内")
# A month's end named at a clause start (10月底,) reads as 截至10月底: it holds like one.
MONTH_END_AS_OF = re.compile(rf"(?:\d{{4}}年|今年)?{_N}月(?:底|末)")

QUOTED = re.compile(r"“[^“”\n]{1,30}”|「[^「」\n]{1,30}」|\"[^\"\n]{1,30}\"")

# Labels are noun phrases: place and time words, and the verbs that join a noun to its number
# (共有, 达到, 开展了, 超过), are dropped around the figure's own words.
LABEL_LEADING = re.compile(r"^(?:其中|共有|现有|共计|总计|共|有|对|目前|今年以来|今年|年内|本年|累计共|的)+")
LABEL_PLACES = re.compile(r"邵阳市|全市")
LABEL_TRAILING = re.compile(r"(?:为|的有|的|达到|达|是|有|共|共计|总计|开展了|开展|了|超过|约|近|累计|合计)+$")
LABEL_MAX = 16
LONG_LABEL_MAX = 24  # a counted noun with the verb phrase that qualifies it
# Where a counted noun ends and what is said about it begins: 597个村庄|已完成村庄规划准备工作.
PREDICATE_STARTS = ("已经", "已", "全部", "均", "都", "入选", "接入", "纳入", "组织", "开展", "完成", "实现", "参与",
                    "获得", "建成", "覆盖", "达到", "受益", "通过", "被")
# A figure listed with the one before it (16869户42750人) shares its label; these words tell
# the two apart by what each counts.
PAIR_SUFFIXES = {"households": "户数", "persons": "人数", "square_metres": "面积", "mu": "面积", "yuan": "金额",
                 "tonnes": "数量", "kilometres": "长度"}

# Words every section heading may use: two headings sharing only these share no campaign
# (推进农村供水保障专项行动 is not “党建+七大专项行动”乡村建设).
GENERIC_HEADING_WORDS = re.compile("专项督导行动|专项行动|秋冬攻坚|推进|开展|加快|加强|大力|扎实|持续|行动|工作")

# A number after these words, before a 的 in the same clause, defines which things are counted
# (104个超过100名脱贫人口的易地搬迁安置点): a threshold, not a figure.
THRESHOLD_WORDS = ("超过", "不少于", "不低于", "多于", "高于")
