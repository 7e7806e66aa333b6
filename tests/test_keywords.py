"""Tests for policytext.keywords, on tiny inputs whose statistics are worked out by hand."""

from __future__ import annotations

import hashlib
import importlib
import importlib.resources
import importlib.util
import io
import math
import os
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from policytext.errors import InputError, ResourceError
from policytext.plotting import PALETTE

# The module, not the function pt.keywords that shadows its name on the package.
kw = importlib.import_module("policytext.keywords")
ROOT = Path(__file__).resolve().parents[1]
IDF_FILE = ROOT / "policytext" / "resources" / "idf_national_gwr.txt"
GWR = ROOT / "data" / "external" / "national-gwr" / "government_work_reports.jsonl"


def make_tokens(units: list[list[str]], stop=("的",)) -> pd.DataFrame:
    """A tokens table: one unit per list, positions 0..n-1, ``is_stop`` for ``stop`` words."""
    rows = [("d", u, i, w, w in stop) for u, words in enumerate(units) for i, w in enumerate(words)]
    return pd.DataFrame(rows, columns=["doc_id", "unit_id", "pos_in_unit", "word", "is_stop"])


class SpaceSegmenter:
    """A stand-in segmenter: words are separated by spaces; ``stop`` words are stopwords."""

    def __init__(self, stop=()):
        self.stop = set(stop)

    def cut(self, text):
        return text.split(" ")

    def is_stop(self, word):
        return word in self.stop


# ---------------------------------------------------------------- keyness


def test_keyness_g2_p_and_log_ratio_match_hand_computation():
    """Target 甲甲甲乙 (Nt = 4), reference 甲乙乙乙乙乙 (Nr = 6); 的 and ， are left out.

    甲: table [[3, 1], [1, 5]], N = 10, margins rows (4, 6), cols (4, 6);
    E = 1.6, 2.4, 2.4, 3.6.
    G² = 2 (3 ln(3/1.6) + 1 ln(1/2.4) + 1 ln(1/2.4) + 5 ln(5/3.6))
       = 2 (1.8858260 - 0.8754687 - 0.8754687 + 1.6425203) = 3.5548177, positive (3 > 1.6).
    p = P(χ²₁ > 3.5548177) = 0.0593728 (R: pchisq(3.5548177, 1, lower.tail = FALSE)).
    log ratio = log2((3/4) / (1/6)) = log2(4.5) = 2.169925.
    乙: table [[1, 5], [3, 1]]: the same four cells, so G² = -3.5548177 (1 < E = 2.4);
    log ratio = log2((1/4) / (5/6)) = log2(0.3) = -1.736966.
    """
    tokens = make_tokens([["甲", "甲", "的", "甲", "乙", "，"], ["甲", "乙", "乙", "的", "乙", "乙", "乙"]])
    result = kw.keyness(tokens, target=tokens["unit_id"] == 0)
    assert result.columns.tolist() == ["word", "count_target", "count_reference", "g2", "p",
                                       "log_ratio"]
    assert result["word"].tolist() == ["甲", "乙"]
    assert result["count_target"].tolist() == [3, 1]
    assert result["count_reference"].tolist() == [1, 5]
    assert result["g2"].tolist() == pytest.approx([3.5548176768, -3.5548176768], abs=1e-9)
    assert result["p"].tolist() == pytest.approx([0.0593728303, 0.0593728303], abs=1e-9)
    assert result["log_ratio"].tolist() == pytest.approx([2.1699250014, -1.7369655942], abs=1e-9)


