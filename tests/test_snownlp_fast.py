"""policytext._snownlp: the fast re-implementation equals SnowNLP(text).sentiments.

Reference values are computed here by snownlp itself, on every sentence of the
reference document, a seeded sample of sentences of the national reports and
edge cases; the comparison is exact (bit for bit).
"""

import json
import random
import re

import pytest

from policytext import _snownlp
from policytext._snownlp import snownlp_sentiments
from policytext.errors import InputError, ModelError

from .conftest import ROOT, run_python

REFERENCE = ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt"
NATIONAL = ROOT / "data" / "external" / "national-gwr" / "government_work_reports.jsonl"
LICENCE = "本作品是中华人民共和国的"
SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n")
SEED = 20171231
N_NATIONAL = 1000

EDGE_CASES = [
    "",
    " ",
    "\t\n \u3000",
    "，。！？、；：（）",
    ",.;:()!?",
    "GDP CPI PPI",
    "2017 11 50 3.5%",
    "GDP增长6.5%左右,CPI涨幅3%以内",
    "😀👍经济发展😡",
    "經濟發展穩中向好，人民生活水平不斷提高。",
    "第一行\n第二行\r\n第三行",
    "龘靐齉",  # characters the segmentation model has never seen
    "我们龘靐齉发展",
    "龘",
    "好",
    "不",
    "㐀𠀀发展",  # CJK outside U+4E00..U+9FA5: not a run for snownlp
    "发 展 经 济",
    "坚持稳中求进工作总基调" * 200,  # one run of 2,200 characters
]


def split_sentences(text: str) -> list[str]:
    """Sentences of a text: split after 。！？!? and at line ends, blanks dropped."""
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def national_sample(n: int, seed: int) -> list[str]:
    """A seeded sample of sentences from the national reports (licence notice cut)."""
    sentences = []
    for line in NATIONAL.read_text("utf-8").splitlines():
        record = json.loads(line)
        if record["year"] is not None:
            sentences += split_sentences(record["content"].split(LICENCE)[0])
    return random.Random(seed).sample(sentences, n)


@pytest.fixture(scope="module")
def reference_score():
    """``SnowNLP(text).sentiments``; for "" (where SnowNLP's constructor fails)
    the function that property calls, ``snownlp.sentiment.classify``."""
    snownlp = pytest.importorskip("snownlp")
    return lambda text: snownlp.SnowNLP(text).sentiments if text else snownlp.sentiment.classify(text)


@pytest.fixture(scope="module")
def texts():
    reference = REFERENCE.read_text("utf-8")
    return [
        *split_sentences(reference),
        reference,  # the whole document: > 2,000 characters with newlines
        *national_sample(N_NATIONAL, SEED),
        *EDGE_CASES,
    ]


def test_texts_cover_the_required_cases(texts):
    reference = REFERENCE.read_text("utf-8")
    assert len(texts) >= 1000
    assert len(reference) > 2000 and "\n" in reference
    unseen = set("".join(EDGE_CASES)) - set(_snownlp._model().segmenter.chars)
    assert {"龘", "靐", "齉"} <= unseen  # snownlp's not_found branch is exercised


@pytest.fixture(scope="module")
def expected(texts, reference_score):
    return {text: reference_score(text) for text in texts}


def test_equal_to_snownlp_bit_for_bit(texts, expected):
    got = snownlp_sentiments(texts)
    assert len(got) == len(texts)
    mismatches = [(t[:40], g, expected[t]) for t, g in zip(texts, got) if g != expected[t]]
    assert mismatches == []
    assert all(type(g) is float for g in got)


@pytest.mark.parametrize("text", EDGE_CASES, ids=range(len(EDGE_CASES)))
def test_edge_case_alone(text, expected):
    assert snownlp_sentiments([text]) == [expected[text]]


