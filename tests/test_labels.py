import pandas as pd
import pytest

import policytext as pt
from policytext.errors import InputError

from .conftest import ROOT

LABELS = ROOT / "data" / "labels"


def test_kappa_by_hand():
    # 10 items; coder 1: 6 x / 4 y, coder 2: 5 x / 5 y, agreeing on 7 (4 x, 3 y).
    # p_o = 0.7, p_e = 0.6*0.5 + 0.4*0.5 = 0.5, kappa = (0.7 - 0.5) / 0.5 = 0.4.
    first = pd.DataFrame({"item_id": list("abcdefghij"), "label": list("xxxxxxyyyy")})
    second = pd.DataFrame({"item_id": list("abcdefghij"), "label": list("xxxxyyxyyy")})
    row = pt.coder_agreement(first, second, ["label"]).iloc[0]
    assert (row["n"], row["agreement"]) == (10, pytest.approx(0.7))
    assert row["kappa"] == pytest.approx(0.4)


@pytest.mark.parametrize("first, second, columns", [
    ("tone_sentences.csv", "tone_recode.csv", ["label"]),
    ("themes_five_in_one.csv", "themes_five_in_one_recode.csv",
     ["economic", "political", "cultural", "social", "ecological"]),
    ("themes_policy_instruments.csv", "themes_policy_instruments_recode.csv", ["supply", "environment", "demand"]),
])
def test_recoded_samples_cover_ten_percent_and_agree(first, second, columns):
    coded, recoded = pt.read_labels(LABELS / first), pt.read_labels(LABELS / second)
    assert set(recoded["item_id"]) <= set(coded["item_id"])
    assert len(recoded) >= round(0.1 * len(coded))
    assert coded.attrs["header"] and recoded.attrs["header"]
    assert (pt.coder_agreement(coded, recoded, columns)["kappa"] >= 0.6).all()


def test_label_file_errors(tmp_path):
    with pytest.raises(pt.InputError, match="no such labels file"):
        pt.read_labels(tmp_path / "missing.csv")
    duplicated = tmp_path / "dup.csv"
    duplicated.write_text("# coder: test\nitem_id,label\na,x\na,y\n", encoding="utf-8")
    with pytest.raises(pt.InputError, match="unique"):
        pt.read_labels(duplicated)


def test_coded_tags_match_units_cut_differently_from_the_labels():
    units = pd.DataFrame({"doc_id": ["d"] * 3, "unit_id": [0, 1, 2],
                          "text": ["二要创建优质园区，", "要加快拆迁腾地；", "今天天气好。"]})
    labels = pd.DataFrame({"item_id": ["x", "y"], "doc": ["d", "other"],
                           "text": ["二要创建优质园区,要加快拆迁腾地;", "今天天气好。"],
                           "economic": [1, 0], "social": [0, 1]})
    tags = pt.coded_tags(labels, units, ["economic", "social"])
    assert tags[["unit_id", "theme", "evidence"]].values.tolist() == [[0, "economic", "x"], [1, "economic", "x"]]


def test_coded_tags_name_missing_columns():
    with pytest.raises(InputError, match="labels.*ecological"):
        pt.coded_tags(pd.DataFrame({"item_id": [], "doc": [], "text": []}),
                      pd.DataFrame({"doc_id": [], "unit_id": [], "text": []}), ["ecological"])


def test_primary_must_be_one_of_the_codes():
    import pandas as pd

    from policytext.errors import InputError
    from policytext.labels import primary_labels

    labels = pd.DataFrame({"item_id": ["f1"], "economic": [1], "social": [1], "cultural": [0]})
    with pytest.raises(InputError, match="item f1 is coded economic, social but its primary is 'cultural'"):
        primary_labels(labels, pd.DataFrame({"item_id": ["f1"], "primary": ["cultural"]}),
                       ["economic", "social", "cultural"])
    with pytest.raises(InputError, match="primary is 'missing'"):
        primary_labels(labels, pd.DataFrame({"item_id": ["f2"], "primary": ["social"]}),
                       ["economic", "social", "cultural"])
