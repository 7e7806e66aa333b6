"""Keywords, keyness, keyword-in-context, collocations and co-occurrence networks.

Tables in, tables (or a ``networkx.Graph``) out. Every function that counts words
leaves out stopwords (``is_stop``, when the tokens table has it) and tokens with no
letter, digit or CJK character (punctuation), so hand-made tables behave like
:func:`policytext.tokens` output.

Definitions, and where they come from:

* TF-IDF follows ``jieba.analyse.extract_tags``: ``tf = count / total`` within a group,
  ``idf`` from a reference table, the table's median for unseen words. The default table,
  ``resources/idf_national_gwr.txt``, is ``ln(N / df)`` over the 52 national government
  work reports (built by ``scripts/build_idf.py``); ``idf="jieba"`` uses jieba's own.
* TextRank follows ``jieba.analyse.TextRank``: words co-occurring within a span of 5
  words of one unit are linked (weight = times), scored by PageRank (damping 0.85).
* Keyness is the signed log-likelihood G² of quanteda's ``textstat_keyness(measure="lr")``
  with ``correction="none"``: no Yates and no Williams correction (the formula of Rayson
  & Garside 2000, over all four cells of the 2x2 table).
* Collocation and co-occurrence statistics use the contingency table of pair tokens or
  units; formulas are in each function's docstring.
"""

from __future__ import annotations

import importlib.util
import io
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol

import networkx as nx
import numpy as np
import pandas as pd

from . import _resources
from .errors import InputError, ResourceError, where
from .plotting import PALETTE, cjk_font_path, write_atomic
from .schemas import require_columns
from .segment import default_segmenter

__all__ = [
    "keywords",
    "keyness",
    "kwic",
    "collocations",
    "cooccurrence",
    "draw_network",
    "write_network",
    "wordcloud_figure",
    "term_rates",
]

_HAS_WORD = re.compile(r"\w")
_HAS_LETTER = re.compile(r"[^\W\d_]")  # a letter or CJK character: no pure numbers
COMMUNITY_COLOURS = tuple(c for c in PALETTE if c != "#000000")  # Okabe–Ito without black
_OTHER_COLOUR = "#BBBBBB"
_SHIPPED_IDF = {"national-gwr": "idf_national_gwr.txt"}
_KWIC_COLUMNS = ["doc_id", "unit_id", "path", "left", "match", "right", "start", "end",
                 "raw_start", "raw_end"]


class _Cutter(Protocol):
    def cut(self, text: str) -> list[str]: ...


# ---------------------------------------------------------------- shared helpers


def _content_mask(tokens: pd.DataFrame) -> np.ndarray:
    """True for rows that are content words: not ``is_stop``, containing a word character."""
    keep = tokens["word"].astype(str).str.contains(_HAS_WORD).to_numpy(dtype=bool)
    if "is_stop" in tokens.columns:
        keep = keep & ~tokens["is_stop"].fillna(False).to_numpy(dtype=bool)
    return keep


def _unit_words(tokens: pd.DataFrame) -> list[tuple[list[str], list[int]]]:
    """Content words of each unit with their ``pos_in_unit``, units sorted by key."""
    require_columns(tokens, ["doc_id", "unit_id", "pos_in_unit", "word"], "tokens", "collocations/cooccurrence")
    kept = tokens.loc[_content_mask(tokens), ["doc_id", "unit_id", "pos_in_unit", "word"]]
    kept = kept.sort_values(["doc_id", "unit_id", "pos_in_unit"], kind="mergesort")
    return [(g["word"].tolist(), g["pos_in_unit"].tolist())
            for _, g in kept.groupby(["doc_id", "unit_id"], sort=True)]


def _pairs(words: list[str], positions: list[int], window: int | None) -> Iterator[tuple[str, str]]:
    """Ordered pairs (earlier, later) at most ``window`` positions apart (None: any distance)."""
    for i, (first, at) in enumerate(zip(words, positions)):
        for second, other in zip(words[i + 1:], positions[i + 1:]):
            if window is not None and other - at > window:
                break
            yield first, second


def _g2(a: float, b: float, c: float, d: float) -> float:
    """Signed log-likelihood G² of the 2x2 table [[a, b], [c, d]].

    ``G² = 2 Σ O ln(O / E)`` over the four cells (``0 ln 0 = 0``), ``E`` from the
    margins; negative when ``a`` is below its expected value.
    """
    n = a + b + c + d
    rows, cols = (a + b, c + d), (a + c, b + d)
    cells = ((a, 0, 0), (b, 0, 1), (c, 1, 0), (d, 1, 1))
    g2 = max(0.0, 2 * sum(o * math.log(o * n / (rows[i] * cols[j])) for o, i, j in cells if o > 0))
    return g2 if a * n >= rows[0] * cols[0] else -g2


