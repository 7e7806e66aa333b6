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

Why it is fast (about 70x on one core, ``benchmarks/snownlp_speed.py``):
snownlp evaluates ``log_prob`` 64 times per character, each time with six
look-ups of nested-tuple keys in dictionaries of up to a million entries, and
copies whole tag paths at every step. Here every ``log_prob`` value that is not
a character's uni term alone (about 1.3 million: one per bigram and trigram
count of the model) is computed once, when the model is first read, and kept
in sorted numpy arrays keyed by integer codes of the character n-grams. A
batch of runs is turned into character ids with numpy, and the bigram and
trigram values of all its positions are found with ``searchsorted``; the
Viterbi search runs on all distinct runs of a call at once, one character
position per numpy step (runs on the last axis), with back-pointers;
segmented runs and per-word log-frequencies are cached; the Bayes sums of all
texts of a call are added up together, one word position per numpy step; the
model files are read once per process, on first use.

Exactness: every log-probability is computed by ``math.log`` on the same
floating-point expression, in the same order, as ``log_prob`` (numpy only
multiplies, divides, adds, compares and copies float64 values, each operation
rounded as Python rounds it); path scores are the same sums; ties are broken as
snownlp breaks them (the first best previous tag, and ``numpy.argmax``'s first
maximum, as snownlp's strict ``>`` update and ``max`` do); the Bayes sums add
the word logs one by one, in snownlp's order. ``tests/test_snownlp_fast.py``
also compares the stored values with snownlp's own ``log_prob``.

The model files are read from the installed snownlp package (located with
``importlib.util.find_spec``, which does not run snownlp's slow ``__init__``),
in snownlp's own format: gzip-compressed ``marshal`` dumps. Nothing is copied
into policytext; the computed segmentation tables are kept in the policytext
cache folder, named after the model file's sha256, so that a new process (a
corpus worker) loads them in a fraction of a second instead of several seconds.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import marshal
import re
import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import accumulate, chain
from math import exp, log
from pathlib import Path
from typing import NamedTuple

import numpy as np

from policytext._resources import cache_dir, cached, gc_paused
from policytext.errors import InputError, ModelError

__all__ = ["snownlp_sentiments"]

# snownlp.seg.re_zh: runs of CJK unified ideographs, kept by ``split``.
_ZH_RUN = re.compile("([\u4e00-\u9fa5]+)")
_LAST_ZH = 0x9FA5
# CharacterBasedGenerativeModel.status, in snownlp's iteration order.
_TAGS = ("b", "m", "e", "s")
_B, _M, _E, _S = range(4)
# Tag indices; the begin-of-sentence pseudo character "" has the one tag "BOS".
_TAG_INDEX = {"b": _B, "m": _M, "e": _E, "s": _S, "BOS": 0}
_NEG_INF = float("-inf")
# Beyond these sizes a cache is emptied (results never depend on the caches).
_MAX_CACHED = 200_000
# Characters per numpy Viterbi batch (bounds memory: about 200 bytes per character).
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
    with gc_paused():
        return model.sentiments(texts)


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
    return _SentimentModel(segmenter, _read_marshal(bayes_path), bayes_path, stop)


def _snownlp_dir() -> Path:
    """Return the installed snownlp package folder without importing snownlp."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("snownlp: package not installed; install snownlp==0.12.3")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_marshal(path: Path) -> dict:
    """Read a gzip-compressed marshal dump the way snownlp's ``load`` methods do."""
    try:
        with gc_paused():  # millions of new tuples
            model = marshal.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError, TypeError, zlib.error) as exc:
        raise ModelError(f"{path}: cannot read snownlp model file ({exc})") from exc
    if not isinstance(model, dict):
        raise ModelError(f"{path}: expected a marshalled dict, found {type(model).__name__}")
    return model


def _table(model: dict, name: str, path: Path) -> dict:
    """Return one of a model's frequency tables (a ``BaseProb.__dict__``)."""
    table = model.get(name)
    if not isinstance(table, dict) or not {"d", "total"} <= table.keys():
        raise ModelError(f"{path}: model has no frequency table {name!r}")
    return table


