"""Targets against the hand annotation in data/labels (issue 5).

Three annotated sets, each from the guide data/labels/targets_annotation_guide.md:

* ``targets_*`` (37 paragraphs, guide 1.0): annotated before the extractor existed and scored
  once on 2026-11-26 (zero-target precision 0.60: the extractor reported the ban 禁烧 as a
  zero target). On 2026-11-27 the ban rule was removed and year ends that date a statistic
  became dates (guide 1.1): the set has been seen, so its floors now describe a dev set.
* ``targets_heldout_*`` (h01-h30, guide 1.0): annotated blind and scored once after the ban
  rule was removed — digits P/R 1.0/0.978, Chinese 0.96/0.923, deadlines 0.20/1.0 (statistic
  year ends reported as deadlines), zero targets recall 0 of 4 (不发生 + a risk). Guide 1.1 and
  the extractor's rules for both were written after reading those errors: a dev set too.
* ``targets_heldout2_*`` (h31-h60, guide 1.1): annotated blind after that, scored once
  (targets.py sha256 recorded in the closing note of 2026-11-27) — the held-back figures.
  Zero targets: recall 0 of 8 (all 防止 + a behaviour or risk; the extractor only knows
  防止发生) and deadlines 0.77/0.91 miss the issue's 0.85; the tests record that.

Floors are the figures measured, rounded down.
"""

import pytest

import policytext as pt
from policytext.targets import _not_quantities_reported

from .conftest import ROOT

LABELS = ROOT / "data" / "labels"


SETS = {"first": "targets_", "heldout": "targets_heldout_", "heldout2": "targets_heldout2_"}


def _read(name: str, what: str):
    return pt.read_labels(LABELS / f"{SETS[name]}{what}.csv")


@pytest.fixture(scope="module")
def validation():
    return {name: pt.targets_validation(_read(name, "gold"), _read(name, "paragraphs")).set_index("group")
            for name in SETS}


@pytest.mark.parametrize("name, group, precision, recall", [
    ("first", "digit", 0.99, 0.99), ("first", "chinese", 0.97, 0.97), ("first", "deadline", 1.0, 1.0),
    ("first", "zero_target", 1.0, 1.0), ("first", "money", 1.0, 0.97), ("first", "all", 0.99, 0.99),
    ("heldout", "digit", 1.0, 1.0), ("heldout", "chinese", 0.96, 0.93), ("heldout", "deadline", 1.0, 1.0),
    ("heldout", "zero_target", 1.0, 1.0), ("heldout", "all", 0.98, 0.97),
    ("heldout2", "digit", 0.98, 0.97), ("heldout2", "chinese", 0.88, 0.84), ("heldout2", "deadline", 0.76, 0.9),
    ("heldout2", "money", 1.0, 0.85), ("heldout2", "all", 0.92, 0.87),
])
def test_precision_and_recall_floors(validation, name, group, precision, recall):
    assert validation[name].loc[group, "precision"] >= precision
    assert validation[name].loc[group, "recall"] >= recall


@pytest.mark.parametrize("name, allowed", [("first", set()), ("heldout", {"一百五十六项"}), ("heldout2", set())])
def test_no_numeral_slogan_is_reported(name, allowed):
    """No prediction overlaps a listed slogan, marker or ordinal unless it is a gold quantity.

    Allowed: 一百五十六项 ("the 156 projects" of the 1950s), which the annotator listed as a
    name and the extractor counts.
    """
    reported = _not_quantities_reported(_read(name, "not_quantities"), _read(name, "paragraphs"),
                                        _read(name, "gold"))
    assert set(reported["surface"]) == allowed


def test_reference_money_in_yuan():
    docs = pt.load_document(ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt")
    money = pt.targets(pt.units(docs)).query("kind == 'money'")
    # Hand-computed: 亿 = 1e8.
    assert dict(zip(money["surface"], money["value"])) == {
        "167.83亿元": 16_783_000_000.0, "4.15亿元": 415_000_000.0, "10亿元": 1_000_000_000.0,
        "1.2亿元": 120_000_000.0, "1.3亿元": 130_000_000.0, "0.5亿元": 50_000_000.0,
        "1.5亿元": 150_000_000.0, "千亿": 100_000_000_000.0, "过亿": 100_000_000.0}
