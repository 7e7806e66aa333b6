import pytest

from policytext.normalize import normalize, normalize_text


@pytest.mark.parametrize("raw, expected", [
    ("今年(截止11月),总投资167.83亿元;", "今年（截止11月），总投资167.83亿元；"),
    ("增长82%,长129.5km,2018年:完成", "增长82%，长129.5km，2018年：完成"),
    ("为什么?要加快!", "为什么？要加快！"),
    ("收入1,234元,时间10:30", "收入1,234元，时间10:30"),
    ("f(x) = 1", "f(x) = 1"),
    ("河(湖)长制", "河（湖）长制"),
])
def test_punctuation_width(raw, expected):
    assert normalize_text(raw) == expected


def test_real_report_layout():
    paragraph = "\u3000\u3000现在，我代表国务院，向大会报告政府工作，请予审议，并请全国政协委员提出意见。" * 3
    raw = ("\u3000\u3000政 府 工 作 报 告\r\n\r\n——2018年3月5日在第十三届全国人民代表大会第一次会议上\r\n"
           "国务院总理  李克强\r\n\r\n各位代表：\r\n" + (paragraph + "\r\n\r\n") * 4)
    assert normalize_text(raw).split("\n")[:7] == [
        "政府工作报告", "", "——2018年3月5日在第十三届全国人民代表大会第一次会议上", "国务院总理李克强", "",
        "各位代表：", paragraph.replace("\u3000", "")]


def test_hard_line_breaks_are_joined_but_headings_stay_apart():
    body = "过去一年我们坚持稳中求进工作总基调统筹推进各项工作经济运行保持在合理区间\n"
    raw = ("一、过去一年工作回顾\n" + body + body.rstrip() + "，社会大局保持稳定。\n"
           "二、2019年工作安排\n今年要加快发展。")
    lines = normalize_text(raw).split("\n")
    assert lines[0] == "一、过去一年工作回顾"
    assert lines[1] == body.strip() * 2 + "，社会大局保持稳定。"
    assert lines[2:] == ["二、2019年工作安排", "今年要加快发展。"]


def test_spans_map_back_to_the_raw_text():
    raw = "\u3000\u3000政 府 工 作\r\n今年(截止11月),完成。"
    norm = normalize(raw)
    start = norm.text.index("（截止")
    raw_start, raw_end = norm.raw_span(start, start + 7)
    assert raw[raw_start:raw_end] == "(截止11月)"
    assert raw[slice(*norm.raw_span(0, 4))] == "政 府 工 作"


def test_traditional_to_simplified():
    assert normalize_text("國務院發展經濟", to_simplified=True) == "国务院发展经济"
