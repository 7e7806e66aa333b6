"""Fast, exact re-implementation of ``SnowNLP(text).sentiments`` (snownlp 0.12.3).

snownlp scores a text in three steps, all re-done here with the same model
files and the same floating-point arithmetic, so results are bit-identical:

1. Segmentation (``snownlp.seg.seg``): the text is split into runs of CJK
   characters (U+4E00..U+9FA5) and the rest. Non-CJK parts are split on
   whitespace. Each CJK run is tagged b/m/e/s (begin, middle, end, single) by
   the second-order hidden Markov model ``CharacterBasedGenerativeModel``
   (``seg/seg.marshal.3``) and the tags are joined into words.
2. Filtering (``snownlp.normal.filter_stop``): words in snownlp's
   ``normal/stopwords.txt`` are dropped.
3. Naive Bayes (``snownlp.classification.bayes.Bayes.classify``) with the
   add-one counts of ``sentiment/sentiment.marshal.3``.

Why it is fast (about 25x on one core, ``benchmarks/snownlp_speed.py``):
snownlp evaluates ``log_prob`` 64 times per character, each time with six
look-ups of nested-tuple keys in dictionaries of up to a million entries, and
copies whole tag paths at every step. Here the bigram and trigram counts are
regrouped by character n-gram once, at load; the ``uni + bi`` terms of the
new character bigrams of a batch and the few non-zero trigram terms of its
new character trigrams are computed together with numpy and cached; the
Viterbi search runs on all distinct runs of a call at once, one character
position per numpy step, with back-pointers; segmented runs and per-word
log-frequencies are cached; the model files are read once per process, on
first use.

Exactness: every log-probability is computed by ``math.log`` on the same
floating-point expression, in the same order, as ``log_prob`` (numpy only
multiplies, divides, adds, compares and copies float64 values, each operation
rounded as Python rounds it); path scores are the same sums; ties are broken as
snownlp breaks them (``numpy.argmax`` keeps the first maximum, as snownlp's
strict ``>`` update and ``max`` do). A trigram count is looked up only when
both its bigrams have counts: training counts a trigram only together with
its two bigrams, which ``tests/test_snownlp_fast.py`` checks over the whole
shipped model.

The model files are read from the installed snownlp package (located with
``importlib.util.find_spec``, which does not run snownlp's slow ``__init__``),
in snownlp's own format: gzip-compressed ``marshal`` dumps. Nothing is copied
into policytext; the regrouped segmentation tables are kept in the policytext
cache folder, named after the model file's sha256, so that a new process (a
corpus worker) loads in about a second instead of several.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import importlib.util
import marshal
import re
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import chain
from math import exp, log
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np

from policytext._resources import cache_dir, cached
from policytext.errors import InputError, ModelError

__all__ = ["snownlp_sentiments"]

# snownlp.seg.re_zh: runs of CJK unified ideographs, kept by ``split``.
_ZH_RUN = re.compile("([\u4e00-\u9fa5]+)")
# CharacterBasedGenerativeModel.status, in snownlp's iteration order.
_TAGS = ("b", "m", "e", "s")
_B, _M, _E, _S = range(4)
# The begin-of-sentence pseudo character and its only tag (index 0).
_BOS = ("", "BOS")
_TAG_INDEX = {"b": _B, "m": _M, "e": _E, "s": _S, "BOS": 0}
_NEG_INF = float("-inf")
# Beyond these sizes a cache is emptied (results never depend on the caches).
_MAX_CACHED = 200_000
# Characters per numpy Viterbi batch (bounds memory: 512 bytes per character).
_BATCH_CHARS = 50_000


def snownlp_sentiments(texts: Iterable[str]) -> list[float]:
    """Score texts exactly as ``SnowNLP(text).sentiments`` does, only faster.

    The snownlp model is read on the first call (a few seconds) and kept for
    the life of the process.

    Args:
        texts: Any iterable of strings (sentences, paragraphs or documents).

    Returns:
        One float per text in ``[0, 1]``, the probability of "positive";
        equal, bit for bit, to ``snownlp.SnowNLP(text).sentiments``. For ""
        (where ``SnowNLP("")`` raises ``ZeroDivisionError`` in its BM25
        index) it is the value that property computes,
        ``snownlp.sentiment.classify("")``.

    Raises:
        InputError: An item of ``texts`` is not a ``str``.
        ModelError: snownlp is not installed or its model files are unreadable.

    Example:
        >>> [round(x, 4) for x in snownlp_sentiments(["经济持续健康发展", ""])]
        [0.9593, 0.5262]
    """
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"texts[{i}]: expected str, got {type(text).__name__}")
    model = _model()
    with _gc_paused():
        return model.sentiments(texts)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (the code inside makes no cycles).

    The caches grow by many small containers; the collections they would
    trigger would cost a large share of the time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@lru_cache(maxsize=1)
def _model() -> _SentimentModel:
    """Load snownlp's segmentation and sentiment models once per process."""
    root = _snownlp_dir()
    seg_path = root / "seg" / "seg.marshal.3"
    bayes_path = root / "sentiment" / "sentiment.marshal.3"
    stop_path = root / "normal" / "stopwords.txt"
    segmenter = _Segmenter(_segmenter_tables(seg_path))
    try:
        # snownlp iterates codecs.open(...) lines, which splits like str.splitlines.
        stop = frozenset(line.strip() for line in stop_path.read_text("utf-8").splitlines())
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{stop_path}: cannot read snownlp's stopword list ({exc})") from exc
    model = _SentimentModel(segmenter, _read_marshal(bayes_path), bayes_path, stop)
    # One full collection now lets CPython stop tracking the million count-key
    # tuples (they hold only strings), so later collections do not rescan them.
    gc.collect()
    return model