def test_keyness_zero_count_uses_half_in_log_ratio():
    """Target 丙丁 (Nt = 2), reference 丁丁 (Nr = 2).

    丙: [[1, 0], [1, 2]], N = 4, rows (1, 3), cols (2, 2), E = 0.5, 0.5, 1.5, 1.5;
    G² = 2 (1 ln 2 + 0 + 1 ln(1/1.5) + 2 ln(2/1.5)) = 2 (0.6931472 - 0.4054651 + 0.5753641)
       = 1.7260924; log ratio = log2((1/2) / (0.5/2)) = 1 (zero count -> 0.5).
    丁: [[1, 2], [1, 0]]: same cells, a = 1 < E = 1.5, so G² = -1.7260924;
    log ratio = log2((1/2) / (2/2)) = -1.
    """
    tokens = make_tokens([["丙", "丁"], ["丁", "丁"]])
    result = kw.keyness(tokens, target=lambda t: t["unit_id"] == 0, min_count=1)
    assert result["word"].tolist() == ["丙", "丁"]
    assert result["g2"].tolist() == pytest.approx([1.7260924347, -1.7260924347], abs=1e-9)
    assert result["log_ratio"].tolist() == pytest.approx([1.0, -1.0], abs=1e-12)
    assert result["p"].iloc[0] == pytest.approx(0.1889107000, abs=1e-9)


def test_keyness_min_count_filters_rare_words_but_keeps_totals():
    tokens = make_tokens([["丙", "丁"], ["丁", "丁"]])
    result = kw.keyness(tokens, target=tokens["unit_id"] == 0, min_count=2)
    assert result["word"].tolist() == ["丁"]
    assert result["g2"].iloc[0] == pytest.approx(-1.7260924347, abs=1e-9)


