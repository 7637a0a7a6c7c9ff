"""The report's sentences and sections (helpers.text.segments), shared by the draft, the carry-over and
the audit's listed counts."""

from __future__ import annotations

from helpers.text import segments

TEXT = ("    四、努力扩大就业。开发公益岗位19882个;其中生态护林员2000个。\n"
        "    五、推进乡村建设。一是推进车间建设。（一）务工就业。统一是说法。\n"
        "    六．其他工作。低保、五保等。\n")


def test_sentences_and_full_sentences():
    pos = TEXT.index("2000")
    assert TEXT[slice(*segments.sentence_bounds(TEXT, pos))] == "其中生态护林员2000个。"
    assert TEXT[slice(*segments.full_sentence(TEXT, pos))] == "开发公益岗位19882个;其中生态护林员2000个。"


def test_section_marks_nest_and_skip_what_only_looks_like_one():
    marks = segments.section_marks(TEXT)
    # 一是 opens 五(一), and so does （一）; 统一是 and 五保 open nothing; 六． opens a section as 六、 does.
    assert [(m.label, m.heading) for m in marks] == [
        ("四", "努力扩大就业"), ("五", "推进乡村建设"), ("五(一)", "推进车间建设"), ("五(一)", "务工就业"),
        ("六", "其他工作")]


def test_the_next_section_and_a_clause_without_its_number():
    pos = TEXT.index("19882")
    assert TEXT[segments.next_section(TEXT, pos):].startswith("五、推进乡村建设")
    assert TEXT[segments.next_section(TEXT, TEXT.index("一是")):].startswith("六．其他工作")
    assert segments.next_section(TEXT, TEXT.index("低保")) is None  # 五保 is not at a line start
    assert segments.strip_section_number("    五、以“党建+七大专项行动”为抓手") == "以“党建+七大专项行动”为抓手"
    assert segments.strip_section_number("五保等措施") == "五保等措施"
