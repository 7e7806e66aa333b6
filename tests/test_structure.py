import pandas as pd
import pytest

import policytext as pt
from policytext.schemas import OUTLINE, UNITS, check_schema

# The outline of the reference document, read off the text by hand: (level, marker, heading).
EXPECTED_OUTLINE = [
    (1, "（三）", "内外兼修挑商选资，招商质量达到新高度"),
    (2, "一是", "园区短板正在加快补齐"), (2, "二是", "招商项目正在加快落户"),
    (1, "三、", "倾力共促生态“绿”，园区强大的发展后劲更加凸显"),
    (2, "（一）", "高度重视，转变职能，政府抽身抓管理"),
    (3, "一是", "全面动员社会参与"), (3, "二是", "充分发挥市场主导作用"),
    (2, "（二）", "明确导向，紧盯重点，问题整改见成效"),
    (3, "一是", "严格压实责任"), (3, "二是", "开展联合执法"),
    (2, "（三）", "工农一体，加强统筹，生态农业大发展"),
    (3, "一是", "及时调整农业产业机构"), (3, "二是", "认真落实河（湖）长制"), (3, "三是", "实现全面“禁烧”"),
    (1, "一是", "加强政治建设，开启基层党建示范创建新征程"),
    (2, "一要", "适应新形势"), (2, "二要", "开展新活动"), (2, "三要", "建设新支部"),
    (1, "二是", "加强经济建设，开启传统产业转型发展新征程"),
    (2, "一要", "明确产业定位"), (2, "二要", "创建优质园区"), (2, "三要", "支持企业发展"),
    (1, "三是", "加强社会建设，开启区镇和谐融合发展新征程"),
    (2, "一要", "切实抓好维稳保安"), (2, "二要", "全力确保人民安全"), (2, "三要", "兑现脱贫攻坚庄严承诺"),
    (1, "四是", "加强生态文明建设，开启美丽区镇建设新征程"),
    (2, "一要", "科学编制规划"), (2, "二要", "改善人居环境"),
    (1, "五是", "加强文化建设，开启文化创造美好生活新征程"),
    (2, "一要", "深化文明创建"), (2, "二要", "丰富活动载体"),
]


def test_reference_outline_is_complete_with_no_false_heading(reference_units):
    heads = pt.outline(reference_units)
    assert list(heads[["level", "marker", "heading"]].itertuples(index=False, name=None)) == EXPECTED_OUTLINE


def test_units_schema_and_spans(reference_docs, reference_units):
    assert check_schema(reference_units, UNITS) == []
    assert check_schema(pt.outline(reference_units), OUTLINE) == []
    raw = reference_docs.loc[0, "text"]
    for text, start, end in zip(reference_units["text"], reference_units["start"], reference_units["end"]):
        assert len(raw[start:end]) == len(text)
        assert pt.normalize_text(raw[start:end]) == text.strip()


def test_reference_parts(reference_units):
    plan = reference_units.loc[reference_units["part"] == "plan"]
    assert plan.iloc[0]["text"].startswith("2018年，是贯彻落实党的十九大精神的开局之年")
    assert set(reference_units.loc[reference_units["para_no"] < 7, "part"]) == {"review"}
    assert set(reference_units.loc[reference_units["para_no"] >= 7, "part"]) == {"plan"}


def test_run_in_heading_ends_at_comma_when_the_sentence_is_long(reference_units):
    row = reference_units.loc[reference_units["marker"].eq("二要") & reference_units["para_no"].eq(9)].iloc[0]
    assert row["text"] == "二要创建优质园区，"
    following = reference_units.loc[row.name + 1]
    assert following["text"].startswith("要加快拆迁腾地") and not following["is_heading"]


def test_not_headings():
    text = ("一、2017年工作回顾\n认真落实河(湖)长制,安排各村(居)书记参与。今年完成任务,一是投资增长。\n"
            "二、2018年工作安排\n2018年,是开局之年。完成1.2万亩种植。")
    heads = pt.outline(text)
    assert heads["marker"].tolist() == ["一、", "二、"]
    assert heads["part"].tolist() == ["review", "plan"]


def test_sentences_never_split_inside_quotes():
    units = pt.units("要求“不断提高质量。勇于自我革命。”的要求。下一句。")
    assert units["text"].tolist() == ["要求“不断提高质量。勇于自我革命。”的要求。", "下一句。"]


def test_every_marker_type_and_depths():
    text = ("一、过去一年工作回顾\n（一）经济发展。1.工业增长。（1）产值增加。\n"
            "二、2019年工作任务\n第一，加快发展。首先，推进改革。一要稳增长。二要调结构。")
    heads = pt.outline(text)
    assert list(zip(heads["marker"], heads["level"])) == [
        ("一、", 1), ("（一）", 2), ("1.", 3), ("（1）", 4), ("二、", 1), ("第一", 2), ("首先", 3),
        ("一要", 4), ("二要", 4)]


def test_numbering_may_start_midway_and_part_other_without_cues():
    units = pt.units("（三）加强管理。\n各项工作有序推进。")
    assert units["level"].tolist() == [1, 1] and set(units["part"]) == {"other"}


def test_part_sizes(reference_units):
    sizes = pt.part_sizes(reference_units)
    assert sizes["part"].tolist() == ["review", "plan"]
    assert sizes["characters"].sum() == reference_units["text"].str.len().sum()
    assert sizes["share"].sum() == pytest.approx(100, abs=0.1)


def test_national_report_parts(national):
    report = national.loc[national["year"] == 2019]
    units = pt.units(report)
    heads = pt.outline(units)
    top = heads.loc[heads["level"] == 1, ["heading", "part"]].values.tolist()
    assert top[0][1] == "review" and "回顾" in top[0][0]
    assert [p for _, p in top[1:]] == ["plan"] * (len(top) - 1)
    assert units.loc[0, "part"] == "other"


def test_two_documents_keep_their_own_ids():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["一、回顾\n完成。", "加快。"]})
    units = pt.units(docs)
    assert units.groupby("doc_id")["unit_id"].apply(list).to_dict() == {"a": [0, 1], "b": [0]}
