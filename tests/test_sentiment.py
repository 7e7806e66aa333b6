"""Tests of policytext.sentiment: lexicon, features, JSON model scoring, tone(), validation."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from policytext import sentiment
from policytext.errors import InputError, ModelError, ResourceError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seg(segmenter):
    return segmenter  # the session's shared Segmenter (conftest.py)


@pytest.fixture(scope="module")
def train_tone():
    spec = importlib.util.spec_from_file_location("train_tone", ROOT / "scripts" / "train_tone.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_tone"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# A tiny hand-made training set, only for checking the training code's mechanics.
TINY = [
    ("全年完成固定资产投资50亿元，同比增长12%。", "review", "achievement"),
    ("招商成效较为显著，新项目加快落户。", "review", "achievement"),
    ("经济运行持续向好，迈上新台阶。", "review", "achievement"),
    ("空气质量明显改善，优良天数达到300天。", "review", "achievement"),
    ("已建成污水处理厂一座。", "review", "achievement"),
    ("基本实现全域零火点，创历史新成绩。", "review", "achievement"),
    ("园区基础设施较为薄弱，亟待加强。", "review", "problem"),
    ("经济下行压力仍然较大。", "review", "problem"),
    ("发展不平衡不充分的问题仍然突出。", "review", "problem"),
    ("安全生产风险隐患较多。", "review", "problem"),
    ("部分项目尚未完成征地。", "review", "problem"),
    ("财政收支矛盾突出，困难不少。", "review", "problem"),
    ("要完成全年目标任务。", "plan", "directive"),
    ("加快推进园区建设。", "plan", "directive"),
    ("坚持生态优先，确保天更蓝水更清。", "plan", "directive"),
    ("明年将着力加强招商引资。", "plan", "directive"),
    ("力争实现地区生产总值增长8%。", "plan", "directive"),
    ("深化改革，着力补齐短板。", "plan", "directive"),
]


def tiny_features(seg):
    lexicon = sentiment.tone_lexicon()
    return ([sentiment.features(seg.cut(t), p, lexicon) for t, p, _ in TINY], [y for *_, y in TINY])


# ------------------------------------------------------------------ lexicon


def test_shipped_lexicon_has_every_category_and_header():
    lexicon = sentiment.tone_lexicon()
    categories = {c.category for cues in lexicon.cues.values() for c in cues}
    assert categories == set(sentiment.CATEGORIES)
    assert {c.category for c in lexicon.cues["将"]} == {"directive", "future"}
    assert lexicon.label.startswith("tone_lexicon.csv v1.")


@pytest.mark.parametrize("row, problem", [
    ("好,feeling,1.0,x", "unknown category 'feeling'"),
    ("好,achievement,heavy,x", "weight of '好'"),
    ("好,achievement,1.0", "expected 4 fields"),
])
def test_bad_lexicon_row_names_file_and_line(tmp_path, row, problem):
    path = tmp_path / "lex.csv"
    path.write_text("# version: 0\ncue,category,weight,note\n成效,achievement,1.0,ok\n" + row + "\n",
                    encoding="utf-8")
    with pytest.raises(ResourceError, match=f"lex.csv:4: .*{problem}"):
        sentiment.tone_lexicon(path)


def test_duplicate_lexicon_row_is_an_error(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text("cue,category,weight,note\n成效,achievement,1.0,a\n成效,achievement,0.5,b\n",
                    encoding="utf-8")
    with pytest.raises(ResourceError, match="lex.csv:3: '成效' is listed twice"):
        sentiment.tone_lexicon(path)


# ------------------------------------------------------------------ features


def test_cues_match_whole_tokens_only():
    lexicon = sentiment.tone_lexicon()
    found = [m.cue.cue for m in sentiment.cue_matches(["不断", "提高"], lexicon)]
    assert "不" not in found and "提高" in found
    found = [m.cue.cue for m in sentiment.cue_matches(["不", "平衡", "不", "充分"], lexicon)]
    assert {"不平衡", "不充分"} <= set(found)


def test_long_cues_match_inside_compound_tokens():
    lexicon = sentiment.tone_lexicon()
    matches = sentiment.cue_matches(["要", "进一步提高", "不断"], lexicon)
    assert [(m.cue.cue, m.start, m.end) for m in matches if m.cue.category != "achievement"] == [
        ("要", 0, 1), ("进一步", 1, 4), ("不断", 6, 8)]
    assert [m.cue.cue for m in matches if m.cue.category == "achievement"] == ["提高"]


def test_interactions_capture_what_single_cues_miss(seg):
    lexicon = sentiment.tone_lexicon()
    directive = sentiment.features(seg.cut("要完成全年目标任务。"), "plan", lexicon)
    achieved = sentiment.features(seg.cut("全年目标任务已经完成。"), "review", lexicon)
    negated = sentiment.features(seg.cut("项目尚未完成。"), "review", lexicon)
    still = sentiment.features(seg.cut("基础仍然薄弱。"), "review", lexicon)
    assert directive["dir>ach"] == 1 and "dir>ach" not in achieved
    assert achieved["past&ach"] == 1 and negated["neg>ach"] == 1 and still["still&prob"] == 1
    assert directive["part=plan"] == 1 and directive["part=plan&cat=directive"] == 1
    assert achieved["w=完成"] == 1 and directive["b=要|完成"] == 1


def test_inner_cue_memo_is_bounded_and_changes_nothing(monkeypatch):
    lexicon = sentiment.tone_lexicon()
    tokens = ["要", "进一步提高", "不断", "薄弱环节", "进一步提高", "基础设施建设"]
    expected = sentiment.cue_matches(tokens, lexicon)
    monkeypatch.setattr(sentiment, "_MAX_MEMO", 2)
    lexicon._inside_memo.clear()
    assert sentiment.cue_matches(tokens, lexicon) == expected
    assert len(lexicon._inside_memo) <= 2
    lexicon._inside_memo.clear()


def test_evidence_lists_cues_in_text_order_once(seg):
    lexicon = sentiment.tone_lexicon()
    matches = sentiment.cue_matches(seg.cut("要加快推进，要加快。"), lexicon)
    assert sentiment.evidence(matches) == "要:directive 加快:directive 推进:directive"


# ------------------------------------------------------------------ model JSON


def test_decision_of_a_batch_is_the_exactly_rounded_sum_of_each_row(seg):
    # decision() scores all rows together; each row must be intercept + the exactly rounded
    # sum (math.fsum) of value * weight over its known features, bit for bit.
    model, _ = sentiment.shipped_model()
    lexicon = sentiment.tone_lexicon()
    feats = [sentiment.features(seg.cut(t), p, lexicon) for t, p, _ in TINY]
    feats[3:3] = [{}, {"not a feature": 1.0}, {"has_number": 1.0, "not a feature": 2.0}]
    for f, row in zip(feats, model.decision(iter(feats)), strict=True):
        known = [k for k in f if k in model.index]
        expected = [model.intercept[c] + math.fsum(f[k] * model.coef[model.index[k], c] for k in known)
                    for c in range(len(model.classes))]
        assert row.tolist() == expected
    assert model.decision([]).shape == (0, len(model.classes))


def test_decision_does_not_depend_on_the_order_of_the_features(seg):
    # A BLAS dot product sums in an order chosen by the machine's kernel; the decision
    # values must not (reversed and rotated feature orders give the same bits).
    model, _ = sentiment.shipped_model()
    lexicon = sentiment.tone_lexicon()
    text = (ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt").read_text("utf-8")
    feats = [sentiment.features(seg.cut(s), "plan", lexicon) for s in text.split("。") if s.strip()]
    assert sum(len(model.known(f)) > 10 for f in feats) > 50
    reordered = [dict(reversed(list(f.items()))) for f in feats]
    rotated = [dict(list(f.items())[3:] + list(f.items())[:3]) for f in feats]
    first = model.decision(feats)
    assert np.array_equal(first, model.decision(reordered))
    assert np.array_equal(first, model.decision(rotated))


def test_known_features_without_word_names_equal_those_of_the_feature_dict(seg):
    # tone() looks words up in the model's word and bigram indices instead of building
    # the names; the known features, their values and their order must be the same.
    model, _ = sentiment.shipped_model()
    lexicon = sentiment.tone_lexicon()
    text = (ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt").read_text("utf-8")
    sentences = [s for s in text.replace("\n", "。").split("。") if s.strip()] + [t for t, _, _ in TINY]
    assert len(sentences) > 90
    for text, part in zip(sentences, ["review", "plan", "other"] * len(sentences)):
        tokens = seg.cut(text)
        matches = sentiment.cue_matches(tokens, lexicon)
        fast = sentiment._known_features(model, tokens, part, matches)
        assert list(fast.items()) == list(model.known(sentiment.features(tokens, part, lexicon)).items())


@pytest.mark.parametrize("kind, C", [("logreg", 1.0), ("svc", 0.3)])
def test_json_scoring_equals_sklearn(seg, train_tone, kind, C):
    feats, y = tiny_features(seg)
    cand = train_tone.Candidate(kind, "lexicon+ngrams", 1, C)
    if kind == "svc":  # calibration needs >= 5 examples per class in each of 5 folds: repeat
        feats, y = feats * 5, y * 5
    vocab, est = train_tone.fit_linear(cand, feats, y)
    record = json.loads(train_tone.dumps({**train_tone.export(cand, vocab, est), "features": {}}))
    model = sentiment.model_from_json(record)
    expected = est.predict_proba(train_tone.matrix(feats, vocab))
    np.testing.assert_allclose(model.proba(feats), expected, atol=1e-8)


def test_training_is_deterministic(seg, train_tone):
    feats, y = tiny_features(seg)
    cand = train_tone.Candidate("logreg", "lexicon+ngrams", 1, 1.0)
    first = train_tone.dumps(train_tone.export(cand, *train_tone.fit_linear(cand, feats, y)))
    second = train_tone.dumps(train_tone.export(cand, *train_tone.fit_linear(cand, feats, y)))
    assert first == second


def test_split_is_stratified_and_stable(train_tone):
    ids = [f"s{i:03d}" for i in range(40)]
    labels = ["problem"] * 8 + ["achievement"] * 12 + ["directive"] * 20
    split = train_tone.split_items(ids, labels)
    assert split == train_tone.split_items(list(reversed(ids)), list(reversed(labels)))
    tests = [lab for i, lab in zip(ids, labels) if split[i] == "test"]
    assert sorted(tests) == ["achievement"] * 3 + ["directive"] * 5 + ["problem"] * 2


def test_snownlp_mapping_is_tuned_over_label_orders(train_tone):
    scores = [0.1, 0.2, 0.5, 0.6, 0.9, 0.95, 0.99]
    gold = ["directive", "directive", "problem", "problem", "achievement", "achievement", "achievement"]
    mapping = train_tone.tune_snownlp_mapping(scores, gold)
    assert mapping["labels"] == ["directive", "problem", "achievement"]
    assert mapping["train_macro_f1"] == 1.0
    assert sentiment.snownlp_tone_labels(scores, mapping) == gold


def test_model_of_another_lexicon_is_refused(tmp_path):
    path = tmp_path / "tone_model.json"
    path.write_text(json.dumps({"lexicon": {"sha256": "0" * 64}}), encoding="utf-8")
    with pytest.raises(ModelError, match="tone_model.json: trained with lexicon sha256 0+, but"):
        sentiment.load_tone_model(path)


def test_malformed_model_json_is_a_model_error():
    with pytest.raises(ModelError, match="tone.json: malformed tone model"):
        sentiment.model_from_json({"classes": list(sentiment.TONE_LABELS)}, "tone.json")


# ------------------------------------------------------------------ tone()


def units_of(*rows):
    return pd.DataFrame({"doc_id": "d", "unit_id": range(len(rows)),
                         "part": [p for p, _ in rows], "text": [t for _, t in rows]})


def test_tone_policy_table_and_clear_cases():
    units = units_of(("plan", "要加快推进园区基础设施建设。"),
                     ("review", "今年全区地区生产总值同比增长12%，招商成效显著。"),
                     ("review", "园区基础设施较为薄弱，安全生产风险隐患突出，亟待加强。"))
    table = sentiment.tone(units)
    assert list(table.columns) == list(sentiment.TONE)
    assert {c: str(t) for c, t in table.dtypes.items()} == {
        c: str(pd.Series(dtype=d).dtype) for c, d in sentiment.TONE.items()}
    assert table["label"].tolist() == ["directive", "achievement", "problem"]
    assert table["score"].between(-1, 1).all()
    assert table.loc[1, "score"] > 0 > table.loc[2, "score"]
    assert "成效:achievement" in table.loc[1, "evidence"]
    assert table.attrs["method"] == "policy" and table.attrs["lexicon"].startswith("tone_lexicon")


def test_tone_is_deterministic_and_handles_empty_input():
    units = units_of(("review", "招商成效显著。"), ("other", "三、倾力共促生态“绿”"))
    pd.testing.assert_frame_equal(sentiment.tone(units), sentiment.tone(units))
    empty = sentiment.tone(units.iloc[:0])
    assert empty.empty and list(empty.columns) == list(sentiment.TONE)


def test_tone_snownlp_gives_snownlp_scores():
    from snownlp import SnowNLP

    texts = ["组织开展部门联合执法，基本实现区镇全域“禁烧”“零火点”，创历史新成绩。", "加快推进园区建设。"]
    table = sentiment.tone(units_of(*(("review", t) for t in texts)), method="snownlp")
    expected = [SnowNLP(t).sentiments for t in texts]
    np.testing.assert_allclose(table["score"], expected, rtol=0, atol=1e-12)
    assert table["label"].tolist() == ["positive" if s > 0.5 else "negative" for s in expected]
    assert table["method"].eq("snownlp").all() and table["evidence"].eq("").all()


@pytest.mark.parametrize("units, message", [
    (pd.DataFrame({"doc_id": ["d"], "unit_id": [0], "text": ["要加快。"]}), "needs column.*part"),
    (units_of(("preface", "要加快。")), "column part has \\['preface'\\]"),
])
def test_tone_bad_input(units, message):
    with pytest.raises(InputError, match=message):
        sentiment.tone(units)


def test_tone_unknown_method():
    with pytest.raises(InputError, match="unknown method 'vader'"):
        sentiment.tone(units_of(("plan", "要加快。")), method="vader")


# ------------------------------------------------------------------ validation


def test_label_scores_arithmetic():
    table = sentiment.label_scores(["problem", "problem", "directive", "achievement"],
                                   ["problem", "directive", "directive", "directive"])
    row = table.set_index("label")
    assert row.loc["problem", ["precision", "recall", "f1"]].tolist() == [1.0, 0.5, pytest.approx(2 / 3)]
    assert row.loc["directive", "precision"] == pytest.approx(1 / 3)
    assert row.loc["achievement", "f1"] == 0.0
    assert table.attrs["accuracy"] == 0.5
    assert table.attrs["macro_f1"] == pytest.approx((2 / 3 + 0.5 + 0) / 3)


def test_tone_validation_filters_split_and_needs_it():
    labels = pd.DataFrame({"text": ["要加快推进园区建设。", "招商成效显著。"],
                           "label": ["directive", "achievement"],
                           "section": ["plan", "review"], "split": ["test", "train"]})
    table = sentiment.tone_validation(labels)
    assert table.attrs["n"] == 1 and table.iloc[-1]["label"] == "macro"
    with pytest.raises(InputError, match="no split column"):
        sentiment.tone_validation(labels.drop(columns="split"))


def test_read_tone_labels_skips_header_and_merges_split(tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("# counts: 2\n# coder: x\nitem_id,doc,year,section,text,label,hard_case\n"
                      "a1,d,2017,plan,\"要加快，推进#1。\",directive,0\n"
                      "a2,d,2017,review,成效显著。,achievement,1\n", encoding="utf-8")
    split = tmp_path / "split.csv"
    split.write_text("# generated\nitem_id,split\na1,test\na2,train\n", encoding="utf-8")
    table = sentiment.read_tone_labels(labels, split)
    assert table["text"].tolist() == ["要加快，推进#1。", "成效显著。"]
    assert table["split"].tolist() == ["test", "train"]
    split.write_text("item_id,split\na1,test\n", encoding="utf-8")
    with pytest.raises(InputError, match="no split for item_id \\['a2'\\]"):
        sentiment.read_tone_labels(labels, split)
