"""Figures: a CJK font that ships with the install, a house style, deterministic files.

Importing this module registers Noto Sans SC (SIL Open Font Licence, from the PyPI package
``pylopdf-fonts-zh-cn``) with matplotlib and sets the house style, so Chinese renders on a
machine without system fonts. :func:`save_figure` writes SVG, PDF and PNG without
timestamps or random ids — the same figure gives the same bytes on every run — and records
each file in ``results/MANIFEST.csv``.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.resources
import io
import os
import tempfile
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager

from .errors import InputError

__all__ = ["cjk_font_path", "use_house_style", "save_figure", "save_table", "results_dir", "manifest",
           "bar_chart", "heatmap", "histogram", "line_chart", "PALETTE"]

FONT_FAMILY = "Noto Sans SC"
# Okabe & Ito (2008), colour-blind safe.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
FORMATS = ("svg", "pdf", "png")
_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    "png": {"Software": None},
}
MANIFEST_COLUMNS = ["file", "kind", "id", "notebook", "title", "sha256", "inputs", "policytext", "resources"]


def cjk_font_path() -> Path:
    """Path of the bundled Noto Sans SC font file."""
    return Path(str(importlib.resources.files("pylopdf_fonts_zh_cn") / "NotoSansSC-Regular.otf"))


def use_house_style() -> None:
    """Register the CJK font and set the house style (journal column width, Okabe–Ito colours)."""
    font_manager.fontManager.addfont(str(cjk_font_path()))
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [FONT_FAMILY, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "font.size": 9,
        "figure.figsize": (6.3, 3.9),  # two-column width at 160 mm; halve for one column
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "savefig.bbox": "tight",
        "svg.hashsalt": "policytext",
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
    })


use_house_style()


def results_dir(folder: str | Path | None = None) -> Path:
    """The results folder: ``folder``, else ``$POLICYTEXT_RESULTS``, else ``./results``."""
    return Path(folder or os.environ.get("POLICYTEXT_RESULTS") or "results")


def save_figure(fig, figure_id: str, *, title: str = "", notebook: str = "", inputs: str = "",
                resources: str = "", results: str | Path | None = None) -> list[Path]:
    """Write ``fig`` as SVG, PDF and PNG under ``results/figures`` and record it in the manifest.

    Args:
        fig: a matplotlib Figure.
        figure_id: file stem, e.g. ``"fig-04-themes-by-section"``.
        title, notebook, inputs, resources: provenance recorded in ``MANIFEST.csv``
            (``inputs``: sha256 of the input documents; ``resources``: dictionary/codebook versions).
        results: the results folder (see :func:`results_dir`).

    Returns:
        The written paths, in the order svg, pdf, png. Files are written atomically.
    """
    if not figure_id or "/" in figure_id:
        raise InputError(f"{figure_id!r}: a figure id is a plain file stem such as 'fig-01-parts'")
    folder = results_dir(results) / "figures"
    written = []
    for fmt in FORMATS:
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata=_METADATA[fmt])
        path = folder / f"{figure_id}.{fmt}"
        write_atomic(path, buffer.getvalue())
        _record(results, path, "figure", figure_id, notebook, title, inputs, resources)
        written.append(path)
    return written


def save_table(table, table_id: str, *, title: str = "", notebook: str = "", inputs: str = "",
               resources: str = "", results: str | Path | None = None) -> Path:
    """Write a DataFrame as ``results/tables/<table_id>.csv`` (UTF-8, LF) and record it."""
    path = results_dir(results) / "tables" / f"{table_id}.csv"
    write_atomic(path, table.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    _record(results, path, "table", table_id, notebook, title, inputs, resources)
    return path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _record(results, path: Path, kind, item_id, notebook, title, inputs, resources) -> None:
    from . import __version__

    root = results_dir(results)
    manifest = root / "MANIFEST.csv"
    rows = {}
    if manifest.is_file():
        with manifest.open(encoding="utf-8", newline="") as handle:
            rows = {row["file"]: row for row in csv.DictReader(handle)}
    name = path.relative_to(root).as_posix()
    rows[name] = {"file": name, "kind": kind, "id": item_id, "notebook": notebook, "title": title,
                  "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "inputs": inputs,
                  "policytext": __version__, "resources": resources}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows[key] for key in sorted(rows))
    write_atomic(manifest, out.getvalue().encode("utf-8"))


def manifest(results: str | Path | None = None, *, notebook: str | None = None):
    """The files recorded in ``MANIFEST.csv``, with their sha256 recomputed from disk.

    Returns:
        Columns file, kind, title, sha256 (of the bytes on disk now), matches (equal to the
        recorded hash) — for one notebook's files when ``notebook`` is given.
    """
    import pandas as pd

    root = results_dir(results)
    table = pd.read_csv(root / "MANIFEST.csv", dtype=str, keep_default_na=False)
    if notebook is not None:
        table = table.loc[table["notebook"] == notebook]
    now = [hashlib.sha256((root / name).read_bytes()).hexdigest() for name in table["file"]]
    table = table.assign(matches=[a == b for a, b in zip(now, table["sha256"])], sha256=now)
    return table[["file", "kind", "title", "sha256", "matches"]].reset_index(drop=True)


def bar_chart(table, *, label: str, value: str, title: str = "", xlabel: str = "", horizontal: bool = True):
    """A bar chart of ``table[value]`` by ``table[label]``, in table order (first on top).

    Returns:
        The matplotlib Figure (closed, so notebooks show it only when asked).
    """
    fig, ax = plt.subplots(figsize=(6.3, max(2.0, 0.22 * len(table) + 0.8)) if horizontal else None)
    if horizontal:
        ax.barh(table[label].astype(str)[::-1], table[value][::-1], color=PALETTE[0])
        ax.set_xlabel(xlabel or value)
    else:
        ax.bar(table[label].astype(str), table[value], color=PALETTE[0])
        ax.set_ylabel(xlabel or value)
    ax.set_title(title)
    plt.close(fig)
    return fig


def heatmap(table, *, rows: str, columns: str, values: str, title: str = "", fmt: str = "{:.0%}"):
    """A heatmap of ``values`` with ``rows`` × ``columns`` of a long table, cells annotated.

    Rows and columns keep their order of first appearance in ``table``; the colour map is
    cividis (perceptually uniform, readable in greyscale and by colour-blind readers).

    Returns:
        The matplotlib Figure (closed).
    """
    grid = table.pivot(index=rows, columns=columns, values=values)
    grid = grid.loc[list(dict.fromkeys(table[rows])), list(dict.fromkeys(table[columns]))]
    cells = grid.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(6.3, max(2.2, 0.45 * len(grid) + 1.2)))
    image = ax.imshow(cells, cmap="cividis", aspect="auto", vmin=0)
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns], rotation=30, ha="right")
    ax.set_yticks(range(grid.shape[0]), [str(r) for r in grid.index])
    peak = float(cells.max()) or 1.0
    for (i, j), value in np.ndenumerate(cells):
        ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=8,
                color="white" if value < 0.6 * peak else "black")
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_title(title)
    plt.close(fig)
    return fig


def histogram(values, *, bins=20, value_range=(0.0, 1.0), title: str = "", xlabel: str = ""):
    """A histogram of ``values`` with fixed bins over ``value_range`` (so runs compare).

    Returns:
        The matplotlib Figure (closed).
    """
    fig, ax = plt.subplots()
    ax.hist(list(values), bins=bins, range=value_range, color=PALETTE[0], edgecolor="white")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("units")
    ax.set_title(title)
    plt.close(fig)
    return fig


def line_chart(table, *, x: str, y: str, group: str, title: str = "", ylabel: str = ""):
    """One line per ``group`` of ``table[y]`` against ``table[x]`` (groups in first-seen order).

    Returns:
        The matplotlib Figure (closed).
    """
    fig, ax = plt.subplots()
    for name in dict.fromkeys(table[group]):
        rows = table[table[group] == name].sort_values(x, kind="mergesort")
        ax.plot(rows[x], rows[y], marker="o", markersize=3, linewidth=1.2, label=str(name))
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel or y)
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)
    plt.close(fig)
    return fig
