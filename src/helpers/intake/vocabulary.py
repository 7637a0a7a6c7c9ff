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
                    "获得", "建成", "覆盖", "达到", "受益", "通过", "被",
                    # what will or did not happen yet: 88个安置点|将于明年完成, 12个村庄|尚未完成
                    "将", "拟", "预计", "正在", "尚未", "仍", "未")
# A count right after these words is what is left (剩余88个安置点): labelled 剩余 + what it counts.
REMAINDER_WORDS = re.compile("(?:剩余|尚有|还有|仍有|尚余|剩下)$")
# A figure printed right after another's unit, opening with 中 (8.12万人中已就业7.96万人), is a
# part of the one before: its label starts with that one's (搬迁劳动力中已就业人数).
PART_OF_PREVIOUS = "中"
# A label that says only what happened (已就业, 尚未完成) is no noun phrase: as a part (其中已就业38417人)
# it takes the words of its whole.
VERB_PART = re.compile("^(?:已|未|暂未|尚未|新增)")
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

# ---- Words for proposed ids (a new campaign's, a new figure's metric) ----------------------------
# Chinese words of headings and labels, and the English words the project's ids use for them
# (monitoring, toilets, employed, poverty_labour, target, …). Tried longest first; a word found
# inside a longer one already taken is skipped. An id made of these is a proposal the reviewer
# confirms or renames (`shaoyang-report rename-campaign`).
ID_WORDS: dict[str, str] = {
    # campaigns and their subjects
    "防止返贫": "monitoring", "动态监测": "monitoring", "监测帮扶": "monitoring", "易地扶贫搬迁": "relocation",
    "易地搬迁": "relocation", "搬迁": "relocation", "后续扶持": "follow_up", "供水": "water_supply",
    "饮水": "drinking_water", "改厕": "toilets", "危房改造": "housing", "危房": "housing", "空心房": "hollow_houses",
    "村庄规划": "village_planning", "村庄清洁": "village_cleaning", "三清一改": "village_cleaning",
    "就业帮扶车间": "workshops", "帮扶车间": "workshops", "车间": "workshops", "排查整改": "rectification",
    "乡村产业": "industry", "产业": "industry", "小额信贷": "microcredit", "信贷": "credit", "贷款": "loans",
    "教育": "education", "医疗": "health_care", "医保": "medical_insurance", "健康": "health", "养老": "elderly_care",
    "低保": "minimum_living_allowance", "兜底": "social_safety_net", "社会救助": "social_assistance",
    "道路": "roads", "公路": "roads", "交通": "transport", "电网": "power_grid", "光伏": "solar_power",
    "消费帮扶": "consumption_support", "培训": "training", "技能": "skills", "金融": "finance",
    "人居环境": "living_environment", "垃圾": "waste", "污水": "sewage", "党建": "party_building",
    "驻村": "village_teams", "生态": "ecology", "护林": "forest_rangers", "文化": "culture", "旅游": "tourism",
    "电商": "e_commerce", "劳务": "labour_services", "资金": "funds", "项目": "projects", "衔接": "linkage",
    # what figures count
    "监测对象": "monitored", "脱贫劳动力": "poverty_labour", "劳动力": "labour", "脱贫人口": "poverty_population",
    "安置群众": "resettled", "安置点": "resettlement_sites", "群众": "residents", "农户": "rural_households",
    "企业": "enterprises", "合作社": "cooperatives", "产品": "products", "村庄": "villages", "县市区": "counties",
    "公益岗位": "public_welfare_jobs", "岗位": "jobs", "工程": "works", "设施": "facilities", "面积": "area",
    "投资": "investment", "预算": "budget", "补助": "subsidies",
    # what is said of them
    "已就业": "employed", "就业": "employed", "已完成": "completed", "完成": "completed", "竣工": "completed",
    "剩余": "remaining", "尚有": "remaining", "暂未": "remaining", "新增": "added", "累计": "",
    "计划": "planned", "目标": "target", "任务": "target", "覆盖": "covered", "受益": "beneficiary",
    "吸纳": "", "开展": "", "推进": "", "巩固": "", "提升": "", "成果": "", "工作": "", "行动": "", "专项": "",
}
# Words that already say a figure is money, a share or a rate: no unit word is added after them.
MONEY_WORDS = ("funds", "investment", "budget", "loans", "subsidies", "microcredit", "credit")
# The metric word each base unit adds to a new figure's id, as the project's ids have them
# (monitoring.unstable_households, employment.employed_rate, village_planning.prepared_share).
UNIT_METRIC_WORDS = {"households": "households", "persons": "persons", "yuan": "yuan", "square_metres": "area",
                     "mu": "area", "tonnes": "tonnes", "kilometres": "km", "person_times": "person_times",
                     "household_times": "household_times", "times": "times", "percentage_points": "points"}
# A percentage whose label says it is a share of a whole (占比, 比例, 比重) is a share; else a rate.
SHARE_WORDS = re.compile("占比|比例|比重|占")
# Heading words that are not part of a campaign's name: verbs that open a heading, nouns that close it.
HEADING_OPENERS = re.compile(r"^(?:[一二三四五六七八九十]+[、是.]|\d+[、.])?(?:持续|扎实|大力|全力|全面|深入|着力|切实|"
                             r"推进|开展|加快|加强|强化|巩固|做好|抓好|落实|深化|实施|提升|完善|推动|狠抓)+")
HEADING_CLOSERS = re.compile(r"(?:成果|工作|专项督导行动|专项行动|攻坚战|攻坚|行动)+[。.]?$")