def test_keyness_p_equals_scipy_chi_square():
    stats = pytest.importorskip("scipy.stats")
    tokens = make_tokens([["甲"] * 7 + ["乙"] * 2, ["甲"] * 2 + ["乙"] * 9 + ["丙"] * 3])
    result = kw.keyness(tokens, target=tokens["unit_id"] == 1, min_count=1)
    expected = stats.chi2.sf(result["g2"].abs(), 1)
    np.testing.assert_allclose(result["p"], expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("target", [[True, False], np.ones(4, dtype=bool), pd.Series([1, 0, 1, 0])])
def test_keyness_rejects_bad_masks(target):
    tokens = make_tokens([["丙", "丁"], ["丁", "丁"]])
    with pytest.raises(InputError, match="keyness target"):
        kw.keyness(tokens, target=target)


# ---------------------------------------------------------------- kwic


def test_kwic_words_spans_and_raw_offsets():
    raw = "报告标题。全面推行河湖长制，落实河湖长制。"
    units = pd.DataFrame({
        "doc_id": ["d", "d"], "unit_id": [0, 1], "path": ["", "一、"],
        "text": ["报告标题。", "全面推行河湖长制，落实河湖长制。"], "start": [0, 5], "end": [5, 21],
    })
    result = kw.kwic(units, "河湖长制", window=2)
    assert result.columns.tolist() == ["doc_id", "unit_id", "path", "left", "match", "right",
                                       "start", "end", "raw_start", "raw_end"]
    assert result[["left", "match", "right"]].values.tolist() == [["推行", "河湖长制", "，落"],
                                                                  ["落实", "河湖长制", "。"]]
    assert result["start"].tolist() == [4, 11]
    for row in result.itertuples():
        text = units.loc[units.unit_id == row.unit_id, "text"].iloc[0]
        assert text[row.start:row.end] == row.match
        assert raw[row.raw_start:row.raw_end] == row.match
    assert result["path"].tolist() == ["一、", "一、"]


def test_kwic_raw_span_missing_when_unit_length_changed():
    units = pd.DataFrame({"doc_id": ["d"], "unit_id": [0], "text": ["推进一体化。"],
                          "start": [3], "end": [12]})
    result = kw.kwic(units, "一体化")
    assert result["start"].tolist() == [2]
    assert result["raw_start"].isna().all() and result["raw_end"].isna().all()


def test_kwic_regex_and_word_lists_longest_first():
    units = pd.DataFrame({"doc_id": ["d"], "unit_id": [0], "text": ["河湖长制和循环经济、一体化"]})
    words = kw.kwic(units, ["河湖", "河湖长制"], window=1)
    assert words["match"].tolist() == ["河湖长制"]
    assert "path" not in words.columns and "raw_start" not in words.columns
    regex = kw.kwic(units, r"循环\w{2}|一体化", regex=True, window=1)
    assert regex[["left", "match", "right", "start", "end"]].values.tolist() == [
        ["和", "循环经济", "、", 5, 9], ["、", "一体化", "", 10, 13]]


def test_kwic_rejects_bad_patterns():
    units = pd.DataFrame({"doc_id": ["d"], "unit_id": [0], "text": ["文本"]})
    with pytest.raises(InputError, match="regular expression"):
        kw.kwic(units, "(unclosed", regex=True)
    with pytest.raises(InputError, match="non-empty"):
        kw.kwic(units, "")


# ---------------------------------------------------------------- collocations

COLLOC_UNITS = [["甲", "乙", "丙"], ["甲", "乙"], ["乙", "的", "甲"], ["丙", "甲", "乙"]]


def test_collocations_adjacent_pairs_match_hand_computation():
    """Adjacent pairs (the stopword 的 keeps its place, so 乙 的 甲 gives none):
    甲乙 ×3, 乙丙 ×1, 丙甲 ×1; N = 5 pair tokens.

    甲乙: O = 3, R (甲 first) = 3, C (乙 second) = 3, E = 3·3/5 = 1.8;
    pmi = log2(3/1.8) = 0.7369656; t = (3 - 1.8)/√3 = 0.6928203;
    table [[3, 0], [0, 2]], E = 1.8, 1.2, 1.2, 0.8:
    G² = 2 (3 ln(3/1.8) + 2 ln(2/0.8)) = 2 (1.5324769 + 1.8325815) = 6.7301167.
    乙丙 (and 丙甲 alike): O = R = C = 1, E = 0.2; pmi = log2 5 = 2.3219281; t = 0.8;
    table [[1, 0], [0, 4]]: G² = 2 (ln 5 + 4 ln(4/3.2)) = 5.0040242.
    """
    tokens = make_tokens(COLLOC_UNITS)
    result = kw.collocations(tokens, window=1, min_count=1)
    assert result.columns.tolist() == ["word1", "word2", "count", "expected", "pmi", "t_score",
                                       "g2"]
    assert list(zip(result.word1, result.word2)) == [("甲", "乙"), ("丙", "甲"), ("乙", "丙")]
    assert result["count"].tolist() == [3, 1, 1]
    assert result["expected"].tolist() == pytest.approx([1.8, 0.2, 0.2], abs=1e-12)
    assert result["pmi"].tolist() == pytest.approx([0.7369655942, 2.3219280949, 2.3219280949],
                                                   abs=1e-9)
    assert result["t_score"].tolist() == pytest.approx([0.6928203230, 0.8, 0.8], abs=1e-9)
    assert result["g2"].tolist() == pytest.approx([6.7301166701, 5.0040242354, 5.0040242354],
                                                  abs=1e-9)
    assert len(kw.collocations(tokens, window=1, min_count=2)) == 1


def test_collocations_window_two():
    """Window 2 adds 甲丙 (unit 0), 乙甲 (unit 2, across 的) and 丙乙 (unit 3): N = 8.
    甲乙: O = 3, R = 3 + 1 (甲丙) = 4, C = 3 + 1 (丙乙) = 4, E = 16/8 = 2;
    pmi = log2 1.5 = 0.5849625; t = 1/√3 = 0.5773503.
    """
    result = kw.collocations(make_tokens(COLLOC_UNITS), window=2, min_count=1, measure="count")
    assert len(result) == 6 and result["count"].sum() == 8
    top = result.iloc[0]
    assert (top.word1, top.word2, top["count"]) == ("甲", "乙", 3)
    assert top.expected == pytest.approx(2.0)
    assert top.pmi == pytest.approx(0.5849625007, abs=1e-9)
    assert top.t_score == pytest.approx(0.5773502692, abs=1e-9)


# ---------------------------------------------------------------- co-occurrence

COOC_UNITS = [["甲", "乙", "丙"], ["甲", "乙"], ["甲", "丁"], ["乙", "的", "丙"], ["丁", "戊"]]


def edges(graph):
    return [(a, b, round(d["weight"], 9), d["count"]) for a, b, d in graph.edges(data=True)]


def test_cooccurrence_counts_and_measures_by_hand():
    """Units containing each word (N = 5): 甲 3, 乙 3, 丙 2, 丁 2, 戊 1.
    Pairs: 甲乙 2 (units 0, 1), 乙丙 2 (0, 3), 甲丙 1, 甲丁 1, 丁戊 1.
    jaccard 甲乙 = 2/(3+3-2) = 0.5, 乙丙 = 2/(3+2-2) = 0.6666667;
    dice 甲乙 = 4/6, 乙丙 = 4/5; pmi 甲乙 = log2(2·5/9) = 0.1520031, 乙丙 = log2(10/6) = 0.7369656.
    Nodes and edges are in sorted (code point) order: 丙 U+4E19 < 乙 U+4E59 < 甲 U+7532.
    """
    tokens = make_tokens(COOC_UNITS)
    counts = kw.cooccurrence(tokens, min_count=2, min_length=1)
    assert list(counts.nodes) == ["丙", "乙", "甲"]
    assert [counts.nodes[w]["count"] for w in counts] == [2, 3, 3]
    assert edges(counts) == [("丙", "乙", 2.0, 2), ("乙", "甲", 2.0, 2)]
    assert edges(kw.cooccurrence(tokens, min_count=2, measure="jaccard", min_length=1)) == [
        ("丙", "乙", round(2 / 3, 9), 2), ("乙", "甲", 0.5, 2)]
    assert edges(kw.cooccurrence(tokens, min_count=2, measure="dice", min_length=1)) == [
        ("丙", "乙", 0.8, 2), ("乙", "甲", round(4 / 6, 9), 2)]
    assert edges(kw.cooccurrence(tokens, min_count=2, measure="pmi", min_length=1)) == [
        ("丙", "乙", 0.736965594, 2), ("乙", "甲", 0.152003093, 2)]


def test_cooccurrence_pmi_drops_negative_edges_and_top_breaks_ties_by_word():
    tokens = make_tokens(COOC_UNITS)
    pmi = kw.cooccurrence(tokens, min_count=1, measure="pmi", min_length=1)
    # 甲丙: log2(1·5/(3·2)) < 0 and 甲丁: log2(5/6) < 0 are dropped; 丁戊: log2(5/2) = 1.3219281
    assert edges(pmi) == [("丁", "戊", 1.321928095, 1), ("丙", "乙", 0.736965594, 2),
                          ("乙", "甲", 0.152003093, 2)]
    top = kw.cooccurrence(tokens, min_count=1, top=1, min_length=1)  # 丙乙 and 乙甲 tie at 2: 丙 < 乙
    assert edges(top) == [("丙", "乙", 2.0, 2)]
    assert top.graph == {"measure": "count", "window": "unit", "min_count": 1, "seed": 0, "top": 1}


def test_cooccurrence_window_and_communities():
    tokens = make_tokens(COOC_UNITS)
    windowed = kw.cooccurrence(tokens, min_count=1, window=1, min_length=1)
    assert not windowed.has_edge("甲", "丙")  # two apart in unit 0
    assert windowed["乙"]["丙"]["count"] == 1  # unit 0 only: in unit 3, 乙 的 丙 are 2 apart
    assert windowed["甲"]["乙"]["count"] == 2
    graph = kw.cooccurrence(tokens, min_count=1, min_length=1)
    community = nx.get_node_attributes(graph, "community")
    assert community["甲"] == community["乙"] == community["丙"] == 0  # the larger group is 0
    assert community["丁"] == community["戊"] == 1


def test_cooccurrence_is_deterministic():
    tokens = make_tokens(COOC_UNITS * 3)
    first, second = (kw.cooccurrence(tokens, min_count=1, measure="jaccard", min_length=1) for _ in range(2))
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(data=True)) == list(second.edges(data=True))


