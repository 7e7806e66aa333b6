"""The fast paths (phrase automaton, recogniser clues, lazy package) behave as the plain ones."""

import importlib
import random
import re

import pytest

from policytext._phrases import PhraseFinder
from policytext.io import load_corpus, read_text
from policytext.structure import units

from .conftest import ROOT, run_python

# The module, not the function pt.targets that shadows its name on the package.
tg = importlib.import_module("policytext.targets")


def plain_occurrences(phrases, text):
    found = {(i, p) for p in set(phrases) if p for i in range(len(text)) if text.startswith(p, i)}
    return sorted(found, key=lambda item: (item[0], len(item[1])))


def test_phrase_finder_finds_every_occurrence():
    rng = random.Random(7)
    alphabet = "一二三生态环境a]^-\\"
    for _ in range(2000):
        phrases = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(0, 6))]
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert PhraseFinder(phrases).occurrences(text) == plain_occurrences(phrases, text)


@pytest.fixture(scope="module")
def sample_texts():
    reports = load_corpus(ROOT / "data" / "external" / "national-gwr" / "government_work_reports.jsonl")
    docs = reports.assign(text=reports["text"].str.slice(0, 3000))
    texts = units(docs)["text"].tolist()
    texts += units(read_text(ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt"))["text"].tolist()
    return [tg._working_copy(t) for t in texts]


def test_every_match_of_a_recogniser_holds_its_clue(sample_texts):
    # A text without the clue is never scanned: that is only right if no match lacks it.
    patterns = tg._patterns()
    assert set(tg._CLUES) <= set(patterns)
    for name, clue in tg._CLUES.items():
        for text in sample_texts:
            for m in patterns[name].finditer(text):
                assert re.search(clue, m.group()), (name, m.group(), text)


def test_recognisers_tried_at_start_characters_find_what_finditer_finds(sample_texts):
    # A recogniser with start characters tries its pattern only there: right only if every
    # match begins with one of them, and then the matches are finditer's.
    patterns, recognisers = tg._patterns(), tg._recognisers()
    assert set(tg._STARTS) <= set(patterns)
    for name in tg._STARTS:
        start = re.compile(tg._STARTS[name])
        for text in sample_texts:
            plain = [m.span() for m in patterns[name].finditer(text)]
            assert [m.span() for m in recognisers[name].finditer(text)] == plain, (name, text)
            assert all(start.match(text, s) for s, _ in plain), (name, text)


def test_import_policytext_loads_no_stage_and_no_plotting_library():
    code = (
        "import sys, policytext as pt\n"
        "heavy = [m for m in ('pandas', 'matplotlib', 'networkx', 'wordcloud', 'jieba') if m in sys.modules]\n"
        "assert heavy == [], heavy\n"
        "assert sorted(pt._SUBMODULE_OF) == sorted(set(pt.__all__) - set(dir(pt.errors)) - {'__version__'})\n"
        "for module, names in pt._SUBMODULES.items():\n"
        "    assert set(names) <= set(__import__('policytext.' + module, fromlist=['x']).__all__), module\n"
        "assert all(hasattr(pt, name) for name in pt.__all__)\n"
        "assert callable(pt.themes) and callable(pt.targets) and callable(pt.keywords)\n"
    )
    run_python(code)


def test_a_function_named_like_its_module_stays_the_function():
    code = (
        "import importlib, policytext as pt\n"
        "for name in ('themes', 'targets', 'keywords'):\n"
        "    module = importlib.import_module('policytext.' + name)\n"
        "    assert getattr(pt, name) is getattr(module, name), name\n"
    )
    run_python(code)


def test_pattern_screen_finds_the_texts_some_pattern_matches(tmp_path):
    from policytext.themes import Codebook

    def codebook(patterns):
        path = tmp_path / "mine.yaml"
        path.write_text("id: mine\nversion: '0.1'\nthemes:\n  - id: a\n    patterns: " + patterns + "\n",
                        encoding="utf-8")
        return Codebook.load(path)

    joined = codebook("['生猪|[牛羊]肉', '(?:确保)[^，]{0,4}完成', 'x*']")
    assert joined._pattern_screen is not None
    for text in ["稳定生猪生产", "确保全年完成", "天气晴", ""]:
        plain = {m.span() for _, p, _ in joined._patterns for m in p.finditer(text)}
        assert bool(joined._pattern_screen.search(text)) == bool(plain)
    # groups would be renumbered and a global flag cannot move: each pattern is tried
    assert codebook("['(生)猪', 'x']")._pattern_screen is None
    assert codebook("['(?i)gdp', 'x']")._pattern_screen is None
    assert [m.term for m in codebook("['(?i)gdp']").matches("GDP增长")] == ["GDP"]


def test_shared_cuts_give_the_segmenters_words_and_tags():
    from policytext.pipeline import _SharedCuts
    from policytext.segment import Segmenter, tokens

    segmenter = Segmenter()
    shared = _SharedCuts(segmenter)
    text = "加快河湖长制建设, 投资3.5亿元"
    assert shared.cut(text) == segmenter.cut(text)
    assert shared.cut(text) is shared.cut(text)  # built once
    assert shared.tag(text) == segmenter.tag(text)
    u = units(read_text(ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt"))
    assert tokens(u, shared, pos=True).equals(tokens(u, segmenter, pos=True))