def _snownlp_dir() -> Path:
    """Return the installed snownlp package folder without importing snownlp."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("snownlp: package not installed; install snownlp==0.12.3")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_marshal(path: Path) -> dict:
    """Read a gzip-compressed marshal dump the way snownlp's ``load`` methods do."""
    try:
        with _gc_paused():  # millions of new tuples
            model = marshal.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError, TypeError, zlib.error) as exc:
        raise ModelError(f"{path}: cannot read snownlp model file ({exc})") from exc
    if not isinstance(model, dict):
        raise ModelError(f"{path}: expected a marshalled dict, found {type(model).__name__}")
    return model


def _bigram_index(bi: dict, path: Path) -> dict[str, tuple[int, ...]]:
    """Group bigram counts by characters: ``{b + c: (j, count, j, count, ...)}``.

    ``j = t2 * 4 + t3``. The BOS character is "", so the bigrams of BOS
    are under keys "" (BOS BOS) and "c" (BOS c).
    """
    slots = {(t2, t3): i2 * 4 + i3 for t2, i2 in _TAG_INDEX.items() for t3, i3 in _TAG_INDEX.items()}
    index: dict[str, tuple[int, ...]] = {}
    get = index.get
    try:
        for (k2, k3), n in bi.items():
            key = k2[0] + k3[0]
            # Tuples, not lists: the garbage collector stops tracking them.
            index[key] = get(key, ()) + (slots[k2[1], k3[1]], n)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path}: malformed bigram key in 'bi' ({exc!r})") from exc
    return index


def _trigram_index(tri: dict, path: Path) -> dict[str, tuple[int, ...]]:
    """Group trigram counts by characters: ``{a + b + c: (i, count, i, count, ...)}``.

    ``i = t1 * 16 + t2 * 4 + t3``; keys of BOS positions are shorter, as in
    :func:`_bigram_index`.
    """
    tags = _TAG_INDEX
    index: dict[str, tuple[int, ...]] = {}
    get = index.get
    try:
        for (k1, k2, k3), n in tri.items():
            key = k1[0] + k2[0] + k3[0]
            index[key] = get(key, ()) + (tags[k1[1]] * 16 + tags[k2[1]] * 4 + tags[k3[1]], n)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path}: malformed trigram key in 'tri' ({exc!r})") from exc
    return index


