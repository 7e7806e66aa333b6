"""Hand-labelled validation data: reading label files and measuring coder agreement.

Label files live in ``data/labels/``: CSV (UTF-8) whose first lines start with ``#``
and say who coded what, when and how; the rest is an ordinary CSV table.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .errors import InputError

__all__ = ["read_labels", "coder_agreement"]


def read_labels(path: str | Path) -> pd.DataFrame:
    """A label file as a table; its ``#`` header lines are kept in ``attrs["header"]``.

    ``item_id``, ``text`` and ``subtools`` are read as strings (empty, not NaN).

    Example:
        >>> labels = read_labels("data/labels/tone_sentences.csv")  # doctest: +SKIP
        >>> labels.attrs["header"][0][:20]  # doctest: +SKIP
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such labels file")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = [line[1:].strip() for line in lines if line.startswith("#")]
    body = "".join(line for line in lines if not line.startswith("#"))
    text_columns = {c: "str" for c in ("item_id", "text", "subtools", "label", "doc", "section")}
    try:
        table = pd.read_csv(io.StringIO(body), dtype=text_columns, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: not a readable CSV table ({exc})") from None
    if "item_id" in table.columns and table["item_id"].duplicated().any():
        raise InputError(f"{path}: item_id values must be unique; repeated: "
                         f"{sorted(set(table.loc[table['item_id'].duplicated(), 'item_id']))[:5]}")
    table.attrs["header"] = header
    table.attrs["source"] = path.name
    return table


def coder_agreement(first: pd.DataFrame, second: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Agreement of two coders on the items both coded, per column: raw share and Cohen's κ.

    Args:
        first, second: label tables with ``item_id`` and the ``columns`` (categorical or 0/1).
        columns: the coded columns to compare (e.g. ``["label"]`` or the theme ids).

    Returns:
        Columns column, n (items in both), agreement (share of equal codes), kappa
        (Cohen 1960: (p_o − p_e) / (1 − p_e); 1.0 when both coders used one same code).

    Example:
        >>> a = pd.DataFrame({"item_id": ["1", "2", "3", "4"], "label": ["x", "x", "y", "y"]})
        >>> b = pd.DataFrame({"item_id": ["1", "2", "3", "4"], "label": ["x", "y", "y", "y"]})
        >>> coder_agreement(a, b, ["label"]).round(3).values.tolist()
        [['label', 4, 0.75, 0.5]]
    """
    both = first.merge(second, on="item_id", suffixes=("_1", "_2"))
    rows = []
    for column in columns:
        one, two = both[f"{column}_1"].astype(str), both[f"{column}_2"].astype(str)
        observed = float((one == two).mean())
        codes = sorted(set(one) | set(two))
        expected = sum(float((one == c).mean()) * float((two == c).mean()) for c in codes)
        kappa = 1.0 if expected == 1 else (observed - expected) / (1 - expected)
        rows.append((column, len(both), observed, kappa))
    return pd.DataFrame(rows, columns=["column", "n", "agreement", "kappa"])