def test_snownlp_itself_fails_on_the_empty_string():
    # Why "" is compared with snownlp.sentiment.classify: SnowNLP("") builds a
    # BM25 index that divides by len(""). If this starts passing, compare directly.
    snownlp = pytest.importorskip("snownlp")
    with pytest.raises(ZeroDivisionError):
        snownlp.SnowNLP("").sentiments


def test_caches_and_batches_do_not_change_results(texts, monkeypatch):
    subset = texts[:60] + texts[-len(EDGE_CASES) :]
    together = snownlp_sentiments(subset)
    segmenter = _snownlp._model().segmenter
    monkeypatch.setattr(_snownlp, "_BATCH_CHARS", 50)
    monkeypatch.setattr(_snownlp, "_MAX_CACHED", 100)  # caches emptied often
    segmenter._runs.clear()
    segmenter._clear_ngrams()
    assert [snownlp_sentiments([t])[0] for t in subset] == together
    segmenter._runs.clear()
    assert snownlp_sentiments(subset) == together
    assert snownlp_sentiments(iter(subset)) == together
    segmenter._runs.clear()
    segmenter._clear_ngrams()


def test_stopwords_are_snownlps():
    snownlp_normal = pytest.importorskip("snownlp.normal")
    assert _snownlp._model().stop == snownlp_normal.stop


def test_non_string_input_raises():
    with pytest.raises(InputError, match=r"texts\[1\]: expected str, got NoneType"):
        snownlp_sentiments(["好", None])


def test_shipped_model_counts_ngrams_with_their_parts():
    # _snownlp skips a trigram look-up when its last bigram has count 0; exact
    # only because training counts every trigram together with its bigrams.
    # Bigrams are indexed by b + c, unambiguous as every symbol is BOS ("")
    # or one character of the uni table.
    segmenter = _snownlp._model().segmenter
    bigrams, chars, tags = segmenter.bigrams, segmenter.chars, _snownlp._TAG_INDEX
    assert all(len(key) == 2 or key in chars or key == "" for key in bigrams)
    missing = []
    for (k1, k2, k3), n in _snownlp._read_marshal(_snownlp._snownlp_dir() / "seg" / "seg.marshal.3")["tri"]["d"].items():
        for (x, tx), (y, ty) in ((k1, k2), (k2, k3)):
            entry = bigrams.get(x + y, ())
            if n and tags[tx] * 4 + tags[ty] not in entry[0::2]:
                missing.append((k1, k2, k3))
    assert missing == []


def test_import_is_lazy_and_never_imports_snownlp():
    # Locating the model files is the only contact with the snownlp package.
    # The module is imported alone (policytext/__init__ is not run).
    code = (
        "import sys, types\n"
        "package = types.ModuleType('policytext')\n"
        f"package.__path__ = [{str(ROOT / 'policytext')!r}]\n"
        "sys.modules['policytext'] = package\n"
        "from policytext import _snownlp\n"
        "assert _snownlp._model.cache_info().currsize == 0\n"
        "print(_snownlp._snownlp_dir().name)\n"
        "assert 'snownlp' not in sys.modules\n"
    )
    assert run_python(code) == "snownlp\n"


def test_cached_tables_equal_freshly_built_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYTEXT_CACHE", str(tmp_path))
    path = _snownlp._snownlp_dir() / "seg" / "seg.marshal.3"
    built = _snownlp._segmenter_tables(path)  # builds and writes the cache file
    assert len(list(tmp_path.glob("snownlp-seg-*.pickle"))) == 1
    assert _snownlp._segmenter_tables(path) == built  # read back
    assert built == _snownlp._build_tables(_snownlp._read_marshal(path), path)


def test_broken_segmentation_model_names_the_file(tmp_path, monkeypatch):
    import gzip
    import marshal

    monkeypatch.setenv("POLICYTEXT_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "seg.marshal.3"
    path.write_bytes(gzip.compress(marshal.dumps({"l1": 0.1, "l2": 0.2, "l3": 0.7, "status": ["b"]})))
    with pytest.raises(ModelError, match=r"seg\.marshal\.3: expected tags"):
        _snownlp._segmenter_tables(path)