class _Ngrams(NamedTuple):
    """Per-tag values of character n-grams, grouped by n-gram (compressed rows).

    The entries of the n-gram coded ``keys[k]`` are ``starts[k]:starts[k + 1]``
    of ``slots`` (its tags, as one index) and ``values``. The last key is a
    sentinel above every code, without entries.
    """

    keys: np.ndarray  # int64 n-gram codes, sorted, distinct
    starts: np.ndarray  # int64, one more than keys
    slots: np.ndarray  # int64
    values: np.ndarray

    def find(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(at, slot, value)`` of all entries of ``codes``; ``at`` (ascending) indexes ``codes``."""
        k = np.empty(len(codes), dtype=np.intp)
        by_code = np.argsort(codes)
        k[by_code] = np.searchsorted(self.keys, codes[by_code])  # sorted queries: about 3x faster
        hit = np.flatnonzero(self.keys[k] == codes)  # codes with entries
        k = k[hit]
        first = self.starts[k]
        sizes = self.starts[k + 1] - first
        at = np.repeat(hit, sizes)
        # Entry j of hit i is output row offset_i + j and table entry first_i + j.
        entry = np.arange(len(at)) + np.repeat(first + sizes - np.cumsum(sizes), sizes)
        return at, self.slots[entry], self.values[entry]


def _ngrams(codes: np.ndarray, slots: np.ndarray, values: np.ndarray) -> _Ngrams:
    """Group n-gram entries by code (codes below the int64 maximum)."""
    by_code = np.argsort(codes, kind="stable")
    keys, first = np.unique(codes[by_code], return_index=True)
    sentinel = np.iinfo(np.int64).max
    starts = np.append(first, [len(codes)] * 2)
    return _Ngrams(np.append(keys, sentinel), starts, slots[by_code], values[by_code])


class _Tables(NamedTuple):
    """snownlp's segmentation model (``seg.marshal.3``) as ``log_prob`` values for :class:`_Segmenter`.

    Characters are numbered: 0 is BOS, ``1..len(alphabet)`` the characters of
    the model's keys, ``n_ids - 1`` any other ("unseen"). ``log_prob(a t1, b
    t2, c t3)`` is, by precedence: the trigram entry of code ``(a * n_ids + b)
    * n_ids + c``, slot ``t1 * 16 + t2 * 4 + t3``; the bigram entry of code
    ``b * n_ids + c``, slot ``t2 * 4 + t3``; else ``logs[c, t3]``.
    """

    alphabet: str  # the model's characters, sorted
    known: np.ndarray  # bool per id: has a uni count (else snownlp's not_found branch)
    logs: np.ndarray  # (n_ids, 4): log(l1 * uni.freq((char, tag))), -inf for 0
    bigrams: _Ngrams  # log_prob where the bigram term is not 0 and the trigram term is
    trigrams: _Ngrams  # log_prob where the trigram term is not 0

    @property
    def n_ids(self) -> int:
        """Number of character ids, BOS and unseen included."""
        return len(self.alphabet) + 2


# Bump when _Tables or the functions that build it change: the name of the cache file.
_TABLES_FORMAT = 3


def _segmenter_tables(path: Path) -> _Tables:
    """The ``log_prob`` tables of the model file at ``path``.

    Reading and computing take several seconds, so the result is kept in the policytext
    cache folder under the sha256 of the model file and read from there next time.
    """
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError as exc:
        raise ModelError(f"{path}: cannot read snownlp model file ({exc})") from exc
    name = f"snownlp-seg-{digest}-v{_TABLES_FORMAT}.pickle"
    with gc_paused():  # millions of new tuples
        return cached(cache_dir() / name, lambda: _build_tables(_read_marshal(path), path))


def _build_tables(model: dict, path: Path) -> _Tables:
    """Check snownlp's segmentation model and compute its ``log_prob`` values.

    The arithmetic is ``log_prob``'s, term by term and in its order:
    ``uni = l1 * (n / total)``, ``bi = (l2 * n) / count`` (0 if count is 0),
    ``tri`` likewise with ``l3``, then ``math.log((uni + bi) + tri)`` (-inf
    for 0); numpy only multiplies, divides and adds float64 values, each
    operation rounded as Python rounds it.
    """
    try:
        l1, l2, l3 = (float(model["l1"]), float(model["l2"]), float(model["l3"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path}: model has no interpolation weights l1, l2, l3") from exc
    if tuple(model.get("status", ())) != _TAGS:
        raise ModelError(f"{path}: expected tags {_TAGS}, found {model.get('status')!r}")
    uni_table = _table(model, "uni", path)
    uni, bi, tri = uni_table["d"], _table(model, "bi", path)["d"], _table(model, "tri", path)["d"]
    try:
        alphabet, symbols = _symbol_ids(set(chain(uni, chain.from_iterable(bi), chain.from_iterable(tri))))
        counts = np.zeros((len(alphabet) + 2, 4))
        for key, n in uni.items():
            counts[symbols[key]] = n
        bi_rows = np.array([(*symbols[k2], *symbols[k3], n) for (k2, k3), n in bi.items()],
                           dtype=np.int64).reshape(-1, 5)
        tri_rows = np.array([(*symbols[k1], *symbols[k2], *symbols[k3], n)
                             for (k1, k2, k3), n in tri.items()], dtype=np.int64).reshape(-1, 7)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{path}: malformed key in the segmentation model ({exc})") from exc
    terms = l1 * (counts / uni_table["total"])  # log_prob's uni term per (char, tag)
    return _Tables(alphabet, (counts != 0).any(axis=1) & (np.arange(len(counts)) != 0), _logs_of(terms),
                   _bigram_log_probs(bi_rows, counts, terms, l2),
                   _trigram_log_probs(tri_rows, bi_rows, counts, terms, (l2, l3)))


def _symbol_ids(symbols: set) -> tuple[str, dict[tuple[str, str], tuple[int, int]]]:
    """The model's characters (sorted) and ``(character id, tag index)`` of each ``(char, tag)``."""
    alphabet = "".join(sorted({char for char, _ in symbols} - {""}))
    ids = {"": 0, **{char: i for i, char in enumerate(alphabet, start=1)}}
    index = {}
    for char, tag in symbols:
        if len(char) > 1 or (char == "") != (tag == "BOS") or tag not in _TAG_INDEX:
            raise ValueError(f"symbol {(char, tag)!r} is not (character, tag) or BOS")
        index[char, tag] = ids[char], _TAG_INDEX[tag]
    return alphabet, index


