import unicodedata

import pandas as pd
import pytest

import policytext as pt
from policytext.errors import ResourceError
from policytext.segment import default_segmenter
from policytext.schemas import TOKENS, check_schema

from .conftest import ROOT

GOLD = ROOT / "tests" / "data" / "general_text_gold.txt"


def test_policy_terms_are_kept_whole(segmenter):
    for term in ["区镇", "腾笼换鸟", "筑巢引凤", "河湖长制", "一岗双责", "五位一体", "供给侧结构性改革",
                 "两学一做", "三通一平", "精准扶贫", "绿水青山就是金山银山"]:
        assert term in segmenter.cut(f"要坚持{term}。"), term


def test_shipped_dictionary_is_large_enough():
    from policytext import _resources

    entries = _resources.user_dictionary("policy").entries
    assert len(entries) >= 400 and all(e.freq >= 1 and e.tag for e in entries)


def test_numbers_stay_whole(segmenter):
    assert segmenter.cut("总投资167.83亿元，增长82%，收入1,234.5元，3,5个") == [
        "总", "投资", "167.83", "亿元", "，", "增长", "82%", "，", "收入", "1,234.5", "元", "，",
        "3", ",", "5", "个"]


def test_spans_point_into_the_text(segmenter):
    text = "区镇以加快推动化工产业转型升级为目标。"
    assert all(text[s:e] == w for w, s, e in segmenter.cut_spans(text))
    assert [t.word for t in segmenter.tag(text)] == segmenter.cut(text)
    assert dict((t.word, t.tag) for t in segmenter.tag(text))["区镇"] == "n"


def _f1(predicted: list[str], gold: list[str]) -> float:
    def spans(words):
        out, start = set(), 0
        for word in words:
            out.add((start, start + len(word)))
            start += len(word)
        return out
    p, g = spans(predicted), spans(gold)
    return 2 * len(p & g) / (len(p) + len(g))