# ---------------------------------------------------------------- drawing and export

LATIN_UNITS = [["alpha", "beta", "gamma"], ["alpha", "beta"], ["delta", "eps"],
               ["delta", "eps", "zeta"]]


def png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=50)
    return buffer.getvalue()


def test_draw_network_is_seeded_and_coloured_by_community():
    graph = kw.cooccurrence(make_tokens(LATIN_UNITS), min_count=1, min_length=1)
    first, second = kw.draw_network(graph, seed=3), kw.draw_network(graph, seed=3)
    assert png_bytes(first) == png_bytes(second)
    nodes = first.axes[0].collections[1]  # edges are drawn first, then nodes
    colours = {tuple(np.round(c[:3], 3)) for c in nodes.get_facecolors()}
    expected = {tuple(np.round([int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)], 3))
                for h in PALETTE[:2]}
    assert colours == expected


def test_write_network_gexf_and_graphml_round_trip(tmp_path):
    graph = kw.cooccurrence(make_tokens(COOC_UNITS), min_count=1, measure="jaccard", min_length=1)
    for suffix, reader in ((".gexf", nx.read_gexf), (".graphml", nx.read_graphml)):
        path = kw.write_network(graph, tmp_path / f"net{suffix}")
        data = path.read_bytes()
        kw.write_network(graph, path)
        assert path.read_bytes() == data
        back = reader(path)
        assert sorted(back.nodes) == sorted(graph.nodes)
        assert {tuple(sorted(e)) for e in back.edges} == {tuple(sorted(e)) for e in graph.edges}
        assert float(back["乙"]["甲"]["weight"]) == pytest.approx(0.5)
    assert b"lastmodifieddate" not in (tmp_path / "net.gexf").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.gexf", "net.graphml"]