def _bigram_log_probs(rows: np.ndarray, counts: np.ndarray, terms: np.ndarray, l2: float) -> _Ngrams:
    """``log_prob`` of every bigram (rows ``b, t2, c, t3, n``) whose bigram term is not 0."""
    b, t2, c, t3, n = rows.T
    bi = _divided(l2 * n, counts[b, t2])
    keep = bi != 0
    n_ids = len(counts)
    return _ngrams((b * n_ids + c)[keep], (t2 * 4 + t3)[keep], _logs_of((terms[c, t3] + bi)[keep]))


def _trigram_log_probs(rows: np.ndarray, bi_rows: np.ndarray, counts: np.ndarray, terms: np.ndarray,
                       weights: tuple[float, float]) -> _Ngrams:
    """``log_prob`` of every trigram (rows ``a, t1, b, t2, c, t3, n``) whose trigram term is not 0."""
    l2, l3 = weights
    n_ids = len(counts)
    tri = _divided(l3 * rows[:, 6], _bigram_counts(bi_rows, rows[:, 0:4], n_ids))
    rows, tri = rows[tri != 0], tri[tri != 0]
    a, t1, b, t2, c, t3, _ = rows.T
    uni_bi = terms[c, t3] + _divided(l2 * _bigram_counts(bi_rows, rows[:, 2:6], n_ids), counts[b, t2])
    return _ngrams((a * n_ids + b) * n_ids + c, t1 * 16 + t2 * 4 + t3, _logs_of(uni_bi + tri))


def _bigram_counts(bi_rows: np.ndarray, pairs: np.ndarray, n_ids: int) -> np.ndarray:
    """Counts of the bigrams ``pairs`` (rows ``b, t2, c, t3``) in ``bi_rows``; 0 for those absent."""
    def code(rows: np.ndarray) -> np.ndarray:
        return ((rows[:, 0] * n_ids + rows[:, 2]) * 4 + rows[:, 1]) * 4 + rows[:, 3]

    at, _, found = _ngrams(code(bi_rows), bi_rows[:, 4], bi_rows[:, 4]).find(code(pairs))
    counts = np.zeros(len(pairs), dtype=np.int64)
    counts[at] = found
    return counts


def _divided(numerators: np.ndarray, denominators: np.ndarray) -> np.ndarray:
    """``numerators / denominators``, 0 where the denominator is 0 (snownlp's ``div``)."""
    out = np.zeros(len(numerators))
    np.divide(numerators, denominators, out=out, where=denominators != 0)
    return out


def _logs_of(values: np.ndarray) -> np.ndarray:
    """``math.log`` of each value (-inf for 0), as ``log_prob`` computes it."""
    logs = [log(x) if x != 0 else _NEG_INF for x in values.ravel().tolist()]
    return np.array(logs, dtype=np.float64).reshape(values.shape)


