"""Targets against the hand annotation in data/labels (issue 5).

Annotated sets, each from the guide data/labels/targets_annotation_guide.md, each annotated blind
to the extractor and scored once before any rule was changed on it; after that it is a dev set.
The figures of each first scoring, with the extractor commit that reproduces them, are in
data/labels/targets_scoring_log.csv.

* ``targets_*`` (37 paragraphs, guide 1.0), ``targets_heldout_*`` (h01-h30, 1.0),
  ``targets_heldout2_*`` (h31-h60, 1.1), ``targets_heldout3_*`` (h61-h96, 1.2),
  ``targets_heldout4_*`` (h97-h136, 1.3), ``targets_heldout5_*`` (h137-h182, 1.4),
  ``targets_heldout6_*`` (h183-h232, 1.5): dev sets now.
* ``targets_heldout7_*`` (h233-h282, guide 1.6): the last held-back set, scored once; its figures
  are the ones to cite.
* heldout2's eight zero targets are 防止 + a behaviour, which guide 1.2 no longer counts
  (the set keeps its 1.1 annotation): its zero-target recall stays 0 and is not tested.

Floors are the current figures, rounded down.
"""

import pytest

import policytext as pt
from policytext.targets import _not_quantities_reported

from .conftest import ROOT

LABELS = ROOT / "data" / "labels"


SETS = {"first": "targets_", **{f"heldout{i}": f"targets_heldout{i}_" for i in ("", 2, 3, 4, 5, 6, 7)}}


def _read(name: str, what: str):
    return pt.read_labels(LABELS / f"{SETS[name]}{what}.csv")


@pytest.fixture(scope="module")
def validation():
    return {name: pt.targets_validation(_read(name, "gold"), _read(name, "paragraphs")).set_index("group")
            for name in SETS}


@pytest.mark.parametrize("name, group, precision, recall", [
    ("first", "digit", 0.99, 0.99), ("first", "chinese", 0.97, 0.97), ("first", "deadline", 1.0, 1.0),
    ("first", "zero_target", 1.0, 1.0), ("first", "money", 1.0, 0.97), ("first", "all", 0.99, 0.99),
    ("heldout", "digit", 1.0, 1.0), ("heldout", "chinese", 0.97, 0.96), ("heldout", "deadline", 1.0, 1.0),
    ("heldout", "zero_target", 1.0, 1.0), ("heldout", "all", 0.98, 0.98),
    ("heldout2", "digit", 1.0, 1.0), ("heldout2", "chinese", 0.96, 0.95), ("heldout2", "deadline", 0.91, 1.0),
    ("heldout2", "all", 0.98, 0.93),
    ("heldout3", "digit", 1.0, 1.0), ("heldout3", "chinese", 0.99, 0.96), ("heldout3", "deadline", 1.0, 1.0),
    ("heldout3", "zero_target", 1.0, 1.0), ("heldout3", "all", 0.99, 0.98),
    ("heldout4", "digit", 0.98, 1.0), ("heldout4", "chinese", 0.98, 0.95), ("heldout4", "deadline", 1.0, 0.94),
    ("heldout4", "zero_target", 1.0, 1.0), ("heldout4", "all", 0.98, 0.96),
    ("heldout5", "digit", 0.99, 0.99), ("heldout5", "chinese", 0.96, 0.9), ("heldout5", "deadline", 0.86, 0.95),
    ("heldout5", "zero_target", 1.0, 1.0), ("heldout5", "all", 0.96, 0.93),
    ("heldout6", "digit", 0.98, 0.97), ("heldout6", "chinese", 0.98, 0.93), ("heldout6", "deadline", 0.9, 0.95),
    ("heldout6", "zero_target", 1.0, 1.0), ("heldout6", "all", 0.97, 0.95),
    # the last set, scored once with the extractor of commit fc8672c (targets_scoring_log.csv); only the
    # slogan list changed since (一百五十六项, which the first held-back set had already shown)
    ("heldout7", "digit", 0.98, 0.98), ("heldout7", "chinese", 0.97, 0.89), ("heldout7", "deadline", 0.89, 0.96),
    ("heldout7", "zero_target", 1.0, 1.0), ("heldout7", "all", 0.97, 0.92),
])
def test_precision_and_recall_floors(validation, name, group, precision, recall):
    assert validation[name].loc[group, "precision"] >= precision
    assert validation[name].loc[group, "recall"] >= recall


@pytest.mark.parametrize("group, goal", [("digit", 0.95), ("chinese", 0.85), ("deadline", 0.85),
                                         ("zero_target", 0.85)])
def test_issue_goals_on_the_last_held_back_set(validation, group, goal):
    assert validation["heldout7"].loc[group, ["precision", "recall"]].min() >= goal


@pytest.mark.parametrize("name", list(SETS))
def test_no_numeral_slogan_is_reported(name):
    """No prediction overlaps a listed slogan, marker or ordinal unless it is a gold quantity."""
    reported = _not_quantities_reported(_read(name, "not_quantities"), _read(name, "paragraphs"),
                                        _read(name, "gold"))
    assert reported.empty, reported.to_dict("records")


def test_reference_money_in_yuan():
    docs = pt.load_document(ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt")
    money = pt.targets(pt.units(docs)).query("kind == 'money'")
    # Hand-computed: 亿 = 1e8.
    assert dict(zip(money["surface"], money["value"])) == {
        "167.83亿元": 16_783_000_000.0, "4.15亿元": 415_000_000.0, "10亿元": 1_000_000_000.0,
        "1.2亿元": 120_000_000.0, "1.3亿元": 130_000_000.0, "0.5亿元": 50_000_000.0,
        "1.5亿元": 150_000_000.0, "千亿": 100_000_000_000.0, "过亿": 100_000_000.0}
