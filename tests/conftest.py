"""Shared fixtures: the reference document and one segmenter per test session."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import policytext as pt

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str, env: dict[str, str] | None = None) -> str:
    """Run ``code`` in a fresh interpreter from the project root, with ``env`` added to the
    environment; its stdout (fails the test on an error)."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return result.stdout
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