def _chi2_sf(x: float) -> float:
    """P(χ² with 1 df > |x|) = erfc(sqrt(|x| / 2)): exact, and the same bytes everywhere."""
    return math.erfc(math.sqrt(abs(x) / 2))


def _by_columns(by: str | Sequence[str] | None) -> list[str]:
    return [by] if isinstance(by, str) else list(by or [])


def _rank_key(item: tuple[str, float]) -> tuple[float, str]:
    """Sort key: score descending (rounded so float noise cannot reorder ties), then word."""
    return (-round(item[1], 12), item[0])


# ---------------------------------------------------------------- keywords


def keywords(units: pd.DataFrame, *, method: Literal["tfidf", "textrank"] = "tfidf",
             top: int | None = 20, by: str | Sequence[str] | None = None,
             segmenter: _Cutter | None = None, idf: str | os.PathLike = "national-gwr",
             pos: Sequence[str] | None = None) -> pd.DataFrame:
    """Top keywords of the units' text, overall or per group, by TF-IDF or TextRank.

    Candidates are words of at least two characters with a letter or CJK character,
    not stopwords (when the segmenter has ``is_stop``, as :class:`policytext.Segmenter`
    does) and, if ``pos`` is given, with one of those jieba POS tags.

    Args:
        units: a units table (needs ``text`` and the ``by`` columns).
        method: ``"tfidf"`` (tf within the group × idf) or ``"textrank"`` (PageRank over
            co-occurrence within a 5-word span, damping 0.85).
        top: keywords per group (``None``: all candidates).
        by: column(s) to rank within, e.g. ``"doc_id"`` or ``["doc_id", "part"]``;
            ``None`` ranks the whole table as one group.
        segmenter: anything with ``.cut(text) -> list[str]`` (default: ``Segmenter()``);
            ``pos`` needs a ``.tag(text)`` giving ``(word, tag, ...)`` tuples.
        idf: ``"national-gwr"`` (shipped: 52 national government work reports),
            ``"jieba"`` (jieba's idf.txt) or a path to a ``word idf`` file. TF-IDF only.
        pos: keep only words with these POS tags (e.g. ``("n", "vn", "ns")``).

    Returns:
        Columns ``[*by, word, score, rank]``: ``rank`` 1 is the best; ties in score are
        ordered by word. ``attrs`` records ``method`` and ``idf_source`` (the IDF file,
        version and sha256; ``"none"`` for TextRank).

    Example:
        >>> kw = keywords(units, method="tfidf", top=10, by="part")  # doctest: +SKIP
        >>> kw.attrs["idf_source"]  # doctest: +SKIP
        'idf_national_gwr.txt v1 sha256:...'
    """
    if method not in ("tfidf", "textrank"):
        raise InputError(f"<units>: keywords(method={method!r}): use 'tfidf' or 'textrank'")
    keys = _by_columns(by)
    require_columns(units, ["text", *keys], "units", "keywords")
    seg = segmenter if segmenter is not None else default_segmenter()
    table, median, source = _load_idf(str(idf)) if method == "tfidf" else ({}, 0.0, "none")
    groups = units.groupby(keys, sort=True, dropna=False)["text"] if keys else [((), units["text"])]
    rows = []
    for key, texts in groups:
        sentences = [_candidates(seg, t, pos) for t in texts if isinstance(t, str)]
        scores = (_tfidf(sentences, table, median) if method == "tfidf"
                  else _textrank(sentences))
        ranked = sorted(scores.items(), key=_rank_key)[:top]
        key = key if isinstance(key, tuple) else (key,)
        rows += [(*key, word, score, rank) for rank, (word, score) in enumerate(ranked, 1)]
    result = pd.DataFrame(rows, columns=[*keys, "word", "score", "rank"])
    result = result.astype({"word": "str", "score": "float64", "rank": "int64"})
    result.attrs.update(method=method, idf_source=source)
    return result


