"""Validation of the shipped policy tone model on the held-back test split.

Nothing is retrained here: the shipped model (policytext/resources/tone_model.json) scores
the held-back split of data/labels/tone_sentences.csv (recorded in tone_split.csv), and the
snownlp baseline scores the same sentences with its cut points tuned on the train split.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from policytext import sentiment

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "data" / "labels" / "tone_sentences.csv"
SPLIT = ROOT / "data" / "labels" / "tone_split.csv"

# Held-back macro-F1 reached when the model was trained (0.883, scripts/train_tone.py), rounded
# down to 2 dp; the issue's target is 0.80.
POLICY_MACRO_F1_FLOOR = 0.88
ISSUE_TARGET = 0.80
MIN_MARGIN_OVER_SNOWNLP = 0.20


@pytest.fixture(scope="module")
def record():
    return sentiment.shipped_model()[1]


@pytest.fixture(scope="module")
def labels():
    return sentiment.read_tone_labels(LABELS, SPLIT)


@pytest.fixture(scope="module")
def policy(labels):
    return sentiment.tone_validation(labels, method="policy")


def test_model_was_trained_on_the_current_labels(record):
    digest = hashlib.sha256(LABELS.read_bytes()).hexdigest()
    assert record["training_data"]["sha256"] == digest
    assert f"# labels_sha256: {digest}" in SPLIT.read_text(encoding="utf-8")


def test_split_is_the_recorded_one(record, labels):
    assert (labels["split"] == "train").sum() == record["training_data"]["n_train"]
    assert (labels["split"] == "test").sum() == record["evaluation"]["n"] > 100
    assert set(labels["split"]) == {"train", "test"}


def test_policy_model_reaches_its_held_back_macro_f1(record, policy):
    macro_f1 = policy.attrs["macro_f1"]
    assert macro_f1 == pytest.approx(record["evaluation"]["policy"]["macro_f1"], abs=1e-9)
    assert macro_f1 >= max(POLICY_MACRO_F1_FLOOR, ISSUE_TARGET)


def test_policy_model_beats_snownlp_widely(labels, policy):
    baseline = sentiment.tone_validation(labels, method="snownlp")
    assert policy.attrs["macro_f1"] - baseline.attrs["macro_f1"] >= MIN_MARGIN_OVER_SNOWNLP
    assert policy.attrs["accuracy"] > baseline.attrs["accuracy"]


def test_every_label_is_recovered(policy):
    per_label = policy.set_index("label")
    assert (per_label.loc[list(sentiment.TONE_LABELS), "f1"] > 0.5).all()
