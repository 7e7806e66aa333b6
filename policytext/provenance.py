"""Provenance: the versions of everything that shaped a result."""

from __future__ import annotations

import platform
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
    rows = [("python", platform.python_version())]
    for name in PACKAGES:
        try:
            rows.append((name, version(name)))
        except PackageNotFoundError:
            rows.append((name, "not installed"))
    rows.extend(("resource", label) for label in resources)
    return pd.DataFrame(rows, columns=["component", "version"])