def test_write_network_rejects_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match="gexf or .graphml"):
        kw.write_network(nx.Graph(), tmp_path / "net.csv")


# ---------------------------------------------------------------- word cloud


def noto_font() -> Path:
    fonts = pytest.importorskip("pylopdf_fonts_zh_cn")
    path = Path(str(importlib.resources.files(fonts) / "NotoSansSC-Regular.otf"))
    if not path.is_file():
        pytest.skip("NotoSansSC-Regular.otf not in pylopdf_fonts_zh_cn")
    return path


def test_wordcloud_is_seeded():
    pytest.importorskip("wordcloud")
    freq = pd.DataFrame({"word": ["发展", "改革", "生态", "河湖长制"], "count": [9, 5, 5, 2]})
    options = {"width": 200, "height": 120}  # default font: plotting.cjk_font_path()
    first = kw.wordcloud_figure(freq, seed=1, **options)
    assert png_bytes(first) == png_bytes(kw.wordcloud_figure(freq, seed=1, **options))
    assert png_bytes(first) != png_bytes(kw.wordcloud_figure(freq, seed=2, **options))
    assert first.get_size_inches().tolist() == [2.0, 1.2]
    explicit = kw.wordcloud_figure(freq, seed=1, font_path=noto_font(), **options)
    assert png_bytes(explicit) == png_bytes(first)  # the bundled font is Noto Sans SC


def test_wordcloud_rejects_empty_frequencies():
    with pytest.raises(InputError, match="positive count"):
        kw.wordcloud_figure({"发展": 0}, font_path="unused.ttf")


# ---------------------------------------------------------------- keywords


def write_idf(tmp_path) -> Path:
    path = tmp_path / "idf.txt"
    path.write_text("# version: 1\n# source: test\n河湖 2.0\n治理 1.0\n发展 0.5\n", encoding="utf-8")
    return path


