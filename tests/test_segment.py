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