class _Segmenter:
    """``CharacterBasedGenerativeModel.tag`` + ``Seg.seg`` over precomputed ``log_prob`` tables.

    Tags are indexed b=0, m=1, e=2, s=3; the begin-of-sentence symbol has one
    tag, index 0. A position's log-probabilities are indexed ``t1 * 16 + t2 *
    4 + t3`` (tags of the position and the two before it).
    """

    def __init__(self, tables: _Tables) -> None:
        self.tables = tables
        # Character id of each code point up to U+9FA5, the last that runs hold.
        self._ids = np.full(_LAST_ZH + 1, tables.n_ids - 1, dtype=np.int64)
        points = np.array([ord(char) for char in tables.alphabet], dtype=np.int64)
        inside = points <= _LAST_ZH
        self._ids[points[inside]] = np.arange(1, len(points) + 1)[inside]
        # log_prob (t2 * 4 + t3, character) of a character without bigram or trigram entries.
        self._uni = np.ascontiguousarray(np.tile(tables.logs, (1, 4)).T)
        self._runs: dict[str, list[str]] = {}

    def segment(self, runs: Iterable[str]) -> dict[str, list[str]]:
        """Segment runs of CJK characters into words (``snownlp.seg.single_seg``).

        Args:
            runs: Non-empty strings of characters U+4E00..U+9FA5.

        Returns:
            A dict from each distinct run to its list of words.
        """
        words = {run: self._runs.get(run) for run in runs}
        todo = sorted((run for run, found in words.items() if found is None), key=len, reverse=True)
        for batch in _batches(todo, _BATCH_CHARS):
            words.update(zip(batch, _words(batch, self._viterbi(batch))))
        if len(self._runs) + len(todo) > _MAX_CACHED:
            self._runs.clear()
        self._runs.update((run, words[run]) for run in todo)
        return words

    def _log_probs(self, runs: list[str], order: np.ndarray,
                   steps: np.ndarray) -> tuple[np.ndarray, tuple, np.ndarray]:
        """Log-probabilities of every (position, run), position-major.

        Args:
            runs: Runs sorted by decreasing length.
            order: Run-major index (position i of run r) of each position-major one.
            steps: Position in its run of each position-major one.

        Returns:
            ``(lp, fixes, known)``: ``lp[t2 * 4 + t3, k]`` is ``log_prob`` at the
            k-th (position, run) for every t1, except at the ``(k, t1 * 16 + t2 *
            4 + t3, value)`` of ``fixes`` (arrays, ascending k), where the
            trigram term is not 0; ``known[k]`` whether its character has a uni
            count (if not, its log-probabilities are unused).
        """
        ids = self._ids[np.frombuffer("".join(runs).encode("utf-32-le"), dtype=np.uint32)]
        before = np.concatenate([[0, 0], ids])  # before[k + 2] is ids[k]
        c = ids[order]
        b = np.where(steps >= 1, before[order + 1], 0)  # 0: BOS
        a = np.where(steps >= 2, before[order], 0)
        n = self.tables.n_ids
        lp = self._uni[:, c]
        at, slot, value = self.tables.bigrams.find(b * n + c)
        lp[slot, at] = value
        return lp, self.tables.trigrams.find((a * n + b) * n + c), self.tables.known[c]

    def _viterbi(self, runs: list[str]) -> np.ndarray:
        """Return snownlp's best tag (index) of every character of the runs, run after run.

        The states after position ``i`` are (tag at i - 1, tag at i), kept as
        arrays ``(4, 4, runs)``; runs are sorted by decreasing length so the
        runs still going at position ``i`` are a prefix.

        Args:
            runs: Runs sorted by decreasing length.
        """
        lengths = [len(run) for run in runs]
        shorter = np.cumsum(np.bincount(lengths))[:-1]  # runs of length <= i
        active = (len(runs) - shorter).tolist()
        # Where position i of run r sits in run-major order.
        starts = np.cumsum([0] + lengths[:-1])
        order = np.concatenate([starts[:count] + i for i, count in enumerate(active)])
        steps = np.repeat(np.arange(len(active)), active)
        finals, backs = _forward(*self._log_probs(runs, order, steps), active)
        tags = np.empty(len(order), dtype=np.int64)
        tags[order] = _backward(finals, backs, active)
        return tags