def test_keywords_tfidf_by_hand(tmp_path):
    """Candidates (≥ 2 characters with a letter; 12 and ， are not): 河湖 2, 治理 2, 发展 1,
    生态 1 -> total 6. idf: 河湖 2.0, 治理 1.0, 发展 0.5, 生态 unseen -> median of
    (0.5, 1.0, 2.0) = 1.0. tf-idf: 河湖 2/6·2 = 0.6666667, 治理 2/6·1 = 0.3333333,
    生态 1/6·1 = 0.1666667, 发展 1/6·0.5 = 0.0833333.
    """
    units = pd.DataFrame({"text": ["河湖 治理 河湖 发展", "生态 治理 12 ，"]})
    result = kw.keywords(units, segmenter=SpaceSegmenter(), idf=write_idf(tmp_path), top=3)
    assert result.columns.tolist() == ["word", "score", "rank"]
    assert result["word"].tolist() == ["河湖", "治理", "生态"]
    assert result["score"].tolist() == pytest.approx([2 / 3, 1 / 3, 1 / 6], abs=1e-12)
    assert result["rank"].tolist() == [1, 2, 3]
    assert result.attrs["method"] == "tfidf"
    assert result.attrs["idf_source"].startswith("idf.txt v1 sha256:")


def test_keywords_by_group_and_stopwords(tmp_path):
    units = pd.DataFrame({"doc_id": ["b", "a", "b"],
                          "text": ["河湖 治理", "发展 发展 治理", "河湖 发展"]})
    result = kw.keywords(units, by="doc_id", segmenter=SpaceSegmenter(stop={"治理"}),
                         idf=write_idf(tmp_path))
    # a: 发展 only (治理 is a stopword) -> 1·0.5; b: 河湖 2/3·2, 发展 1/3·0.5
    assert result.values.tolist() == [["a", "发展", 0.5, 1], ["b", "河湖", pytest.approx(4 / 3), 1],
                                      ["b", "发展", pytest.approx(1 / 6), 2]]


def test_keywords_jieba_idf_uses_jiebas_table():
    package = Path(importlib.util.find_spec("jieba").submodule_search_locations[0])
    path = package / "analyse" / "idf.txt"
    table = dict(line.rsplit(" ", 1) for line in path.read_text(encoding="utf-8").splitlines())
    units = pd.DataFrame({"text": ["改革 开放 改革"]})
    result = kw.keywords(units, segmenter=SpaceSegmenter(), idf="jieba")
    scores = dict(zip(result.word, result.score))
    assert scores["改革"] == pytest.approx(2 / 3 * float(table["改革"]))
    assert scores["开放"] == pytest.approx(1 / 3 * float(table["开放"]))
    assert result.attrs["idf_source"].startswith("jieba analyse/idf.txt sha256:")


def test_keywords_textrank_path_graph_by_hand():
    """Units 甲甲 乙乙 and 乙乙 丙丙 give the path 甲甲 - 乙乙 - 丙丙 (weights 1).
    PageRank, d = 0.85: end e = 0.05 + 0.85·c/2, centre c = 0.05 + 0.85·2e
    -> e = 0.07125/0.2775 = 19/74, c = 18/37. The ends tie and are ordered by word.
    """
    units = pd.DataFrame({"text": ["甲甲 乙乙", "乙乙 丙丙"]})
    result = kw.keywords(units, method="textrank", segmenter=SpaceSegmenter())
    assert result["word"].tolist() == ["乙乙", "丙丙", "甲甲"]
    assert result["score"].tolist() == pytest.approx([18 / 37, 19 / 74, 19 / 74], abs=1e-9)
    assert result.attrs == {"method": "textrank", "idf_source": "none"}


def test_keywords_textrank_span_is_five_words():
    linked = pd.DataFrame({"text": ["甲甲 的 的 的 乙乙"]})  # 4 apart: inside a 5-word span
    unlinked = pd.DataFrame({"text": ["甲甲 的 的 的 的 乙乙"]})  # 5 apart: outside
    assert len(kw.keywords(linked, method="textrank", segmenter=SpaceSegmenter())) == 2
    assert kw.keywords(unlinked, method="textrank", segmenter=SpaceSegmenter()).empty


