"""Hand-labelled validation data: reading label files and measuring coder agreement.

Label files live in ``data/labels/``: CSV (UTF-8) whose first lines start with ``#``
and say who coded what, when and how; the rest is an ordinary CSV table.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pandas as pd

from .errors import InputError
from .schemas import TAGS, empty_table, require_columns

__all__ = ["read_labels", "coder_agreement", "coded_tags", "primary_labels"]


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


def coded_tags(labels: pd.DataFrame, units: pd.DataFrame, themes: list[str], *,
               codebook: str = "hand-coded") -> pd.DataFrame:
    """The hand codes of labelled sentences as a tags table of ``units``, to compare with a tagger.

    Labelled sentences and units may be cut differently (a label file splits at ；, the
    units split off run-in headings), so a unit gets the codes of every labelled sentence
    of its document that it contains or that contains it, after NFKC folding and removing
    punctuation and spaces. Units that no labelled sentence matches get no row.

    Args:
        labels: a label table with ``doc`` (the unit's doc_id), ``text`` and one 0/1
            column per theme id.
        units: a units table (doc_id, unit_id, text).
        themes: the theme columns of ``labels``, in codebook order.
        codebook: the value of the ``codebook`` column.

    Returns:
        A ``tags`` table (doc_id, unit_id, codebook, theme, subtheme "", score 1.0,
        evidence = the matched item_ids), one row per unit and coded theme.

    Example:
        >>> lab = pd.DataFrame({"item_id": ["a"], "doc": ["d"], "text": ["一要抓好维稳，压实信访责任。"],
        ...                     "social": [1], "economic": [0]})
        >>> u = pd.DataFrame({"doc_id": ["d", "d"], "unit_id": [0, 1], "text": ["一要抓好维稳，", "压实信访责任。"]})
        >>> coded_tags(lab, u, ["economic", "social"])[["unit_id", "theme"]].values.tolist()
        [[0, 'social'], [1, 'social']]
    """
    require_columns(labels, ("item_id", "doc", "text", *themes), "labels", "coded_tags")
    require_columns(units, ("doc_id", "unit_id", "text"), "units", "coded_tags")
    items = [(str(r["doc"]), _folded(r["text"]), r["item_id"], [t for t in themes if int(r[t]) == 1])
             for r in labels.to_dict("records")]
    rows = []
    for doc_id, unit_id, text in zip(units["doc_id"].astype(str), units["unit_id"], units["text"]):
        unit = _folded(text)
        matched = [(item_id, codes) for doc, item, item_id, codes in items
                   if doc == doc_id and unit and item and (unit in item or item in unit)]
        evidence = " ".join(item_id for item_id, _ in matched)
        coded = {t for _, codes in matched for t in codes}
        rows += [(doc_id, int(unit_id), codebook, t, "", 1.0, evidence) for t in themes if t in coded]
    table = pd.DataFrame(rows, columns=list(TAGS)) if rows else empty_table(TAGS)
    return table.astype(TAGS)


def primary_labels(labels: pd.DataFrame, primary: pd.DataFrame, themes: list[str]) -> pd.DataFrame:
    """Multi-label codes reduced to one theme per item: the coded primary theme.

    Args:
        labels: a label table with ``item_id`` and one 0/1 column per theme id.
        primary: ``item_id`` and ``primary`` (one of the item's coded themes) for the
            items coded with two or more themes, as in ``themes_five_in_one_primary.csv``.
        themes: the theme columns of ``labels``.

    Returns:
        A copy of ``labels`` in which every item of ``primary`` keeps only its primary
        theme; items with one or no theme are unchanged.

    Raises:
        InputError: a multi-theme item has no primary, or its primary is not one of its codes.

    Example:
        >>> lab = pd.DataFrame({"item_id": ["a", "b"], "economic": [1, 1], "social": [1, 0]})
        >>> primary_labels(lab, pd.DataFrame({"item_id": ["a"], "primary": ["social"]}),
        ...                ["economic", "social"])[["economic", "social"]].values.tolist()
        [[0, 1], [1, 0]]
    """
    require_columns(labels, ("item_id", *themes), "labels", "primary_labels")
    require_columns(primary, ("item_id", "primary"), "primary", "primary_labels")
    chosen = dict(zip(primary["item_id"].astype(str), primary["primary"].astype(str)))
    table = labels.copy()
    for i, item_id, codes in zip(table.index, table["item_id"].astype(str), table[themes].to_numpy()):
        coded = [t for t, c in zip(themes, codes) if int(c) == 1]
        if len(coded) < 2:
            continue
        if chosen.get(item_id) not in coded:
            raise InputError(f"primary_labels: item {item_id} is coded {', '.join(coded)} "
                             f"but its primary is {chosen.get(item_id, 'missing')!r}")
        table.loc[i, themes] = [int(t == chosen[item_id]) for t in themes]
    return table


def _folded(text: str) -> str:
    """NFKC-folded text without punctuation or spaces, for matching differently cut sentences."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", str(text)))

