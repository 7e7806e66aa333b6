"""Provenance: the versions of everything that shaped a result."""

from __future__ import annotations

import platform
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

__all__ = ["versions"]

PACKAGES = ["policytext", "pandas", "numpy", "matplotlib", "jieba", "snownlp", "scikit-learn",
            "networkx", "pyarrow", "opencc", "charset-normalizer", "pylopdf-fonts-zh-cn", "fonttools"]


def versions(*resources: str) -> pd.DataFrame:
    """A table of component -> version: Python, the packages above, and resource labels given.

    Example:
        >>> versions().iloc[0].tolist()[0]
        'python'
    """
    rows = [("python", platform.python_version()), *_package_versions()]
    rows.extend(("resource", label) for label in resources)
    return pd.DataFrame(rows, columns=["component", "version"])


@lru_cache(maxsize=1)
def _package_versions() -> tuple[tuple[str, str], ...]:
    """``(package, version)`` of PACKAGES, read once per process (installed packages do not change under it)."""
    return tuple((name, _version_or_none(name)) for name in PACKAGES)


def _version_or_none(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"