def _candidates(seg: _Cutter, text: str, pos: Sequence[str] | None) -> list[str | None]:
    """The words of ``text``; words that cannot be keywords become ``None`` (keeping positions)."""
    if pos is None:
        words = [(w, None) for w in seg.cut(text)]
    elif hasattr(seg, "tag"):
        words = [(t[0], t[1]) for t in seg.tag(text)]
    else:
        raise InputError(f"<segmenter>: keywords(pos=...) needs a segmenter with .tag(text); "
                         f"{type(seg).__name__} has only .cut")
    is_stop = getattr(seg, "is_stop", lambda w: False)
    return [w if len(w.strip()) >= 2 and _HAS_LETTER.search(w) and not is_stop(w)
            and (pos is None or tag in pos) else None for w, tag in words]


def _tfidf(sentences: list[list[str | None]], idf: Mapping[str, float],
           median: float) -> dict[str, float]:
    """word -> count / total × idf (the median idf for words not in the table)."""
    counts = Counter(w for words in sentences for w in words if w is not None)
    total = sum(counts.values())
    return {w: n / total * idf.get(w, median) for w, n in counts.items()}


def _textrank(sentences: list[list[str | None]], span: int = 5,
              damping: float = 0.85) -> dict[str, float]:
    """word -> PageRank in the graph linking candidates less than ``span`` words apart."""
    weights: Counter[tuple[str, str]] = Counter()
    for words in sentences:
        for i, first in enumerate(words):
            for second in words[i + 1:i + span]:
                if first is not None and second is not None and first != second:
                    weights[tuple(sorted((first, second)))] += 1
    graph = nx.Graph()
    graph.add_nodes_from(sorted({w for pair in weights for w in pair}))
    graph.add_weighted_edges_from(sorted((a, b, n) for (a, b), n in weights.items()))
    if not graph:
        return {}
    return nx.pagerank(graph, alpha=damping, tol=1e-12, max_iter=1000, weight="weight")


