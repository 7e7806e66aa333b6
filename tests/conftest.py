"""Shared fixtures: the reference document and one segmenter per test session."""

from pathlib import Path

import pytest

import policytext as pt

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "raw" / "qianjiang-quzhen-2017-work-report-excerpt.txt"
NATIONAL = ROOT / "data" / "external" / "national-gwr" / "government_work_reports.jsonl"


@pytest.fixture(scope="session")
def reference_docs():
    return pt.load_document(REFERENCE)


@pytest.fixture(scope="session")
def reference_units(reference_docs):
    return pt.units(reference_docs)


@pytest.fixture(scope="session")
def segmenter():
    return pt.Segmenter()


@pytest.fixture(scope="session")
def national():
    return pt.load_corpus(NATIONAL)
