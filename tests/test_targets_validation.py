"""Targets against the hand annotation in data/labels (issue 5).

The annotation was written from its guide before the extractor existed; the extractor's author
recorded the sha256 of targets.py before opening the gold files and evaluated once. The floors
are the figures measured then, on 2026-11-26 (rounded down); the issue's thresholds are
0.95 for digits and 0.85 for Chinese numerals, deadlines and zero targets. Zero targets
miss the precision threshold (0.60: 禁烧 is reported as a zero target, the annotators did not
count it) and the test records that rather than hiding it.
"""

import pytest

import policytext as pt
from policytext.targets import _not_quantities_reported

from .conftest import ROOT

LABELS = ROOT / "data" / "labels"


@pytest.fixture(scope="module")
def validation():
    gold = pt.read_labels(LABELS / "targets_gold.csv")
    paragraphs = pt.read_labels(LABELS / "targets_paragraphs.csv")
    return pt.targets_validation(gold, paragraphs).set_index("group")


@pytest.mark.parametrize("group, precision, recall", [
    ("digit", 0.99, 0.99), ("chinese", 0.97, 0.97), ("deadline", 1.0, 1.0), ("zero_target", 0.6, 1.0),
    ("money", 1.0, 0.97), ("all", 0.98, 0.99),
])
def test_precision_and_recall_floors(validation, group, precision, recall):
    assert validation.loc[group, "precision"] >= precision
    assert validation.loc[group, "recall"] >= recall


def test_no_numeral_slogan_is_reported():
    """No prediction overlaps a listed slogan, marker or ordinal unless it is a gold quantity."""
    paragraphs = pt.read_labels(LABELS / "targets_paragraphs.csv")
    slogans = pt.read_labels(LABELS / "targets_not_quantities.csv")
    gold = pt.read_labels(LABELS / "targets_gold.csv")
    assert _not_quantities_reported(slogans, paragraphs, gold).empty


def test_reference_money_in_yuan():
    docs = pt.load_document(ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt")
    money = pt.targets(pt.units(docs)).query("kind == 'money'")
    # Hand-computed: 亿 = 1e8.
    assert dict(zip(money["surface"], money["value"])) == {
        "167.83亿元": 16_783_000_000.0, "4.15亿元": 415_000_000.0, "10亿元": 1_000_000_000.0,
        "1.2亿元": 120_000_000.0, "1.3亿元": 130_000_000.0, "0.5亿元": 50_000_000.0,
        "1.5亿元": 150_000_000.0, "千亿": 100_000_000_000.0, "过亿": 100_000_000.0}