def _jieba_idf_path() -> Path:
    """jieba's idf.txt, found without importing jieba (its import warns and logs)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ResourceError("<jieba>: jieba is not installed, so idf='jieba' is unavailable")
    return Path(spec.submodule_search_locations[0]) / "analyse" / "idf.txt"


@lru_cache(maxsize=8)
def _load_idf(idf: str) -> tuple[dict[str, float], float, str]:
    """(word -> idf, median idf as jieba takes it, description) of an IDF table."""
    if idf in _SHIPPED_IDF:
        path = _resources.resource_file(_SHIPPED_IDF[idf])
    elif idf == "jieba":
        path = _jieba_idf_path()
    else:
        path = Path(idf)
    if not path.is_file():
        raise ResourceError(f"{path}: no such IDF file (shipped names: "
                            f"{', '.join([*_SHIPPED_IDF, 'jieba'])})")
    resource = _resources.read_resource(path)
    table = dict(_idf_entry(path, number, line) for number, line in resource.lines)
    if not table:
        raise ResourceError(f"{path}: the IDF file has no 'word idf' lines")
    values = sorted(table.values())
    label = (f"jieba analyse/idf.txt sha256:{resource.sha256[:12]}" if idf == "jieba"
             else resource.label)
    return table, values[len(values) // 2], label


def _idf_entry(path: Path, number: int, line: str) -> tuple[str, float]:
    """Parse one ``word idf`` line of an IDF file."""
    word, _, value = line.rpartition(" ")
    try:
        if word:
            return word, float(value)
    except ValueError:
        pass
    raise ResourceError(f"{where(path, number)}: expected 'word idf', got {line!r}")


# ---------------------------------------------------------------- keyness


def keyness(tokens: pd.DataFrame, *,
            target: Sequence[bool] | np.ndarray | pd.Series | Callable[[pd.DataFrame], object],
            min_count: int = 2) -> pd.DataFrame:
    """Words over- and under-used in a target part of the tokens compared with the rest.

    For each word, with ``a``/``b`` its counts in the target/reference and ``Nt``/``Nr``
    the content-word totals, the 2x2 table is ``[[a, b], [Nt - a, Nr - b]]``.

    * ``g2``: log-likelihood ``2 Σ O ln(O/E)`` over the four cells, without Yates or
      Williams correction: quanteda ``textstat_keyness(measure="lr", correction="none")``.
      (quanteda's docs name Williams' correction as the default for ``"lr"``; its code
      applies a Yates-type ±0.5 to cells of small tables instead. We apply neither.)
      Signed as in quanteda: negative when the word is relatively more frequent in
      the reference, so the top of the table is key in the target, the bottom in the
      reference.
    * ``p``: chi-square (1 df) upper tail of ``|g2|``.
    * ``log_ratio``: Hardie's (2014) effect size ``log2((a/Nt) / (b/Nr))``, a zero count
      replaced by 0.5 (Hardie's convention; non-zero counts are not changed).

    Args:
        tokens: a tokens table (needs ``word``; ``is_stop`` is honoured when present).
        target: a boolean mask with one value per tokens row (by position), or a
            callable taking the tokens table and returning one.
        min_count: keep words whose total count (target + reference) is at least this;
            totals ``Nt``/``Nr`` always count every content word.

    Returns:
        Columns ``word, count_target, count_reference, g2, p, log_ratio``, sorted by
        ``g2`` descending, then word.

    Example:
        >>> kn = keyness(tokens, target=tokens["doc_id"] == "2017")  # doctest: +SKIP
    """
    require_columns(tokens, ["word"], "tokens", "keyness")
    mask = _target_mask(tokens, target)
    keep = _content_mask(tokens)
    words, mask = tokens["word"].to_numpy()[keep], mask[keep]
    n_target, n_reference = int(mask.sum()), int((~mask).sum())
    if n_target == 0 or n_reference == 0:
        raise InputError(f"<tokens>: keyness target selects {n_target} of {n_target + n_reference} "
                         "content words; both target and reference need some")
    in_target, in_reference = Counter(words[mask]), Counter(words[~mask])
    rows = []
    for word in sorted(set(in_target) | set(in_reference)):
        a, b = in_target[word], in_reference[word]
        if a + b < min_count:
            continue
        g2 = _g2(a, b, n_target - a, n_reference - b)
        ratio = math.log2(((a or 0.5) / n_target) / ((b or 0.5) / n_reference))
        rows.append((word, a, b, g2, _chi2_sf(g2), ratio))
    columns = ["word", "count_target", "count_reference", "g2", "p", "log_ratio"]
    result = pd.DataFrame(rows, columns=columns).astype(
        {"word": "str", "count_target": "int64", "count_reference": "int64", "g2": "float64",
         "p": "float64", "log_ratio": "float64"})
    return result.sort_values(["g2", "word"], ascending=[False, True], kind="mergesort",
                              ignore_index=True)


def _target_mask(tokens: pd.DataFrame, target) -> np.ndarray:
    """The target as a numpy bool array, one value per tokens row."""
    mask = target(tokens) if callable(target) else target
    series = mask if isinstance(mask, pd.Series) else pd.Series(np.asarray(mask))
    if len(series) != len(tokens) or not pd.api.types.is_bool_dtype(series) or series.isna().any():
        raise InputError(f"<tokens>: keyness target must be a boolean mask with one value per "
                         f"tokens row ({len(tokens)}); got {len(series)} values of dtype "
                         f"{series.dtype}")
    return series.to_numpy(dtype=bool)


# ---------------------------------------------------------------- kwic


def kwic(units: pd.DataFrame, pattern: str | Sequence[str], *, window: int = 15,
         regex: bool = False) -> pd.DataFrame:
    """Keyword in context: every match of ``pattern`` in the units' text.

    Matching is on the normalised unit text, by characters (Chinese has no spaces);
    context stops at the unit's edges. Several words match longest first.

    Args:
        units: a units table (needs ``doc_id``, ``unit_id``, ``text``; ``path``, ``start``
            and ``end`` are used when present).
        pattern: a word, a list of words, or (with ``regex=True``) regular expression(s).
        window: characters of context on each side.
        regex: treat ``pattern`` as regular expression(s).

    Returns:
        Columns ``doc_id, unit_id, [path,] left, match, right, start, end, [raw_start,
        raw_end]`` in units order, then by ``start``. ``text[start:end] == match`` in the
        unit text; ``raw_start``/``raw_end`` are ``unit start + offset``, the span in the
        raw document, given where the unit text has its raw length (``end - start``;
        normalising punctuation width keeps it) and ``<NA>`` otherwise.

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d"], "unit_id": [0], "text": ["推行河湖长制。"]})
        >>> kwic(u, "河湖长制", window=2)[["left", "match", "right"]].values.tolist()
        [['推行', '河湖长制', '。']]
    """
    require_columns(units, ["doc_id", "unit_id", "text"], "units", "kwic")
    compiled = _compile(pattern, regex)
    has_path = "path" in units.columns
    has_raw = {"start", "end"} <= set(units.columns)
    blank = [None] * len(units)
    records = zip(units["doc_id"], units["unit_id"], units["text"],
                  units["path"] if has_path else blank,
                  units["start"] if has_raw else blank, units["end"] if has_raw else blank)
    rows = []
    for doc_id, unit_id, text, path, unit_start, unit_end in records:
        if not isinstance(text, str):
            continue
        exact = has_raw and unit_end - unit_start == len(text)
        for m in compiled.finditer(text):
            start, end = m.span()
            if start == end:
                continue
            rows.append({"doc_id": doc_id, "unit_id": unit_id, "path": path,
                         "left": text[max(0, start - window):start], "match": m.group(),
                         "right": text[end:end + window], "start": start, "end": end,
                         "raw_start": unit_start + start if exact else pd.NA,
                         "raw_end": unit_start + end if exact else pd.NA})
    columns = ["doc_id", "unit_id", *(["path"] if has_path else []), "left", "match", "right",
               "start", "end", *(["raw_start", "raw_end"] if has_raw else [])]
    dtypes = {"start": "int64", "end": "int64", "raw_start": "Int64", "raw_end": "Int64"}
    result = pd.DataFrame(rows, columns=_KWIC_COLUMNS)[columns]
    return result.astype({k: v for k, v in dtypes.items() if k in columns})


def _compile(pattern: str | Sequence[str], regex: bool) -> re.Pattern:
    """One compiled pattern for a word/regex or a list of them (words longest first)."""
    items = [pattern] if isinstance(pattern, str) else list(pattern)
    if not items or not all(isinstance(p, str) and p for p in items):
        raise InputError(f"<pattern>: kwic needs non-empty string pattern(s), got {pattern!r}")
    if not regex:
        items = [re.escape(p) for p in sorted(set(items), key=lambda p: (-len(p), p))]
    try:
        return re.compile("|".join(f"(?:{p})" for p in items))
    except re.error as exc:
        raise InputError(f"<pattern>: {pattern!r} is not a valid regular expression: "
                         f"{exc}") from None


# ---------------------------------------------------------------- collocations


def collocations(tokens: pd.DataFrame, *, window: int = 1, min_count: int = 2,
                 measure: Literal["g2", "pmi", "t_score", "count"] = "g2") -> pd.DataFrame:
    """Word pairs that occur together more often than chance, within a unit.

    A pair token is an ordered pair (``word1`` before ``word2``) of content words in
    the same unit at most ``window`` positions apart (``pos_in_unit``; dropped
    stopwords keep their place, so ``window=1`` means truly adjacent). Over all
    ``N`` pair tokens, with ``O`` the pair's count, ``R`` the pair tokens with
    ``word1`` first and ``C`` those with ``word2`` second: ``E = R·C / N``,
    ``pmi = log2(O / E)``, ``t_score = (O - E) / sqrt(O)``, and ``g2`` the signed
    log-likelihood of the table ``[[O, R - O], [C - O, N - R - C + O]]``.

    Args:
        tokens: a tokens table (needs ``doc_id``, ``unit_id``, ``pos_in_unit``, ``word``).
        window: largest distance in positions (1: adjacent words only).
        min_count: keep pairs seen at least this often.
        measure: the column to sort by (descending; then word1, word2).

    Returns:
        Columns ``word1, word2, count, expected, pmi, t_score, g2``.

    Example:
        >>> colloc = collocations(tokens, window=1, min_count=3)  # doctest: +SKIP
    """
    if measure not in ("g2", "pmi", "t_score", "count"):
        raise InputError(f"<tokens>: collocations(measure={measure!r}): "
                         "use g2, pmi, t_score or count")
    pairs = Counter(p for words, positions in _unit_words(tokens)
                    for p in _pairs(words, positions, window))
    n = sum(pairs.values())
    firsts, seconds = Counter(), Counter()
    for (first, second), count in pairs.items():
        firsts[first] += count
        seconds[second] += count
    rows = []
    for (first, second), o in pairs.items():
        if o >= min_count:
            r, c = firsts[first], seconds[second]
            e = r * c / n
            rows.append((first, second, o, e, math.log2(o / e), (o - e) / math.sqrt(o),
                         _g2(o, r - o, c - o, n - r - c + o)))
    columns = ["word1", "word2", "count", "expected", "pmi", "t_score", "g2"]
    result = pd.DataFrame(rows, columns=columns).astype(
        {"word1": "str", "word2": "str", "count": "int64", "expected": "float64",
         "pmi": "float64", "t_score": "float64", "g2": "float64"})
    return result.sort_values([measure, "word1", "word2"], ascending=[False, True, True],
                              kind="mergesort", ignore_index=True)


# ---------------------------------------------------------------- co-occurrence networks


def cooccurrence(tokens: pd.DataFrame, *, window: int | None = None, min_count: int = 2,
                 top: int | None = None,
                 measure: Literal["count", "jaccard", "dice", "pmi"] = "count",
                 seed: int = 0, min_length: int = 2) -> nx.Graph:
    """The network of content words co-occurring in a unit (sentence), KH Coder style.

    Counts are of units: ``n_a`` units contain word a, ``n_ab`` contain a and b (within
    ``window`` positions of each other, if given), of ``N`` units with content words.
    Edge weights: ``count`` = n_ab; ``jaccard`` = n_ab / (n_a + n_b - n_ab);
    ``dice`` = 2 n_ab / (n_a + n_b); ``pmi`` = log2(n_ab N / (n_a n_b)) — with pmi,
    edges with pmi ≤ 0 (no more than chance) are dropped.

    Args:
        tokens: a tokens table (needs ``doc_id``, ``unit_id``, ``pos_in_unit``, ``word``).
        window: ``None`` for the whole unit, or the largest distance in positions.
        min_count: keep edges with n_ab at least this.
        top: keep only the ``top`` strongest edges (weight, then n_ab, descending; then words).
        measure: the edge weight (see above).
        seed: seed of Louvain community detection.
        min_length: shortest word taken, in characters (default 2, as in
            :func:`policytext.frequencies`); numbers are never taken.

    Returns:
        ``networkx.Graph``: nodes (words, sorted) with ``count`` (n_a) and ``community``
        (0 = largest community; Louvain on ``weight``); edges (sorted) with ``weight``
        and ``count`` (n_ab). ``G.graph`` records measure, window (``"unit"`` for None),
        min_count, seed and top (when given).

    Example:
        >>> G = cooccurrence(tokens, min_count=3, top=60, measure="jaccard")  # doctest: +SKIP
    """
    if measure not in ("count", "jaccard", "dice", "pmi"):
        raise InputError(f"<tokens>: cooccurrence(measure={measure!r}): "
                         "use count, jaccard, dice or pmi")
    units = [_long_words(words, positions, min_length) for words, positions in _unit_words(tokens)]
    n_units, n_word, n_pair = len(units), Counter(), Counter()
    for words, positions in units:
        n_word.update(set(words))
        n_pair.update({tuple(sorted(p)) for p in _pairs(words, positions, window) if p[0] != p[1]})
    edges = [(a, b, n, _association(measure, n, n_word[a], n_word[b], n_units))
             for (a, b), n in n_pair.items() if n >= min_count]
    edges = sorted((e for e in edges if measure != "pmi" or e[3] > 0),
                   key=lambda e: (-e[3], -e[2], e[0], e[1]))[:top]
    graph = nx.Graph(measure=measure, window="unit" if window is None else window,
                     min_count=min_count, seed=seed, **({} if top is None else {"top": top}))
    words = sorted({w for e in edges for w in e[:2]})
    graph.add_nodes_from((w, {"count": n_word[w]}) for w in words)
    graph.add_edges_from((a, b, {"weight": weight, "count": n})
                         for a, b, n, weight in sorted(edges))
    _label_communities(graph, seed)
    return graph


def _long_words(words: list[str], positions: list[int], min_length: int) -> tuple[list[str], list[int]]:
    """The words (and their positions) of at least ``min_length`` characters with a letter."""
    kept = [(w, p) for w, p in zip(words, positions) if len(w) >= min_length and _HAS_LETTER.search(w)]
    return [w for w, _ in kept], [p for _, p in kept]


def _association(measure: str, n_ab: int, n_a: int, n_b: int, n: int) -> float:
    """Edge weight of a pair seen in n_ab of n units (n_a, n_b: units with each word)."""
    if measure == "count":
        return float(n_ab)
    if measure == "jaccard":
        return n_ab / (n_a + n_b - n_ab)
    if measure == "dice":
        return 2 * n_ab / (n_a + n_b)
    return math.log2(n_ab * n / (n_a * n_b))


def _label_communities(graph: nx.Graph, seed: int) -> None:
    """Set node attribute ``community``: Louvain groups numbered by size, then first word."""
    groups = nx.community.louvain_communities(graph, weight="weight", seed=seed) if graph else []
    for number, members in enumerate(sorted(groups, key=lambda g: (-len(g), min(g)))):
        for word in members:
            graph.nodes[word]["community"] = number


def draw_network(graph: nx.Graph, *, ax=None, seed: int = 0, label_size: float = 10):
    """Draw a co-occurrence network: seeded spring layout, sized by count, coloured by community.

    Each connected component is laid out on its own (seeded spring layout) and the
    components are packed largest first, so small ones do not crowd the edges. Labels
    have a white halo so they stay legible over nodes and edges, in matplotlib's
    configured font (:mod:`policytext.plotting` sets a CJK one). Colours are the house
    Okabe–Ito colour-blind-safe palette (``plotting.PALETTE`` without black) in
    community order; communities beyond the seventh are grey.

    Args:
        graph: from :func:`cooccurrence` (node ``count`` and ``community``, edge ``weight``).
        ax: a matplotlib Axes to draw on (default: a new 8x8 inch figure).
        seed: spring layout seed: the same seed gives the same picture.
        label_size: label font size in points.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = draw_network(cooccurrence(tokens, top=60))  # doctest: +SKIP
    """
    import matplotlib as mpl
    from matplotlib import patheffects
    from matplotlib.figure import Figure

    if ax is None:
        ax = Figure(figsize=(8, 8)).add_subplot()
    ax.set_axis_off()
    if not graph:
        return ax.figure
    positions = _packed_layout(graph, seed)
    counts = np.array([graph.nodes[w].get("count", 1) for w in graph], dtype=float)
    weights = np.array([d.get("weight", 1.0) for _, _, d in graph.edges(data=True)], dtype=float)
    others = len(COMMUNITY_COLOURS)
    colours = [COMMUNITY_COLOURS[c] if c < others else _OTHER_COLOUR
               for c in (graph.nodes[w].get("community", others) for w in graph)]
    nx.draw_networkx_edges(graph, positions, ax=ax, edge_color="#999999", alpha=0.6,
                           width=0.5 + 3.5 * weights / weights.max() if len(weights) else 1.0)
    nx.draw_networkx_nodes(graph, positions, ax=ax, node_color=colours, linewidths=0.5,
                           edgecolors="#333333", node_size=100 + 900 * counts / counts.max())
    labels = nx.draw_networkx_labels(graph, positions, ax=ax, font_size=label_size,
                                     font_family=mpl.rcParams["font.family"])
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for label in labels.values():
        label.set_path_effects(halo)
    return ax.figure


def _packed_layout(graph: nx.Graph, seed: int) -> dict[str, np.ndarray]:
    """Spring layout of each connected component, the components packed in rows.

    A plain spring layout throws small components to the corners and squeezes the big
    one; here each component gets a square of side ``sqrt(nodes)``, largest first.
    """
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    row_width = 1.2 * math.sqrt(len(graph))
    positions, x, y, row_height = {}, 0.0, 0.0, 0.0
    for component in components:
        side = math.sqrt(len(component))
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        sub = _ordered_subgraph(graph, component)
        centre = np.array([x + side / 2, y - side / 2])
        # Unweighted, with twice networkx's default spacing: strong hubs would otherwise
        # pull their neighbours into one unreadable knot of labels.
        layout = nx.spring_layout(sub, seed=seed, weight=None, k=2 / math.sqrt(len(sub)),
                                  iterations=200, scale=0.4 * side,
                                  center=centre) if len(sub) > 1 else {min(component): centre}
        positions.update(layout)
        x, row_height = x + side, max(row_height, side)
    return positions


def _ordered_subgraph(graph: nx.Graph, nodes) -> nx.Graph:
    """The subgraph on ``nodes`` with nodes and edges in sorted order.

    ``graph.subgraph`` iterates its node set in hash order, which changes with
    PYTHONHASHSEED and would move the seeded layout from run to run.
    """
    sub = nx.Graph()
    sub.add_nodes_from(sorted(nodes))
    sub.add_edges_from(sorted(tuple(sorted(edge)) for edge in graph.subgraph(nodes).edges()))
    return sub


def write_network(graph: nx.Graph, path: str | os.PathLike) -> Path:
    """Write a graph for Gephi: GEXF (``.gexf``) or GraphML (``.graphml``), atomically.

    The file is written to a temporary file beside ``path`` and renamed, so an
    interrupted run leaves no half-written file; missing folders are created. GEXF files
    carry no date, so the same graph gives the same bytes.

    Args:
        graph: a networkx graph (attribute values must be str, int, float or bool).
        path: the output file; its suffix picks the format.

    Returns:
        The path written.

    Example:
        >>> write_network(G, "results/tables/tab-03-network.gexf")  # doctest: +SKIP
    """
    path = Path(path)
    writers = {".gexf": _write_gexf, ".graphml": nx.write_graphml}
    if path.suffix.lower() not in writers:
        raise InputError(f"{path}: write_network writes .gexf or .graphml, not {path.suffix!r}")
    buffer = io.BytesIO()
    writers[path.suffix.lower()](graph, buffer)
    write_atomic(path, buffer.getvalue())
    return path


def _write_gexf(graph: nx.Graph, handle) -> None:
    """networkx's GEXF writer without the ``lastmodifieddate`` (today's date) attribute."""
    writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph(graph)
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    writer.write(handle)


# ---------------------------------------------------------------- word cloud


def wordcloud_figure(freq: pd.DataFrame | Mapping[str, float], *, seed: int = 0,
                     font_path: str | os.PathLike | None = None, max_words: int = 200,
                     width: int = 1200, height: int = 800):
    """A word cloud of word frequencies, drawn with the ``wordcloud`` package.

    Words are laid out horizontally (CJK read badly rotated), largest first; ties in
    frequency go in word order, and the layout is seeded, so the image is the same
    on every run.

    Args:
        freq: a table with ``word`` and ``count`` (e.g. :func:`policytext.frequencies`)
            or a mapping word -> weight.
        seed: the layout and colour seed.
        font_path: a font with CJK glyphs (default: the bundled Noto Sans SC,
            ``policytext.plotting.cjk_font_path()``).
        max_words: words drawn at most.
        width: image width in pixels.
        height: image height in pixels.

    Returns:
        A matplotlib Figure showing the cloud (``width/100`` x ``height/100`` inches at 100 dpi).

    Example:
        >>> fig = wordcloud_figure(frequencies(tokens), seed=1)  # doctest: +SKIP
    """
    from matplotlib.figure import Figure
    from wordcloud import WordCloud

    items = _frequency_items(freq)
    font = Path(font_path) if font_path is not None else cjk_font_path()
    if not font.is_file():
        raise ResourceError(f"{font}: no such font file for the word cloud")
    cloud = WordCloud(font_path=str(font), width=width, height=height, max_words=max_words,
                      background_color="white", prefer_horizontal=1.0, random_state=seed)
    cloud.generate_from_frequencies(dict(items))
    figure = Figure(figsize=(width / 100, height / 100), dpi=100)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.imshow(cloud.to_array(), interpolation="nearest")
    ax.set_axis_off()
    return figure


def _frequency_items(freq: pd.DataFrame | Mapping[str, float]) -> list[tuple[str, float]]:
    """(word, weight) pairs with weight > 0, by weight descending, then word."""
    if isinstance(freq, pd.DataFrame):
        require_columns(freq, ["word", "count"], "freq", "wordcloud_figure")
        pairs = zip(freq["word"], freq["count"])
    else:
        pairs = freq.items()
    items = sorted(((str(w), float(n)) for w, n in pairs if n > 0), key=_rank_key)
    if not items:
        raise InputError("<freq>: the word cloud needs at least one word with a positive count")
    return items



def term_rates(units: pd.DataFrame, terms: Sequence[str], *, by: str | Sequence[str] = "doc_id",
               per: int = 10_000) -> pd.DataFrame:
    """How often each term occurs per ``per`` characters of text, per group of units.

    Occurrences are counted in the normalised unit text (overlapping matches of one term
    are not double-counted: ``str.count``), so a term is found whatever the segmentation.

    Returns:
        Columns ``[*by, term, count, characters, rate]`` — every term in every group, groups
        in order of first appearance.

    Example:
        >>> u = pd.DataFrame({"doc_id": ["a", "a"], "text": ["生态文明建设。", "建设生态文明。"]})
        >>> term_rates(u, ["生态文明"], per=100)[["count", "characters", "rate"]].values.tolist()
        [[2.0, 14.0, 14.285714285714286]]
    """
    keys = [by] if isinstance(by, str) else list(by)
    require_columns(units, ["text", *keys], "units", "term_rates")
    rows = []
    for key, group in units.groupby(keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        characters = int(group["text"].str.len().sum())
        for term in terms:
            count = int(group["text"].str.count(re.escape(term)).sum())
            rows.append((*key, term, count, characters, per * count / characters if characters else 0.0))
    table = pd.DataFrame(rows, columns=[*keys, "term", "count", "characters", "rate"])
    return table.astype({"count": "float64", "characters": "float64"})