def test_keywords_errors(tmp_path):
    units = pd.DataFrame({"text": ["河湖 治理"]})
    with pytest.raises(InputError, match="method"):
        kw.keywords(units, method="lda", segmenter=SpaceSegmenter())
    with pytest.raises(InputError, match="needs column"):
        kw.keywords(units, by="part", segmenter=SpaceSegmenter())
    with pytest.raises(InputError, match=r"\.tag"):
        kw.keywords(units, pos=("n",), segmenter=SpaceSegmenter())
    bad = tmp_path / "bad.txt"
    bad.write_text("# version: 1\n河湖 2.0\n治理 high\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"bad.txt:3"):
        kw.keywords(units, segmenter=SpaceSegmenter(), idf=bad)
    with pytest.raises(ResourceError, match="no such IDF file"):
        kw.keywords(units, segmenter=SpaceSegmenter(), idf=tmp_path / "missing.txt")


def test_keywords_default_segmenter_on_reference_document():
    lines = (ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt").read_text(
        encoding="utf-8").splitlines()
    units = pd.DataFrame({"doc_id": "qj", "text": lines})
    first = kw.keywords(units, top=10, by="doc_id", pos=("n", "vn", "ns"))
    second = kw.keywords(units, top=10, by="doc_id", pos=("n", "vn", "ns"))
    pd.testing.assert_frame_equal(first, second)
    assert first["rank"].tolist() == list(range(1, 11))
    assert first["score"].is_monotonic_decreasing
    assert first.attrs["idf_source"].startswith("idf_national_gwr.txt v1 sha256:")


# ---------------------------------------------------------------- the shipped IDF resource


def test_idf_resource_header_names_its_source_and_build():
    text = IDF_FILE.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "# generated by scripts/build_idf.py, do not edit" in header
    assert "# version: 1" in header
    assert f"sha256:{hashlib.sha256(GWR.read_bytes()).hexdigest()}" in text
    assert any(line.startswith("# documents: 52 ") for line in header)


def test_idf_resource_matches_the_current_policy_dictionary():
    """The IDF was segmented with the policy dictionary it names; rebuild when that changes."""
    from policytext.segment import Segmenter

    line = next(line for line in IDF_FILE.read_text(encoding="utf-8").splitlines()
                if line.startswith("# segmentation:"))
    assert f"dictionary={Segmenter().info['dictionary']}" in line, \
        "policy dictionary changed: run scripts/build_idf.py"


def test_idf_resource_values_are_ln_n_over_df():
    allowed = {f"{math.log(52 / df):.6f}" for df in range(1, 53)}
    body = [line for line in IDF_FILE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    values = {line.rsplit(" ", 1)[1] for line in body}
    assert values <= allowed
    words = [line.rsplit(" ", 1)[0] for line in body]
    assert words == sorted(words) and len(words) == len(set(words))
    table = dict(line.rsplit(" ", 1) for line in body)
    assert table["的"] == "0.000000"  # in every report
    assert all(re.search(r"\w", w) for w in words)


def test_cooccurrence_leaves_out_single_characters_and_numbers_by_default():
    graph = kw.cooccurrence(make_tokens(COOC_UNITS + [["区镇", "新", "10", "发展"]] * 2), min_count=1)
    assert all(len(word) >= 2 and not word.isdigit() for word in graph.nodes)
    assert graph.has_edge("区镇", "发展")


HASH_SEED_SCRIPT = """
import hashlib, io, sys
import policytext as pt
units = pt.units(sys.argv[1])
tokens = pt.tokens(units, pt.Segmenter())
G = pt.cooccurrence(tokens, min_count=3, top=60, seed=7)
out = [repr(sorted(G.nodes(data=True))), repr(sorted(G.edges(data=True)))]
for fig in (pt.draw_network(G, seed=7), pt.wordcloud_figure(pt.frequencies(tokens), seed=7, max_words=40)):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    out.append(hashlib.sha256(buffer.getvalue()).hexdigest())
out.append(pt.keywords(units, method="textrank").to_csv())
out.append(pt.collocations(tokens).to_csv())
print(hashlib.sha256("\\n".join(out).encode()).hexdigest())
"""


def test_results_do_not_depend_on_the_hash_seed():
    """Set iteration order changes with PYTHONHASHSEED; nothing we output may follow it."""
    import subprocess
    import sys

    reference = str(ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt")
    digests = {subprocess.run([sys.executable, "-c", HASH_SEED_SCRIPT, reference], check=True,
                              capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2", "3")}
    assert len(digests) == 1