class _CharInfo(NamedTuple):
    """What ``log_prob`` needs of one position's character ("" is BOS).

    Four entries per field, one per tag; BOS has one tag (index 0): its
    ``counts`` and ``terms`` are padded with zeros, its ``logs`` repeated.
    """

    counts: tuple[int, ...]  # uni counts per tag
    terms: tuple[float, ...]  # l1 * uni.freq((char, tag))
    logs: tuple[float, ...]  # log of terms (-inf for 0)


def _table(model: dict, name: str, path: Path) -> dict:
    """Return one of a model's frequency tables (a ``BaseProb.__dict__``)."""
    table = model.get(name)
    if not isinstance(table, dict) or not {"d", "total"} <= table.keys():
        raise ModelError(f"{path}: model has no frequency table {name!r}")
    return table


def _split_key(key: str, n: int) -> tuple[str, ...]:
    """The ``n`` characters of an n-gram key; a shorter key starts with BOS ("")."""
    return ("", "", *key)[-n:]


def _flat_entries(index: dict[str, tuple[int, ...]], keys: list[str]) -> tuple[np.ndarray, ...]:
    """``(owner, slot, count)`` arrays of the index entries of ``keys`` (owner = position in keys)."""
    entries = [index.get(key, ()) for key in keys]
    sizes = np.fromiter(map(len, entries), dtype=np.intp, count=len(entries)) // 2
    flat = np.fromiter(chain.from_iterable(entries), dtype=np.int64, count=2 * int(sizes.sum()))
    return np.repeat(np.arange(len(keys)), sizes), flat[0::2], flat[1::2]


def _logs_of(values: np.ndarray) -> list[float]:
    """``math.log`` of each value (-inf for 0), as ``log_prob`` computes it."""
    return [log(x) if x != 0 else _NEG_INF for x in values.tolist()]


class _Tables(NamedTuple):
    """snownlp's segmentation model (``seg.marshal.3``) regrouped for :class:`_Segmenter`."""

    weights: tuple[float, float, float]  # l1, l2, l3
    uni_total: int
    bos_count: int  # uni count of the begin-of-sentence symbol
    chars: dict[str, tuple[int, ...]]  # (b, m, e, s) uni counts of every character seen in training
    bigrams: dict[str, tuple[int, ...]]  # see _bigram_index
    trigrams: dict[str, tuple[int, ...]]  # see _trigram_index


# Bump when _Tables or the functions that build it change: the name of the cache file.
_TABLES_FORMAT = 1


def _segmenter_tables(path: Path) -> _Tables:
    """The regrouped tables of the model file at ``path``.

    Reading and regrouping take several seconds, so the result is kept in the policytext
    cache folder under the sha256 of the model file and read from there next time.
    """
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError as exc:
        raise ModelError(f"{path}: cannot read snownlp model file ({exc})") from exc
    name = f"snownlp-seg-{digest}-v{_TABLES_FORMAT}.pickle"
    with _gc_paused():  # millions of new tuples
        return cached(cache_dir() / name, lambda: _build_tables(_read_marshal(path), path))


