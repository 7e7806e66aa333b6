"""policytext._snownlp: the fast re-implementation equals SnowNLP(text).sentiments.

Reference values are computed here by snownlp itself, on every sentence of the
reference document, a seeded sample of sentences of the national reports and
edge cases; the comparison is exact (bit for bit).
"""

import json
import random
import re

import numpy as np
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
    "龘发展经济龘龘建设龘",  # unseen characters first, last, twice in a row
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
    tables = _snownlp._model().segmenter.tables
    known = {char for char, seen in zip(tables.alphabet, tables.known[1:]) if seen}
    unseen = set("".join(EDGE_CASES)) - known
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
    assert [snownlp_sentiments([t])[0] for t in subset] == together
    segmenter._runs.clear()
    assert snownlp_sentiments(subset) == together
    assert snownlp_sentiments(iter(subset)) == together
    segmenter._runs.clear()


def test_stopwords_are_snownlps():
    snownlp_normal = pytest.importorskip("snownlp.normal")
    assert _snownlp._model().stop == snownlp_normal.stop


def test_non_string_input_raises():
    with pytest.raises(InputError, match=r"texts\[1\]: expected str, got NoneType"):
        snownlp_sentiments(["好", None])


def table_log_prob(tables, s1, s2, s3) -> float:
    """``log_prob(s1, s2, s3)`` as the regrouped tables give it (see ``_snownlp._Tables``)."""
    ids = {"": 0, **{char: i for i, char in enumerate(tables.alphabet, start=1)}}
    tags = _snownlp._TAG_INDEX
    (a, t1), (b, t2), (c, t3) = ((ids.get(char, tables.n_ids - 1), tags[tag]) for char, tag in (s1, s2, s3))
    n = tables.n_ids
    for ngrams, code, slot in ((tables.trigrams, (a * n + b) * n + c, t1 * 16 + t2 * 4 + t3),
                               (tables.bigrams, b * n + c, t2 * 4 + t3)):
        _, slots, values = ngrams.find(np.array([code]))
        if slot in slots.tolist():
            return float(values[slots.tolist().index(slot)])
    return float(tables.logs[c, t3])


def test_tables_hold_snownlps_log_prob():
    # Every log_prob the Viterbi search uses comes from the tables: compare them with
    # snownlp's own log_prob on trigrams of the model, and on symbol triples with
    # a changed character or tag (trigram or bigram absent, BOS positions).
    seg = pytest.importorskip("snownlp.seg")
    model = seg.segger.segger
    tables = _snownlp._model().segmenter.tables
    rng = random.Random(SEED)
    triples = rng.sample(sorted(model.tri.d), 4000)
    symbols = sorted(model.uni.d)
    changed = [tuple(rng.choice(symbols) if rng.random() < 0.4 else s for s in triple) for triple in triples]
    bos = [(("", "BOS"), ("", "BOS"), s) for s in rng.sample(symbols, 500)]
    cases = [c for c in triples + changed + bos if c[2][1] != "BOS"]
    mismatches = [c for c in cases if table_log_prob(tables, *c) != model.log_prob(*c)]
    assert mismatches == []
    assert len(cases) > 8000


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


def tables_equal(x, y) -> bool:
    """Whether two ``_snownlp._Tables`` hold equal values (arrays compared elementwise)."""
    flat = [(x.alphabet, y.alphabet), (x.known, y.known), (x.logs, y.logs), *zip(x.bigrams, y.bigrams),
            *zip(x.trigrams, y.trigrams)]
    return all(np.array_equal(u, v) if isinstance(u, np.ndarray) else u == v for u, v in flat)


def test_cached_tables_equal_freshly_built_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYTEXT_CACHE", str(tmp_path))
    path = _snownlp._snownlp_dir() / "seg" / "seg.marshal.3"
    built = _snownlp._segmenter_tables(path)  # builds and writes the cache file
    assert len(list(tmp_path.glob("snownlp-seg-*.pickle"))) == 1
    assert tables_equal(_snownlp._segmenter_tables(path), built)  # read back
    assert tables_equal(built, _snownlp._build_tables(_snownlp._read_marshal(path), path))


def test_broken_segmentation_model_names_the_file(tmp_path, monkeypatch):
    import gzip
    import marshal

    monkeypatch.setenv("POLICYTEXT_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "seg.marshal.3"
    path.write_bytes(gzip.compress(marshal.dumps({"l1": 0.1, "l2": 0.2, "l3": 0.7, "status": ["b"]})))
    with pytest.raises(ModelError, match=r"seg\.marshal\.3: expected tags"):
        _snownlp._segmenter_tables(path)