def test_policy_dictionary_does_no_harm_on_general_text(segmenter):
    bare = pt.Segmenter(dictionary=None)
    lines = [line.split() for line in GOLD.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    scores = {name: sum(_f1(seg.cut("".join(words)), words) for words in lines) / len(lines)
              for name, seg in [("policy", segmenter), ("bare", bare)]}
    assert len(lines) >= 25
    assert scores["policy"] >= scores["bare"], scores


def test_results_do_not_depend_on_call_order(reference_units):
    text = reference_units["text"].str.cat()
    first = pt.Segmenter().cut(text)
    import jieba

    jieba.add_word("加快推动化工")  # mutate jieba's global tokenizer: ours must not notice
    tokens = pt.tokens(reference_units, pt.Segmenter(hmm=True), pos=True)
    for stage in (pt.themes, pt.tone, pt.targets, pt.keywords):  # every other stage, in between
        stage(reference_units)
    pt.cooccurrence(tokens)
    assert pt.Segmenter().cut(text) == first
    assert default_segmenter().cut(text) == first
    jieba.del_word("加快推动化工")


def test_tokens_table(reference_units, segmenter):
    tokens = pt.tokens(reference_units, segmenter)
    assert check_schema(tokens, TOKENS) == []
    raw = pt.load_document(ROOT / "data/raw/qianjiang-quzhen-2017-work-report-excerpt.txt").loc[0, "text"]
    sample = tokens.sample(200, random_state=1)
    assert all(unicodedata.normalize("NFKC", raw[s:e]) == unicodedata.normalize("NFKC", w)
               for w, s, e in zip(sample.word, sample.start, sample.end))
    assert tokens.attrs["segmenter"]["dictionary"].startswith("policy_dict.txt v1.0")


def test_tokens_rows_are_each_units_words_in_order(reference_units, segmenter):
    tokens = pt.tokens(reference_units, segmenter)
    expected = [(doc_id, unit_id, i, word, offset + start, offset + end)
                for doc_id, unit_id, text, offset in reference_units[["doc_id", "unit_id", "text", "start"]].values
                for i, (word, start, end) in enumerate(t for t in segmenter.cut_spans(text) if not t[0].isspace())]
    columns = ["doc_id", "unit_id", "pos_in_unit", "word", "start", "end"]
    assert list(tokens[columns].itertuples(index=False, name=None)) == expected
    assert tokens["is_stop"].tolist() == [segmenter.is_stop(w) for w in tokens["word"]]


def test_stopwords_keep_policy_verbs(segmenter):
    assert segmenter.is_stop("的") and segmenter.is_stop("，") and segmenter.is_stop("一是")
    assert not any(segmenter.is_stop(w) for w in ["加强", "推进", "加快", "坚持", "问题"])


def test_frequencies_exact_counts(segmenter):
    units = pd.DataFrame({"doc_id": ["d", "d"], "unit_id": [0, 1], "part": ["review", "plan"],
                          "text": ["加强河湖长制，加强管理。", "推进河湖长制。"]})
    tokens = pt.tokens(units, segmenter)
    assert pt.frequencies(tokens).values.tolist() == [["加强", 2], ["河湖长制", 2], ["推进", 1], ["管理", 1]]
    by_part = pt.frequencies(tokens, by="part", units=units)
    assert by_part.values.tolist() == [["plan", "推进", 1], ["plan", "河湖长制", 1], ["review", "加强", 2],
                                       ["review", "河湖长制", 1], ["review", "管理", 1]]
    with pytest.raises(pt.InputError, match="lacks"):
        pt.frequencies(tokens, by="part")


def test_dictionary_effect(reference_units, segmenter):
    effect = pt.dictionary_effect(reference_units, segmenter, pt.Segmenter(dictionary=None))
    assert effect.iloc[0].tolist() == ["区镇", "区 / 镇", 34]


@pytest.mark.parametrize("line, problem", [
    ("区镇 abc n", "frequency"), ("区镇", "expected"), ("区镇 0 n", "frequency")])
def test_malformed_dictionary_names_file_and_line(tmp_path, line, problem):
    path = tmp_path / "user.txt"
    path.write_text(f"# version: 1\n河湖长制 10 n\n{line}\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=rf"user\.txt:3: .*{problem}"):
        pt.Segmenter(dictionary=path)


def test_user_dictionary_file_works(tmp_path):
    path = tmp_path / "user.txt"
    path.write_text("# version: 1\n挑商选资 10 v\n", encoding="utf-8")
    assert "挑商选资" in pt.Segmenter(dictionary=path).cut("严格挑商选资")


def test_tokenizer_cache_is_private():
    tokenizer = pt.Segmenter().tokenizer
    assert "/tmp/jieba.cache" not in tokenizer.cache_file and "policytext" in tokenizer.cache_file


def _jieba_spans(seg: pt.Segmenter, text: str) -> list[tuple[str, int, int]]:
    """The reference: number runs whole, jieba's own tokenizer (HMM off) on the text between them."""
    from policytext.segment import _NUMBER_RUN

    spans, done = [], 0
    for number in [*_NUMBER_RUN.finditer(text), None]:
        end = number.start() if number else len(text)
        if end > done:
            spans += [(w, done + s, done + e) for w, s, e in seg.tokenizer.tokenize(text[done:end], HMM=False)]
        if number:
            spans.append((number.group(), *number.span()))
            done = number.end()
    return spans


EDGE_CASES = [
    "", " ", "   ", "\n", "\r\n", "\r\r\n\n", "\t\u3000\xa0", "abc", "a b c", "x", "-", "%", "..", "a.b_c-d",
    "GDP增长6.5%左右", "推进A股和B股", "C++与C#、AT&T", "5G网络", "互联网+政务服务", "中国制造2025",
    "卡拉OK厅", "T恤衫", "1,234.5亿元，3,5个，82%，１２３％，０．５", "Ａｂｃ全角字母", "ｱｲｳ",
    "。。。！？、；：“”（）【】——……", "鿕鿔㐀𠀀推进鿕", "γ射线", "😀推进😀", "\x00推进\x00",
    "发展\n\n改革\r\n开放", "上髎，中坜的", "功亏一篑、不寒而慄",  # characters that start no word
    "推进" * 3000, "的" * 2000, "a" * 500 + "推进", "区镇以加快推动化工产业转型升级为目标。" * 200,
]


def _fuzz(seg: pt.Segmenter, count: int, seed: int) -> list[str]:
    """Random texts: dictionary words mixed with Latin, digits, punctuation, spaces, rare characters."""
    import random

    rng = random.Random(seed)
    words = [w for w, f in seg.tokenizer.FREQ.items() if f]
    odd = list("abcXYZ 09０９.,%．％，。、()+#&_-/·\t\n\r\u3000鿕㐀γ😀Ａ")
    return ["".join(rng.choice(words) if rng.random() < 0.7 else rng.choice(odd)
                    for _ in range(rng.randint(1, 15))) for _ in range(count)]


@pytest.mark.parametrize("dictionary", ["policy", None])
def test_fast_segmentation_equals_jieba(dictionary, national, reference_docs):
    seg = pt.Segmenter(dictionary=dictionary)
    lines = [line for text in [*national["text"], *reference_docs["text"]] for line in text.splitlines()]
    texts = EDGE_CASES + lines[::7] + _fuzz(seg, 3000, seed=7)
    differ = [text[:60] for text in texts if seg.cut_spans(text) != _jieba_spans(seg, text)]
    assert len(texts) > 5000 and differ == []


def test_ties_go_to_the_longer_word_as_in_jieba(tmp_path):
    # 丒 / 丗丟 and 丒丗 / 丟 score exactly the same (the same two floats added): jieba's route
    # takes the longer first word.
    path = tmp_path / "tie.txt"
    path.write_text("# version: 1\n丒丗 1000 n\n丗丟 1000 n\n丒 5 n\n丟 5 n\n", encoding="utf-8")
    seg = pt.Segmenter(dictionary=path)
    assert seg.cut("丒丗丟") == ["丒丗", "丟"] == [w for w, _, _ in _jieba_spans(seg, "丒丗丟")]


def test_fast_segmentation_follows_jiebas_patterns():
    import jieba

    from policytext.segment import _HAN

    assert jieba.re_han_default.pattern == f"([{_HAN}]+)"
    assert jieba.re_skip_default.pattern == "(\r\n|\\s)" and jieba.re_eng.pattern == "[a-zA-Z0-9]"


def test_cache_is_rebuilt_when_unreadable(tmp_path):
    from policytext._resources import cached as _cached

    path, builds = tmp_path / "words.pickle", []
    build = lambda: builds.append(1) or {"word": -1.5}  # noqa: E731
    assert _cached(path, build) == _cached(path, build) == {"word": -1.5} and len(builds) == 1
    path.write_bytes(b"not a pickle")
    assert _cached(path, build) == {"word": -1.5} and len(builds) == 2
    assert list(tmp_path.iterdir()) == [path]  # no temporary files left


def test_a_new_cache_file_removes_the_other_formats_of_the_same_inputs(tmp_path):
    from policytext._resources import cached as _cached

    names = ["words-a-v1.pickle", "words-a-v2.pickle", "words-a-b-v1.pickle", "words-ab-v1.pickle", "words-a.pickle"]
    for name in names:
        (tmp_path / name).write_bytes(b"old")
    assert _cached(tmp_path / "words-a-v3.pickle", lambda: {"word": -1.5}) == {"word": -1.5}
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["words-a-b-v1.pickle", "words-a-v3.pickle", "words-a.pickle", "words-ab-v1.pickle"]
    (tmp_path / "words-a-v2.pickle").write_bytes(b"old")  # left by another version, found on reading
    assert _cached(tmp_path / "words-a-v3.pickle", lambda: {"other": 0.0}) == {"word": -1.5}
    assert not (tmp_path / "words-a-v2.pickle").exists()