def _build_tables(model: dict, path: Path) -> _Tables:
    """Check snownlp's segmentation model and regroup its counts by characters."""
    try:
        weights = (float(model["l1"]), float(model["l2"]), float(model["l3"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path}: model has no interpolation weights l1, l2, l3") from exc
    if tuple(model.get("status", ())) != _TAGS:
        raise ModelError(f"{path}: expected tags {_TAGS}, found {model.get('status')!r}")
    uni = _table(model, "uni", path)["d"]
    # snownlp's ``not_found`` test is "no uni count for any tag".
    chars: dict[str, tuple[int, ...]] = {}
    for char in sorted({key[0] for key in uni if key[0]}):
        if len(char) != 1:
            raise ModelError(f"{path}: uni key {char!r} is not one character")
        counts = tuple(uni.get((char, t), 0) for t in _TAGS)
        if any(counts):
            chars[char] = counts
    return _Tables(weights, _table(model, "uni", path)["total"], uni.get(_BOS, 0), chars,
                   _bigram_index(_table(model, "bi", path)["d"], path),
                   _trigram_index(_table(model, "tri", path)["d"], path))


class _Segmenter:
    """``CharacterBasedGenerativeModel.tag`` + ``Seg.seg`` with cached tables.

    Tags are indexed b=0, m=1, e=2, s=3; the begin-of-sentence symbol has one
    tag, index 0. A character bigram b c has a row in three tables indexed
    ``t2 * 4 + t3``: ``_logs`` (``log_prob`` when the trigram term is zero),
    ``_counts`` (bigram counts) and ``_sums`` (``log_prob``'s ``uni + bi``);
    a trigram's 64 log-probabilities are indexed ``t1 * 16 + t2 * 4 + t3``.
    """

    def __init__(self, tables: _Tables) -> None:
        self.l1, self.l2, self.l3 = tables.weights
        self.uni_total, self.bos_count = tables.uni_total, tables.bos_count
        self.chars, self.bigrams, self.trigrams = tables.chars, tables.bigrams, tables.trigrams
        self._info: dict[str, _CharInfo] = {}
        self._runs: dict[str, list[str]] = {}
        self._clear_ngrams()

    def _clear_ngrams(self) -> None:
        """Empty the bigram and trigram caches (row 0 of the tables stays all -inf)."""
        self._pairs: dict[str, int] = {}  # b + c -> row
        self._cached: dict[str, tuple] = {}  # key -> (row, fixes)
        self._logs = np.full((1024, 16), _NEG_INF)
        self._counts = np.zeros((1024, 16))
        self._sums = np.zeros((1024, 16))
        self._n_rows = 1

    def segment(self, runs: Iterable[str]) -> dict[str, list[str]]:
        """Segment runs of CJK characters into words (``snownlp.seg.single_seg``).

        Args:
            runs: Non-empty strings of characters U+4E00..U+9FA5.

        Returns:
            A dict from each distinct run to its list of words.
        """
        words = {run: self._runs.get(run) for run in runs}
        todo = [run for run, found in words.items() if found is None]
        for batch in _batches(todo, _BATCH_CHARS):
            if len(self._cached) > _MAX_CACHED or len(self._pairs) > _MAX_CACHED:
                self._clear_ngrams()  # only between batches: rows are shared by index
            for run, tags in zip(batch, self._viterbi(batch)):
                words[run] = _tags_to_words(run, tags)
        if len(self._runs) + len(todo) > _MAX_CACHED:
            self._runs.clear()
        self._runs.update((run, words[run]) for run in todo)
        return words

    def _char(self, char: str) -> _CharInfo:
        """``uni`` counts and ``log_prob``'s uni terms of a position ("" for BOS)."""
        info = self._info.get(char)
        if info is None:  # BOS and at most every character of the model
            counts = self.chars.get(char, (0, 0, 0, 0)) if char else (self.bos_count,)
            # log_prob's first term: self.l1 * self.uni.freq(s3)
            terms = tuple(self.l1 * (n / self.uni_total) for n in counts)
            logs = tuple(log(x) if x != 0 else _NEG_INF for x in terms)
            pad = (0,) * (4 - len(counts))
            info = self._info[char] = _CharInfo(counts + pad, terms + pad, logs * (4 // len(logs)))
        return info

    def _add_pairs(self, keys: list[str]) -> None:
        """Compute and cache the rows of new character bigrams b c (keys ``b + c``).

        A row holds ``log_prob``'s ``uni + bi`` sums and their logs (``t2 * 4 +
        t3``); the logs are ``log_prob``'s whenever its trigram term is zero.
        ``b`` is "" for BOS (then only ``t2 = 0`` is meaningful).
        """
        chars = [_split_key(key, 2) for key in keys]
        b_info = [self._char(b) for b, _ in chars]
        c_info = [self._char(c) for _, c in chars]
        counts_b = np.array([info.counts for info in b_info], dtype=np.float64)
        terms_c = np.array([info.terms for info in c_info])
        logs = np.tile(np.array([info.logs for info in c_info]), (1, 4))  # where bi.get(...) is 0
        counts, sums = np.zeros_like(logs), np.zeros_like(logs)
        pair, j, n = _flat_entries(self.bigrams, keys)
        count_b = counts_b[pair, j // 4]
        bi = np.zeros(len(n))
        np.divide(self.l2 * n, count_b, out=bi, where=count_b != 0)
        p = terms_c[pair, j % 4] + bi
        logs[pair, j] = _logs_of(p)
        counts[pair, j] = n
        sums[pair, j] = p
        rows = self._new_rows(logs, counts, sums)
        self._pairs.update(zip(keys, rows))

    def _new_rows(self, logs: np.ndarray, counts: np.ndarray, sums: np.ndarray) -> range:
        """Append rows to the three bigram tables (growing them); return their indices."""
        start, end = self._n_rows, self._n_rows + len(logs)
        if end > len(self._logs):
            size = max(2 * len(self._logs), end)
            self._logs, self._counts, self._sums = (
                np.concatenate([table[:start], np.empty((size - start, 16))])
                for table in (self._logs, self._counts, self._sums))
        self._logs[start:end], self._counts[start:end], self._sums[start:end] = logs, counts, sums
        self._n_rows = end
        return range(start, end)

    def _add_trigrams(self, keys: list[str]) -> None:
        """Compute and cache ``log_prob`` at the last position of each new key (1 to 3 characters).

        Caches ``(row, fixes)``: ``log_prob(a t1, b t2, c t3)`` is ``_logs[row,
        t2 * 4 + t3]`` (that of bigram b c) except at the ``(t1 * 16 + t2 * 4 +
        t3, value)`` of ``fixes``, where the trigram term is not zero.
        """
        split = [_split_key(key, 3) for key in keys]
        ab = [a + b for a, b, _ in split]
        bc = [b + c for _, b, c in split]
        self._add_pairs([k for k in dict.fromkeys(ab + bc) if k not in self._pairs])
        row_ab = np.array([self._pairs[k] for k in ab], dtype=np.intp)
        row_bc = np.array([self._pairs[k] for k in bc], dtype=np.intp)
        owner, i, n = _flat_entries(self.trigrams, keys)
        count_ab = self._counts[row_ab[owner], i // 4]
        # snownlp's trigram term is div(...) = 0 unless both bigrams were seen.
        seen = (n != 0) & (count_ab != 0) & (self._counts[row_bc[owner], i % 16] != 0)
        owner, i, n, count_ab = owner[seen], i[seen], n[seen], count_ab[seen]
        p = self._sums[row_bc[owner], i % 16] + (self.l3 * n) / count_ab
        fixes: list[list] = [[] for _ in keys]
        for k, col, value in zip(owner.tolist(), i.tolist(), _logs_of(p)):
            fixes[k].append((col, value))
        self._cached.update(zip(keys, zip(row_bc.tolist(), map(tuple, fixes))))

    def _log_probs(self, runs: list[str], order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log-probabilities of every (position, run), position-major.

        Args:
            runs: Runs sorted by decreasing length.
            order: Run-major index (position i of run r) of each position-major one.

        Returns:
            ``(lp, known)``: ``lp[k, t1 * 16 + t2 * 4 + t3]`` is ``log_prob``
            at the k-th (position, run), ``known[k]`` whether its character
            was seen in training (if not, ``lp[k]`` is unused).
        """
        chars, cache = self.chars, self._cached
        keys = [run[max(i - 2, 0) : i + 1] for run in runs for i in range(len(run))]
        new = [key for key in dict.fromkeys(keys) if key not in cache and key[-1] in chars]
        if new:
            self._add_trigrams(new)
        dead = (0, ())  # an unseen character
        found = [cache.get(key, dead) for key in keys]
        rows = np.fromiter(map(itemgetter(0), found), dtype=np.intp, count=len(found))[order]
        lp = np.tile(self._logs[rows], (1, 4))
        fixes = [(k, col, val) for k, fix in enumerate(map(itemgetter(1), found)) if fix for col, val in fix]
        if fixes:
            at, col, val = zip(*fixes)
            position = np.empty_like(order)
            position[order] = np.arange(len(order))
            lp[position[list(at)], list(col)] = val
        return lp, rows != 0
    def _viterbi(self, runs: list[str]) -> list[list[int]]:
        """Return snownlp's best tag path (tag indices) for every run.

        The states after position ``i`` are (tag at i - 1, tag at i), kept as
        arrays ``(runs, 4, 4)``; runs are sorted by decreasing length so the
        runs still going at position ``i`` are a prefix.
        """
        ranking = sorted(range(len(runs)), key=lambda r: -len(runs[r]))
        ranked = [runs[r] for r in ranking]
        lengths = [len(run) for run in ranked]
        shorter = np.cumsum(np.bincount(lengths))[:-1]  # runs of length <= i
        active = (len(runs) - shorter).tolist()
        # Where position i of ranked run r sits in run-major order.
        starts = np.cumsum([0] + lengths[:-1])
        order = np.concatenate([starts[:count] + i for i, count in enumerate(active)])
        lp, known = self._log_probs(ranked, order)
        finals, backs = _forward(lp, known, active)
        tags = np.empty(len(order), dtype=np.int64)
        tags[order] = _backward(finals, backs, active)
        flat = tags.tolist()
        paths: list[list[int]] = [[] for _ in runs]
        for r, start, n in zip(ranking, starts.tolist(), lengths):
            paths[r] = flat[start : start + n]
        return paths


def _forward(lp: np.ndarray, known: np.ndarray, active: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Viterbi forward pass of ``CharacterBasedGenerativeModel.tag`` on many runs.

    Args:
        lp: Position-major log-probabilities, as from ``_Segmenter._log_probs``.
        known: Whether each position's character was seen in training.
        active: Number of runs still going at each position.

    Returns:
        ``(finals, backs)``: ``finals[r]`` is the best final state of run r,
        ``cur * 4 + prev`` (``cur`` alone for one-character runs);
        ``backs[i - 2][r, prev, cur]`` the tag at ``i - 2`` on the best path
        to state (prev, cur) at position ``i``.
    """
    finals = np.zeros(active[0], dtype=np.int64)
    backs = []
    n = active[0]
    start = np.where(known[:n, None], 0.0 + lp[:n, :4], 0.0)  # step 0: (BOS, BOS, t)
    states = np.empty((n, 4, 4))
    states[:, :, :] = start[:, :, None]  # step 1 without its own term (unseen char)
    offset = n
    for i, n in enumerate(active[1:], start=1):
        ends = slice(n, active[i - 1])  # runs whose last position is i - 1
        if i == 1:
            finals[ends] = np.argmax(start[ends], axis=1)
        else:
            finals[ends] = _best_final(states[ends])
        rows = slice(offset, offset + n)
        offset += n
        seen = known[rows]
        if i == 1:
            states = states[:n].copy()
            states[seen] += lp[rows][seen, :16].reshape(-1, 4, 4)
            continue
        cand = states[:n, :, :, None] + lp[rows].reshape(n, 4, 4, 4)  # (run, t1, t2, t3)
        back = np.argmax(cand, axis=1)  # snownlp keeps the first best t1
        new = np.max(cand, axis=1)
        # An unseen character copies, for each t2, the score of the last state (s, t2).
        new[~seen] = states[:n][~seen, _S, :, None]
        back[~seen] = _S
        states = new
        backs.append(back)
    last = len(active) - 1
    if last == 0:
        finals[: active[0]] = np.argmax(start, axis=1)
    else:
        finals[: active[last]] = _best_final(states[: active[last]])
    return finals, backs


def _best_final(states: np.ndarray) -> np.ndarray:
    """snownlp's final ``max``: first best state in (tag, previous tag) order."""
    return np.argmax(states.transpose(0, 2, 1).reshape(len(states), 16), axis=1)


def _backward(finals: np.ndarray, backs: list[np.ndarray], active: list[int]) -> np.ndarray:
    """Follow back-pointers from the final states.

    Returns:
        The tag index of every (position, run), position-major like ``lp``.
    """
    offsets = np.cumsum([0] + active[:-1]).tolist()
    tags = np.empty(sum(active), dtype=np.int64)
    cur = np.zeros(active[0], dtype=np.int64)
    prev = np.zeros(active[0], dtype=np.int64)
    for i in range(len(active) - 1, -1, -1):
        n = active[i]
        ends = slice(active[i + 1] if i + 1 < len(active) else 0, n)
        if i == 0:
            cur[ends] = finals[ends]
        else:
            cur[ends], prev[ends] = finals[ends] // 4, finals[ends] % 4
        tags[offsets[i] : offsets[i] + n] = cur[:n]
        if i >= 2:
            earlier = backs[i - 2][np.arange(n), prev[:n], cur[:n]]
            cur[:n], prev[:n] = prev[:n], earlier
        elif i == 1:
            cur[:n] = prev[:n]
    return tags


def _batches(runs: list[str], max_chars: int) -> Iterator[list[str]]:
    """Split runs into consecutive batches of at most ``max_chars`` characters."""
    batch: list[str] = []
    size = 0
    for run in runs:
        if batch and size + len(run) > max_chars:
            yield batch
            batch, size = [], 0
        batch.append(run)
        size += len(run)
    if batch:
        yield batch


def _tags_to_words(run: str, tags: list[int]) -> list[str]:
    """Join characters into words as ``snownlp.seg.seg.Seg.seg`` does (b/m/e/s)."""
    words = []
    tmp = ""
    for char, tag in zip(run, tags):
        if tag == _E:
            words.append(tmp + char)
            tmp = ""
        elif tag == _B or tag == _S:
            if tmp:
                words.append(tmp)
            tmp = char
        else:
            tmp += char
    if tmp:
        words.append(tmp)
    return words


class _SentimentModel:
    """``snownlp.sentiment.Sentiment.classify`` over the fast segmenter."""

    def __init__(self, segmenter: _Segmenter, bayes: dict, path: Path, stop: frozenset[str]) -> None:
        classes = bayes.get("d")
        if not isinstance(classes, dict) or "total" not in bayes:
            raise ModelError(f"{path}: not a snownlp Bayes model (needs keys 'd' and 'total')")
        tables = [_table(classes, name, path) for name in classes]
        self.classes = tuple(classes)
        self.counts = tuple(t["d"] for t in tables)
        self.sums = tuple(t["total"] for t in tables)
        self.nones = tuple(t.get("none", 1) for t in tables)
        # Bayes.classify: log(self.d[k].getsum()) - log(self.total)
        self.priors = tuple(log(s) - log(bayes["total"]) for s in self.sums)
        self.segmenter = segmenter
        self.stop = stop
        self._word_logs: dict[str, tuple[float, ...]] = {}

    def sentiments(self, texts: list[str]) -> list[float]:
        """Return ``SnowNLP(text).sentiments`` for each text."""
        pieces = [_ZH_RUN.split(text) for text in texts]
        # Odd pieces of re_zh.split are the CJK runs (snownlp tests re_zh.match).
        words = self.segmenter.segment(run for split in pieces for run in split[1::2])
        return [self._classify(self._handle(split, words)) for split in pieces]

    def _handle(self, pieces: list[str], words: dict[str, list[str]]) -> list[str]:
        """``Sentiment.handle``: words of ``snownlp.seg.seg``, stopwords dropped."""
        found: list[str] = []
        for i, piece in enumerate(pieces):
            piece = piece.strip()
            if not piece:
                continue
            found += words[piece] if i % 2 else piece.split()
        stop = self.stop
        return [w for w in found if w not in stop]

    def _logs(self, word: str) -> tuple[float, ...]:
        """``log(self.d[k].freq(word))`` for every class k (add-one counts)."""
        logs = self._word_logs.get(word)
        if logs is None:
            logs = tuple(
                log(float(counts.get(word, none)) / total)
                for counts, total, none in zip(self.counts, self.sums, self.nones)
            )
            if len(self._word_logs) >= _MAX_CACHED:
                self._word_logs.clear()
            self._word_logs[word] = logs
        return logs

    def _classify(self, words: list[str]) -> float:
        """``Bayes.classify`` then ``Sentiment.classify``'s pos/neg flip."""
        tmp = list(self.priors)
        for word in words:
            logs = self._logs(word)
            for k in range(len(tmp)):
                tmp[k] += logs[k]
        ret, prob = 0, 0
        for k, name in enumerate(self.classes):
            now = 0
            try:
                for other in tmp:
                    now += exp(other - tmp[k])
                now = 1 / now
            except OverflowError:
                now = 0
            if now > prob:
                ret, prob = name, now
        return prob if ret == "pos" else 1 - prob
