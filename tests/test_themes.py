"""Tests of policytext.themes: codebook loading and validation, matching rules, tags, aggregation."""

import re
import textwrap

import pandas as pd
import pytest

from policytext.errors import CodebookError, InputError
from policytext.labels import coded_tags
from policytext.themes import (
    TAGS,
    Codebook,
    heading_agreement,
    heading_sentences,
    primary_agreement,
    theme_shares,
    theme_validation,
    themes,
    validation_split,
)


def _units(*texts, doc_id="d"):
    return pd.DataFrame({"doc_id": doc_id, "unit_id": range(len(texts)), "text": list(texts)})


def _themes_of(text, segmenter, codebook="five_in_one"):
    tags = themes(_units(text), codebook=codebook, segmenter=segmenter)
    return set(tags.loc[tags["subtheme"] == "", "theme"])


def _write(tmp_path, body, name="mine.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


class FixedWords:
    """A segmenter stub with fixed words (their concatenation is the text)."""

    def __init__(self, words):
        self.words = words

    def cut(self, text):
        assert "".join(self.words) == text
        return list(self.words)


# ---------------------------------------------------------------- shipped codebooks

def test_five_in_one_ids_and_term_counts():
    cb = Codebook.load("five_in_one")
    assert cb.theme_ids == ("economic", "political", "cultural", "social", "ecological")
    counts = cb.terms_table().groupby("theme").size()
    assert (counts >= 60).all(), counts.to_dict()
    assert all(t.definition and t.sources and t.label_zh for t in cb.themes)
    assert any("十九大" in s or "第十九次" in s for s in cb.sources)


def test_policy_instruments_ids_and_subtools():
    cb = Codebook.load("policy_instruments")
    assert cb.theme_ids == ("supply", "environment", "demand")
    assert cb.subtheme_ids == (
        ("supply", "talent"), ("supply", "funding"), ("supply", "technology"), ("supply", "infrastructure"),
        ("supply", "public_service"), ("environment", "goal_planning"), ("environment", "finance"),
        ("environment", "tax"), ("environment", "regulation"), ("environment", "strategic"),
        ("demand", "procurement"), ("demand", "outsourcing"), ("demand", "trade_control"),
        ("demand", "overseas"))
    assert any("Rothwell" in s for s in cb.sources)


# ---------------------------------------------------------------- validation errors

GOOD_THEME = """
  - id: other
    terms: [乙]
"""

BROKEN = {
    "unknown key": ("""
        id: x
        themes:
          - id: bad
            term: [甲]
        """, "bad", "unknown key"),
    "unknown top-level key": ("""
        id: x
        colour: red
        themes:
          - id: bad
            terms: [甲]
        """, "top level", "unknown key"),
    "empty theme": ("""
        id: x
        themes:
          - id: bad
            label_zh: 空
        """, "bad", "empty theme"),
    "duplicate term without weights": ("""
        id: x
        themes:
          - id: first
            terms: [甲, 丙]
          - id: bad
            terms: [丙]
        """, "bad", "also in theme 'first'"),
    "bad regex": ("""
        id: x
        themes:
          - id: bad
            patterns: ['(unclosed']
        """, "bad", "bad regex"),
    "missing theme id": ("""
        id: x
        themes:
          - label_zh: 无名
            terms: [甲]
        """, "theme #1", "missing 'id'"),
    "missing codebook id": ("""
        themes:
          - id: bad
            terms: [甲]
        """, "top level", "missing 'id'"),
    "terms of the wrong type": ("""
        id: x
        themes:
          - id: bad
            terms: 5
        """, "bad", "'terms' must be"),
    "weight of the wrong type": ("""
        id: x
        themes:
          - id: bad
            terms: {甲: high}
        """, "bad", "positive number"),
    "subtheme problem": ("""
        id: x
        themes:
          - id: parent
            subthemes:
              - id: bad
                patterns: ['[z-a]']
        """, "parent/bad", "bad regex"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_codebook_names_file_theme_and_problem(tmp_path, case):
    body, theme, problem = BROKEN[case]
    path = _write(tmp_path, body)
    with pytest.raises(CodebookError) as info:
        Codebook.load(path)
    message = str(info.value)
    assert str(path) in message and theme in message and problem in message, message


def test_not_yaml_and_missing_file(tmp_path):
    path = _write(tmp_path, "id: [unclosed\n")
    with pytest.raises(CodebookError, match=re.escape(str(path))):
        Codebook.load(path)
    with pytest.raises(CodebookError, match="no such codebook"):
        Codebook.load(tmp_path / "absent.yaml")


def test_duplicate_term_with_explicit_weights_loads(tmp_path):
    path = _write(tmp_path, """
        id: x
        themes:
          - id: one
            terms: {甲: 1}
          - id: two
            terms: {甲: 0.5}
        """)
    assert Codebook.load(path).theme_ids == ("one", "two")


# ---------------------------------------------------------------- a user's own codebook

def test_user_codebook_file_works(tmp_path):
    path = _write(tmp_path, """
        id: farming
        version: "0.1"
        matching: {min_score: 1}
        themes:
          - id: crops
            terms: {水稻: 1, 大豆: 1, 种子: {weight: 1, substring: true}}
            exclude: [大豆油]
          - id: animals
            patterns: {'生猪|[牛羊]肉': 1}
        """)
    units = _units("推广水稻和大豆新品种", "大豆油价格上涨", "稳定生猪生产", "天气晴")
    words = {t: FixedWords(w) for t, w in [
        ("推广水稻和大豆新品种", ["推广", "水稻", "和", "大豆", "新品种"]),
        ("大豆油价格上涨", ["大豆油", "价格", "上涨"]),
        ("稳定生猪生产", ["稳定", "生猪", "生产"]),
        ("天气晴", ["天气", "晴"])]}

    class BySentence:
        def cut(self, text):
            return words[text].cut(text)

    tags = themes(units, codebook=path, segmenter=BySentence())
    assert tags[["unit_id", "codebook", "theme", "score", "evidence"]].values.tolist() == [
        [0, "farming", "crops", 2.0, "水稻:2-4;大豆:5-7"],
        [2, "farming", "animals", 1.0, "生猪:2-4"],
    ]


# ---------------------------------------------------------------- matching rules and decisions

def test_decision_cultural_square_is_cultural(segmenter):
    assert _themes_of("加快文化广场建设。", segmenter) == {"cultural"}


def test_decision_ecological_agriculture_is_ecological_and_economic(segmenter):
    tags = themes(_units("大力发展生态农业。"), segmenter=segmenter)
    assert set(tags["theme"]) == {"ecological", "economic"}
    assert set(tags["evidence"]) == {"生态农业:4-8"}  # 生态 inside it is not counted again


def test_decision_work_safety_is_social_only(segmenter):
    assert _themes_of("牢固树立安全生产底线思维。", segmenter) == {"social"}


def test_decision_party_building_is_political(segmenter):
    assert _themes_of("进一步做亮区镇党建品牌。", segmenter) == {"political"}


def test_word_mode_does_not_match_across_a_word_boundary(tmp_path):
    path = _write(tmp_path, """
        id: x
        themes:
          - id: order
            terms: {治安: 1}
          - id: loose
            terms: {治安: {weight: 1, substring: true}}
        """)
    words = FixedWords(["维护", "政治", "安全"])
    tags = themes(_units("维护政治安全"), codebook=path, segmenter=words)
    assert tags["theme"].tolist() == ["loose"]
    inside = themes(_units("社会治安"), codebook=path, segmenter=FixedWords(["社会治安"]))
    assert inside["theme"].tolist() == ["order", "loose"]


def test_longer_term_of_another_theme_wins(segmenter):
    # 环境 (ecological) inside 营商环境 (economic) is dropped
    tags = themes(_units("持续优化营商环境。"), segmenter=segmenter)
    assert tags["theme"].tolist() == ["economic"]


def test_exclusion_blocks_a_term(segmenter):
    assert "ecological" not in _themes_of("开辟绿色通道。", segmenter)
    assert "ecological" in _themes_of("推动绿色发展。", segmenter)


def test_min_score_and_weak_cues(segmenter):
    text = "项目进展顺利。"  # 项目 is a weak economic cue (0.5)
    assert themes(_units(text), segmenter=segmenter).empty
    low = themes(_units(text), segmenter=segmenter, min_score=0.5)
    assert low[["theme", "score"]].values.tolist() == [["economic", 0.5]]


def test_evidence_spans_point_at_the_matched_text(reference_units, segmenter):
    for name in ("five_in_one", "policy_instruments"):
        tags = themes(reference_units, codebook=name, segmenter=segmenter)
        texts = dict(zip(reference_units["unit_id"], reference_units["text"]))
        assert len(tags) > 50
        for unit_id, evidence in zip(tags["unit_id"], tags["evidence"]):
            for item in evidence.split(";"):
                term, _, span = item.rpartition(":")
                start, end = map(int, span.split("-"))
                assert texts[unit_id][start:end] == term


def test_evidence_of_a_term_at_the_end_of_the_text(segmenter):
    tags = themes(_units("加强党建,改善生态环境"), segmenter=segmenter)
    assert tags["evidence"].tolist() == ["党建:2-4", "生态环境:7-11"]


def test_tags_schema_and_subtheme_rows(segmenter):
    tags = themes(_units("由政府向社会购买服务,实行环卫外包。"), codebook="policy_instruments",
                  segmenter=segmenter)
    assert list(tags.columns) == list(TAGS)
    assert {k: str(v) for k, v in tags.dtypes.items()} == {k: str(pd.Series(dtype=v).dtype) for k, v in TAGS.items()}
    demand = tags[tags["theme"] == "demand"].set_index("subtheme")["score"]
    assert {"", "procurement", "outsourcing"} <= set(demand.index)
    assert demand[""] == demand.drop("").sum()
    assert tags.attrs["codebook"].startswith("policy_instruments v")


def test_deterministic_and_order_independent(reference_units, segmenter):
    first = themes(reference_units, segmenter=segmenter)
    again = themes(reference_units.sample(frac=1, random_state=7), segmenter=segmenter)
    assert first.to_csv(index=False) == again.to_csv(index=False)


def test_missing_columns_raise_input_error(segmenter):
    with pytest.raises(InputError, match="text"):
        themes(pd.DataFrame({"doc_id": ["d"], "unit_id": [0]}), segmenter=segmenter)


# ---------------------------------------------------------------- aggregation

def test_theme_shares_counts_and_both_denominators(segmenter):
    units = _units("加强基层党建。", "大力发展生态农业。", "今天天气很好。", "一是加强政治建设。").assign(
        part=["plan", "plan", "plan", "plan"], is_heading=[False, False, False, True])
    shares = theme_shares(themes(units, segmenter=segmenter), units).set_index("theme")
    assert list(shares.index) == ["economic", "political", "cultural", "social", "ecological"]
    assert shares.loc["political", ["n_units", "n_tagged", "n_theme"]].tolist() == [3, 2, 1]
    assert shares.loc["ecological", "share_units"] == pytest.approx(1 / 3)
    assert shares.loc["ecological", "share_tagged"] == pytest.approx(1 / 2)
    assert shares.loc["cultural", "n_theme"] == 0


def test_theme_shares_without_any_tag_and_without_groups(segmenter):
    units = _units("今天天气很好。").assign(part="plan", is_heading=False)
    shares = theme_shares(themes(units, segmenter=segmenter), units, by=())
    assert shares[["n_units", "n_tagged", "n_theme"]].values.tolist() == [[1, 0, 0]] * 5


def _outlined_units() -> pd.DataFrame:
    """Two plan parts; the first with an untagged sentence and a subsection whose sentence is economic."""
    return pd.DataFrame({
        "doc_id": "d", "unit_id": range(7), "part": ["plan"] * 7,
        "is_heading": [True, False, False, True, False, True, False],
        "marker": ["一是", "", "", "一要", "", "二是", ""],
        "path": ["一是", "一是", "一是", "一是/一要", "一是/一要", "二是", "二是"],
        "text": ["一是加强政治建设。", "加强基层党建。", "今天天气很好。", "一要抓好党员教育。", "大力发展生态农业。",
                 "二是加强经济建设。", "招商引资成效明显。"]})


def test_heading_sentences_belong_to_the_outermost_tagged_heading(segmenter):
    units = _outlined_units()
    table = heading_sentences(units, themes(units, segmenter=segmenter))
    assert table[["unit_id", "heading_unit_id", "dimension", "top", "agree", "present"]].values.tolist() == [
        [1, 0, "political", "political", True, True], [2, 0, "political", "", False, False],
        [4, 0, "political", "economic", False, False], [6, 5, "economic", "economic", True, True]]


def test_hand_codes_of_body_sentences_are_held_against_the_taggers_headings(segmenter):
    units = _outlined_units()
    tagger = themes(units, segmenter=segmenter)
    body = units[~units["is_heading"]].assign(item_id=["a", "b", "c", "e"], doc=units["doc_id"], economic=[0, 0, 1, 1],
                                              political=[1, 0, 0, 0])
    codes = coded_tags(body, units, ["economic", "political"])
    assert heading_sentences(units, codes).empty  # the codes alone name no heading
    table = heading_sentences(units, codes, heading_tags=tagger)
    assert table[["unit_id", "dimension", "top", "agree"]].values.tolist() == [
        [1, "political", "political", True], [2, "political", "", False], [4, "political", "economic", False],
        [6, "economic", "economic", True]]
    assert heading_agreement(units, codes, heading_tags=tagger)["n_agree"].tolist() == [1, 1, 2]


def test_heading_agreement_counts_sections_and_untagged(segmenter):
    units = _outlined_units()
    table = heading_agreement(units, themes(units, segmenter=segmenter))
    rows = table[["heading_unit_id", "dimension", "n_units", "n_tagged", "n_untagged", "n_agree"]].values.tolist()
    assert rows == [[0, "political", 3, 2, 1, 1], [5, "economic", 1, 1, 0, 1], [-1, "", 4, 3, 1, 2]]
    assert table["n_present"].tolist() == [1, 1, 2]
    overall = table.iloc[-1]
    assert overall["agreement_tagged"] == pytest.approx(2 / 3)
    assert overall["agreement_units"] == pytest.approx(2 / 4)


def test_heading_agreement_on_reference_document(reference_units, segmenter):
    table = heading_agreement(reference_units, themes(reference_units, segmenter=segmenter))
    plan = table[table["part"] == "plan"]
    assert plan["dimension"].tolist() == ["political", "economic", "social", "ecological", "cultural"]
    overall = table.iloc[-1]
    assert overall["n_units"] == table.iloc[:-1]["n_units"].sum()
    assert overall["agreement_tagged"] >= 0.80  # measured 0.815 with codebook v1.1


# ---------------------------------------------------------------- validation helpers

def test_validation_split_is_a_deterministic_half():
    ids = [f"item{i:04d}" for i in range(1000)]
    split = validation_split(ids)
    assert split.tolist() == validation_split(list(reversed(ids))).tolist()[::-1]
    assert 450 <= (split == "dev").sum() <= 550


def test_theme_validation_counts(segmenter):
    labels = pd.DataFrame({
        "item_id": ["1", "2", "3"], "text": ["加强基层党建。", "发展现代农业。", "今天天气很好。"],
        "political": [1, 0, 1], "economic": [0, 1, 0]})
    table = theme_validation(labels, codebook="five_in_one", segmenter=segmenter).set_index("theme")
    assert table.loc["political", ["support", "tp", "fp", "fn"]].tolist() == [2, 1, 0, 1]
    assert table.loc["political", "f1"] == pytest.approx(2 / 3)
    assert table.loc["economic", "f1"] == 1.0
    assert table.loc["macro", "f1"] == pytest.approx((2 / 3 + 1) / 2)
    assert "cultural" not in table.index


def test_theme_shares_by_document():
    units = pd.DataFrame({"doc_id": ["a", "b"], "unit_id": [0, 0], "is_heading": [False, False],
                          "text": ["加强党建。", "发展经济。"]})
    shares = theme_shares(themes(units), units, by="doc_id").set_index(["doc_id", "theme"])
    assert shares.loc[("a", "political"), "n_theme"] == 1 and shares.loc[("b", "political"), "n_theme"] == 0


def test_primary_agreement_takes_one_table_with_codes_and_primary(segmenter):
    table = pd.DataFrame({"item_id": ["a", "b"], "text": ["加强党建，改善生态环境", "发展经济，保护环境"],
                          "economic": [0, 1], "political": [1, 0], "ecological": [1, 1],
                          "primary": ["political", "ecological"], "certainty": ["clear", "unclear"]})
    result = primary_agreement(table, table, codebook="five_in_one", segmenter=segmenter)
    assert result[["item_id", "coded", "primary", "certainty"]].values.tolist() == [
        ["a", "political,ecological", "political", "clear"], ["b", "economic,ecological", "ecological", "unclear"]]
    assert result["top"].ne("").all()