def _forward(lp: np.ndarray, fixes: tuple, known: np.ndarray,
             active: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Viterbi forward pass of ``CharacterBasedGenerativeModel.tag`` on many runs.

    Arrays have the runs on their last axis, so that numpy works along long rows.

    Args:
        lp, fixes, known: Log-probabilities of the (position, run) columns, as from
            ``_Segmenter._log_probs``.
        active: Number of runs still going at each position.

    Returns:
        ``(finals, backs)``: ``finals[r]`` is the best final state of run r,
        ``cur * 4 + prev`` (``cur`` alone for one-character runs);
        ``backs[i - 2][prev, cur, r]`` the tag at ``i - 2`` on the best path
        to state (prev, cur) at position ``i``.
    """
    offsets = [0, *accumulate(active)]
    by_step = _fixes_by_step(fixes, offsets)
    finals = np.zeros(active[0], dtype=np.int64)
    backs = []
    n = active[0]
    start = np.where(known[:n], 0.0 + _first_tags(lp[:, :n], *by_step[0])[:4], 0.0)  # (BOS, BOS, t)
    states = np.empty((4, 4, n))
    states[:, :, :] = start[:, None, :]  # step 1 without its own term (unseen char)
    for i, n in enumerate(active[1:], start=1):
        ends = slice(n, active[i - 1])  # runs whose last position is i - 1
        if i == 1:
            finals[ends] = np.argmax(start[:, ends], axis=0)
        else:
            finals[ends] = _best_final(states[:, :, ends])
        columns = slice(offsets[i], offsets[i + 1])
        seen = known[columns]
        if i == 1:
            states = states[:, :, :n].copy()
            states[:, :, seen] += _first_tags(lp[:, columns], *by_step[1])[:, seen].reshape(4, 4, -1)
            continue
        new, back = _best_previous(_candidates(states[:, :, :n], lp[:, columns], *by_step[i]))
        # An unseen character copies, for each t2, the score of the last state (s, t2).
        unseen = ~seen
        new[:, :, unseen] = states[_S, :, :n][:, None, unseen]
        back[:, :, unseen] = _S
        states = new
        backs.append(back)
    last = len(active) - 1
    if last == 0:
        finals[: active[0]] = np.argmax(start, axis=0)
    else:
        finals[: active[last]] = _best_final(states[:, :, : active[last]])
    return finals, backs


def _fixes_by_step(fixes: tuple, offsets: list[int]) -> list[tuple[np.ndarray, ...]]:
    """Split position-major fixes by position: ``(run, slot, value)``, run among the active ones."""
    at, slot, value = fixes
    bounds = np.searchsorted(at, offsets).tolist()
    return [(at[i:j] - offset, slot[i:j], value[i:j]) for offset, i, j in zip(offsets, bounds, bounds[1:])]


def _first_tags(lp: np.ndarray, runs: np.ndarray, slots: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Log-probabilities ``(t2 * 4 + t3, run)`` at position 0 or 1, where t1 is BOS's (index 0)."""
    lp = lp.copy()
    lp[slots, runs] = values  # slots < 16: the only trigrams after BOS have t1 = BOS
    return lp


def _candidates(states: np.ndarray, lp: np.ndarray, runs: np.ndarray, slots: np.ndarray,
                values: np.ndarray) -> np.ndarray:
    """Scores ``(t1, t2, t3, run)`` of extending each state (t1, t2) by tag t3."""
    n = states.shape[2]
    cand = np.add(states[:, :, None, :], lp.reshape(1, 4, 4, n), out=np.empty((4, 4, 4, n)))
    cand.reshape(64, n)[slots, runs] = states.reshape(16, n)[slots >> 2, runs] + values
    return cand


def _best_previous(cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best score over t1 of each new state (t2, t3) and the first t1 reaching it, as snownlp keeps it.

    snownlp's strict ``>`` keeps the first t1 of the maximum; scores are never NaN or -0.0
    (sums of logs of probabilities), so the maximum is one well-defined float.
    """
    best = np.maximum.reduce(cand, axis=0)
    other = cand[:3] != best  # t1 = 0, 1, 2 does not reach the best
    back = other[0] * (other[1] * (other[2] + np.int8(1)) + np.int8(1))  # first t1 that does
    return best, back


def _best_final(states: np.ndarray) -> np.ndarray:
    """snownlp's final ``max``: first best state in (tag, previous tag) order."""
    return np.argmax(states.transpose(1, 0, 2).reshape(16, -1), axis=0)


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
            earlier = backs[i - 2][prev[:n], cur[:n], np.arange(n)]
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


def _words(runs: list[str], tags: np.ndarray) -> list[list[str]]:
    """Join characters into words as ``snownlp.seg.seg.Seg.seg`` does (b/m/e/s).

    A word starts at a run's start, at a b or s tag and after an e tag. The runs are
    joined with U+0001 between them and U+0000 between words inside them (runs hold
    CJK characters only), then split at those, which is faster than slicing each word.
    """
    run_starts = np.cumsum([len(run) for run in runs])[:-1]  # after the first
    cut = (tags == _B) | (tags == _S)
    cut[1:] |= tags[:-1] == _E
    cut[0] = False
    cut[run_starts] = False
    inside = np.flatnonzero(cut)
    points = np.frombuffer("".join(runs).encode("utf-32-le"), dtype=np.uint32)
    marks = np.repeat(np.array([0, 1], dtype=np.uint32), [len(inside), len(run_starts)])
    text = np.insert(points, np.concatenate([inside, run_starts]), marks).tobytes().decode("utf-32-le")
    return [run.split("\x00") for run in text.split("\x01")]


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
        # word -> its row of per-class logs in _table (row 0: zeros, for stopwords), kept across calls
        self._rows: dict[str, int] = {}
        self._table = np.zeros((1, len(self.classes)))

    def sentiments(self, texts: list[str]) -> list[float]:
        """Return ``SnowNLP(text).sentiments`` for each text."""
        pieces = [_ZH_RUN.split(text) for text in texts]
        # Odd pieces of re_zh.split are the CJK runs (snownlp tests re_zh.match).
        words = self.segmenter.segment(run for split in pieces for run in split[1::2])
        # Other pieces: snownlp strips a piece, skips it if empty, else splits it, as split alone does.
        words.update((piece, piece.split()) for piece in set(chain.from_iterable(pieces)).difference(words))
        return self._classify([list(chain.from_iterable(map(words.__getitem__, split))) for split in pieces])

    def _classify(self, texts: list[list[str]]) -> list[float]:
        """``Sentiment.handle``'s stopwords dropped, ``Bayes.classify``, then ``Sentiment.classify``'s
        pos/neg flip, for the words of each text."""
        return [self._probability(sums) for sums in self._class_sums(texts).T.tolist()]

    def _class_sums(self, texts: list[list[str]]) -> np.ndarray:
        """Each class's prior plus the logs of the words of each text ``(classes, texts)``.

        ``Bayes.classify`` adds the word logs to the prior one by one, in text order; here
        word ``i`` of every text that has one is added in one numpy step (texts longest
        first, so those still going are a prefix), each sum in the same order. A stopword,
        which snownlp drops, adds 0.0, which leaves a sum as it is (sums of logs are never -0.0).
        """
        words = list(chain.from_iterable(texts))
        rows = self._rows_of(words)
        lengths = np.array([len(text) for text in texts], dtype=np.intp)
        by_length = np.argsort(-lengths, kind="stable")
        starts = (np.cumsum(lengths) - lengths)[by_length]
        active = np.cumsum(np.bincount(lengths, minlength=1)[::-1])[::-1][1:].tolist()  # texts longer than i
        values = self._table.T[:, rows]
        sums = np.empty((len(self.classes), len(texts)))
        sums[:, :] = np.array(self.priors)[:, None]
        for i, n in enumerate(active):
            sums[:, :n] += values[:, starts[:n] + i]
        out = np.empty_like(sums)
        out[:, by_length] = sums
        return out

    def _rows_of(self, words: list[str]) -> np.ndarray:
        """The row of each word in ``self._table``: its ``log(self.d[k].freq(word))`` for every
        class k (add-one counts); row 0 (zeros) for stopwords."""
        rows = self._rows
        if len(rows) > _MAX_CACHED:
            rows.clear()
            self._table = self._table[:1]
        logs = []
        for word in set(words).difference(rows):
            if word in self.stop:
                rows[word] = 0
            else:
                rows[word] = len(self._table) + len(logs)
                logs.append([log(float(counts.get(word, none)) / total)
                             for counts, total, none in zip(self.counts, self.sums, self.nones)])
        if logs:
            self._table = np.concatenate([self._table, np.array(logs, dtype=np.float64)])
        return np.fromiter(map(rows.__getitem__, words), dtype=np.intp, count=len(words))

    def _probability(self, tmp: list[float]) -> float:
        """``Bayes.classify``'s probability of the best class from the class sums, flipped if not ``pos``."""
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
