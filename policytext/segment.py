"""Word segmentation with jieba: a private tokenizer, a policy dictionary, stopwords.

The :class:`Segmenter` owns its own ``jieba.Tokenizer``; jieba's global default
tokenizer is never touched, so results do not depend on what else ran in the
process. The shipped policy-domain dictionary (``resources/policy_dict.txt``) and
stopword list (``resources/stopwords.txt``) are versioned text files; the
segmenter records their versions and hashes in :attr:`Segmenter.info`.

HMM new-word discovery is off by default: it adds a few per cent of tokens, some of
them junk, and makes tables less comparable across corpora. Turn it on with
``Segmenter(hmm=True)``; the setting is recorded in ``info``.

With HMM off the words are exactly jieba's (``Tokenizer.tokenize(text, HMM=False)``), found
three to four times faster: :class:`_WordGraph` finds the dictionary words with an
Aho–Corasick automaton (pyahocorasick, in C) and picks jieba's route itself. The automaton
is pickled into the cache folder beside jieba's own cache.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import logging
import math
import os
import re
import warnings
from functools import cached_property, lru_cache
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from . import _resources
from .errors import InputError
from .schemas import TOKENS, empty_table

__all__ = ["Segmenter", "default_segmenter", "tokens", "frequencies", "dictionary_effect"]

_PUNCT_OR_SPACE = re.compile(r"^[\W_]+$")
# Decimal numbers, thousands separators and percents are kept as one token; jieba with HMM
# off would cut 167.83 into 167 / . / 83.
# A comma counts as a thousands separator only before exactly three digits.
_NUMBER_RUN = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9０-９]+)(?:[.．][0-9０-９]+)?[%％]?")
_NUMBER = re.compile(r"^[0-9０-９.,%．]+$")
_DIGIT = re.compile("[0-9０-９]")
# jieba 0.42.1's re_han_default class: runs of these characters are cut with the dictionary.
_HAN = "\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-"
# A dictionary block: a run of jieba's characters but digits, which always start a number run.
_BLOCK_CHARS = _HAN.replace("0-9", "")
_BLOCK = re.compile(f"[{_BLOCK_CHARS}]+")
# Characters outside blocks, replaced by _SEPARATOR before the words are looked up. jieba
# makes each a word by itself, except number runs and \r\n.
_OUTSIDE = re.compile(f"[^{_BLOCK_CHARS}]")
_SEPARATOR = "\x00"
_CRLF = re.compile("\r\n")
# jieba's re_eng ([a-zA-Z0-9]) without the digits, which blocks lack: runs of such
# one-character words are joined.
_LETTER = re.compile("[a-zA-Z]")
_LATIN = re.compile(r"^[A-Za-zＡ-Ｚａ-ｚ]+$")
_SPACE = re.compile(r"\s")


class Token(NamedTuple):
    """One word with its part-of-speech tag and its span in the segmented text."""

    word: str
    tag: str
    start: int
    end: int


def _quiet_jieba():
    """Import jieba without its compile-time warnings and silence its logger.

    jieba logs "Building prefix dict ... Loading model cost 0.7 seconds" to stderr on
    first use; the text changes every run and would break nbval's comparison.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba


class Segmenter:
    """jieba segmentation with the policy dictionary and stopwords.

    Args:
        dictionary: ``"policy"`` (the shipped policy dictionary), ``None`` (bare jieba),
            or a path to a jieba-format user dictionary (``word freq tag`` per line).
        stopwords: ``"policy"`` (shipped list), ``None`` (no stopwords) or a path.
        hmm: use jieba's HMM for unknown words (default off, see the module docstring).

    Example:
        >>> seg = Segmenter()
        >>> seg.cut("推进河湖长制")
        ['推进', '河湖长制']
    """

    def __init__(self, *, dictionary: str | Path | None = "policy",
                 stopwords: str | Path | None = "policy", hmm: bool = False):
        self.hmm = hmm
        self._dictionary = _resources.user_dictionary(dictionary) if dictionary else None
        self._stopwords = _resources.stopword_list(stopwords) if stopwords else None
        self._tokenizer = None
        self._graph = None
        self._shipped_dictionary = dictionary is None or dictionary in _resources.SHIPPED["dictionary"]

    @property
    def info(self) -> dict[str, str]:
        """Versions and hashes of what shaped the tokens (recorded in results)."""
        jieba = _quiet_jieba()
        return {
            "jieba": jieba.__version__,
            "hmm": str(self.hmm),
            "dictionary": self._dictionary.label if self._dictionary else "none",
            "stopwords": self._stopwords.label if self._stopwords else "none",
        }

    @property
    def tokenizer(self):
        """The private ``jieba.Tokenizer``, built on first use.

        With ``hmm=False`` words come from :class:`_WordGraph`, made from this tokenizer's
        dictionary once (or read from its cache): do not change the tokenizer's words.
        """
        if self._tokenizer is None:
            self._tokenizer = self._build_tokenizer()
        return self._tokenizer

    @property
    def _word_graph(self) -> _WordGraph:
        """The word automaton of the HMM-off path, built on first use (1–3 s) and, for the
        shipped dictionaries, pickled in the cache folder (about 20 MB; 0.1 s to read)."""
        if self._graph is None:
            def build():
                return _WordGraph.tables(self.tokenizer)
            if self._shipped_dictionary:
                jieba = _quiet_jieba()
                source = self._dictionary.resource.sha256[:16] if self._dictionary else "none"
                ac = importlib.metadata.version("pyahocorasick")
                name = f"words-jieba-{jieba.__version__}-{source}-ac-{ac}-v{_WordGraph.FORMAT}.pickle"
                self._graph = _WordGraph(*_resources.cached(_resources.cache_dir() / name, build))
            else:
                self._graph = _WordGraph(*build())
        return self._graph

    def _build_tokenizer(self):
        jieba = _quiet_jieba()
        tokenizer = jieba.Tokenizer()
        tokenizer.cache_file = str(_resources.cache_dir() / f"jieba-{jieba.__version__}-main.cache")
        with contextlib.redirect_stderr(io.StringIO()):
            tokenizer.initialize()
        if self._dictionary:
            for entry in self._dictionary.entries:
                tokenizer.add_word(entry.word, entry.freq, entry.tag)
        return tokenizer

    def cut(self, text: str) -> list[str]:
        """Segment ``text`` into words (punctuation and spaces are words too)."""
        return [word for word, _, _ in self.cut_spans(text)]

    def cut_spans(self, text: str) -> list[tuple[str, int, int]]:
        """Segment ``text`` into ``(word, start, end)`` triples; ``text[start:end] == word``.

        Runs of digits (with decimals, thousands separators and a percent sign) are one
        token each; the text between them is cut as jieba cuts it (with HMM off, by
        :class:`_WordGraph`, which gives jieba's words).
        """
        text = _as_text(text)
        if not self.hmm:
            return self._word_graph.spans(text)
        spans, done = [], 0
        for number in _NUMBER_RUN.finditer(text):
            spans.extend(self._jieba_spans(text[done:number.start()], done))
            spans.append((number.group(), number.start(), number.end()))
            done = number.end()
        spans.extend(self._jieba_spans(text[done:], done))
        return spans

    def _jieba_spans(self, chunk: str, offset: int) -> list[tuple[str, int, int]]:
        if not chunk:
            return []
        return [(w, offset + s, offset + e) for w, s, e in self.tokenizer.tokenize(chunk, HMM=self.hmm)]

    def tag(self, text: str) -> list[Token]:
        """Segment and tag: the same words as :meth:`cut`, each with a jieba POS tag.

        Tags come from jieba's dictionary and the policy dictionary; numbers get
        ``m``, Latin words ``eng``, punctuation ``x``, unknown words ``x``.
        """
        return self.tag_spans(self.cut_spans(text))

    def tag_spans(self, spans: list[tuple[str, int, int]]) -> list[Token]:
        """:meth:`tag` of a text already cut into ``spans`` (from :meth:`cut_spans`)."""
        return [Token(w, self._tag_of(w), s, e) for w, s, e in spans]

    def is_stop(self, word: str) -> bool:
        """True for stopwords, punctuation and whitespace."""
        if _PUNCT_OR_SPACE.match(word):
            return True
        return bool(self._stopwords) and word in self._stopwords.words

    def _tag_of(self, word: str) -> str:
        tag = self._tags.get(word)
        if tag:
            return tag
        if _NUMBER.match(word):
            return "m"
        if _LATIN.match(word):
            return "eng"
        return "x"

    @cached_property
    def _tags(self) -> dict[str, str]:
        tags = dict(_resources.jieba_tags())
        if self._dictionary:
            tags.update({e.word: e.tag for e in self._dictionary.entries if e.tag})
        return tags


class _WordGraph:
    """jieba's HMM-off segmentation, fast: ``spans(text)`` returns the ``(word, start, end)``
    triples of the number runs plus ``tokenizer.tokenize(chunk, HMM=False)`` between them.

    jieba cuts each block (a run of ``_BLOCK`` characters) by finding every dictionary word
    (frequency > 0) that starts at each position, then choosing from the right end the
    route of highest summed ``log(freq) - log(total)``, ties going to the longer word; a
    position where no word starts is a one-character word of frequency 1. Here an
    Aho–Corasick automaton holds every word that can occur in a block, reversed, plus each
    block character that is no word as an "unknown" word. One pass over the reversed text,
    every character outside blocks replaced by a separator that no word holds, yields the
    words by start position, right to left, longest first at each position, as the route
    needs them; the route score at a separator is 0.0, the score of a block's end. (Words
    found in a number run's ``.`` or ``%`` are never read.) Scores are the same float
    operations in the same order as jieba's, so ties fall the same way.

    Args (see :meth:`tables`): the automaton, reversed word -> ``(length, log-probability,
    score when first at its position)``: the two are equal, except for an unknown
    character, which counts (with jieba's log-probability of an unknown character) only
    where no word starts.
    """

    FORMAT = 4  # bump when tables() changes: it names the cache file

    def __init__(self, automaton):
        self.automaton = automaton

    @staticmethod
    def tables(tokenizer) -> tuple:
        """``(automaton,)`` from a jieba tokenizer's ``FREQ`` and ``total``."""
        import ahocorasick

        logtotal = math.log(tokenizer.total)
        # pyahocorasick searches a node's children in insertion order: frequent words first.
        words = sorted(((w, f) for w, f in tokenizer.FREQ.items() if f and _BLOCK.fullmatch(w)),
                       key=lambda wf: -wf[1])
        automaton, values = ahocorasick.Automaton(), {}
        # The separator is the root's first child: found at once. This word never occurs.
        automaton.add_word(_SEPARATOR + "\x01", None)
        for word, freq in words:
            value = values.get((len(word), freq))
            if value is None:
                logp = math.log(freq) - logtotal
                value = values[len(word), freq] = (len(word), logp, logp)
            automaton.add_word(word[::-1], value)
        unknown = (1, -math.inf, 0.0 - logtotal)
        for char in map(chr, [*range(128), *range(0x4E00, 0x9FD6)]):
            if _BLOCK.fullmatch(char) and not tokenizer.FREQ.get(char):
                automaton.add_word(char, unknown)
        automaton.make_automaton()
        return (automaton,)

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """``(word, start, end)`` for all of ``text``."""
        length = self._lengths(_OUTSIDE.sub(_SEPARATOR, text)[::-1])
        length.reverse()  # length[i]: the length of the word that starts at text[i]
        if _DIGIT.search(text):  # every number run starts with one
            for number in _NUMBER_RUN.finditer(text):
                start, end = number.span()
                length[start] = end - start
        if "\r\n" in text:
            for crlf in _CRLF.finditer(text):
                length[crlf.start()] = 2
        return _words(text, length)

    def _lengths(self, scan: str) -> list[int]:
        """The length of the first word of the best route from each block position of
        ``scan`` (a reversed text, ``_SEPARATOR`` outside blocks) to the block's start."""
        # score[j]: the best route's score from j to its block's start (0.0 outside blocks).
        score, length, last = [0.0] * (len(scan) + 1), [1] * len(scan), -1
        for j, (size, logp, first) in self.automaton.iter(scan):
            if j != last:  # the longest word ending at j comes first: it wins ties
                score[j], length[j], last = first + score[j - size], size, j
            else:
                value = logp + score[j - size]
                if value > score[j]:
                    score[j], length[j] = value, size
        return length


def _words(text: str, length: list[int]) -> list[tuple[str, int, int]]:
    """``(word, start, end)`` along ``text``, word by word, ``length[i]`` the length of the
    word that starts at ``i``; runs of one-letter words are joined, as jieba does."""
    out, x, n = [], 0, len(text)
    if not _LETTER.search(text):
        while x < n:
            y = x + length[x]
            out.append((text[x:y], x, y))
            x = y
        return out
    joined = -1
    while x < n:
        y = x + length[x]
        if y - x == 1 and _LETTER.match(text, x):
            joined = x if joined < 0 else joined
        else:
            if joined >= 0:
                out.append((text[joined:x], joined, x))
                joined = -1
            out.append((text[x:y], x, y))
        x = y
    if joined >= 0:
        out.append((text[joined:], joined, n))
    return out


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """One shared ``Segmenter()`` per process, for functions called without a segmenter.

    Building jieba's prefix dictionary takes about a second; stages that segment reuse
    this one instead of building their own. Its state never changes after it is built.
    """
    return Segmenter()


def _as_text(text) -> str:
    if not isinstance(text, str):
        raise InputError(f"<text>: expected a str to segment, got {type(text).__name__}")
    return text


def tokens(units: pd.DataFrame, segmenter: Segmenter | None = None, *, pos: bool = False) -> pd.DataFrame:
    """The tokens table of a units table.

    Args:
        units: a units table (needs ``doc_id``, ``unit_id``, ``text``; ``start`` if present
            maps token spans into the raw text).
        segmenter: a :class:`Segmenter` (default: :func:`default_segmenter`).
        pos: fill ``tag`` with jieba POS tags (otherwise ``""``).

    Returns:
        ``tokens``: doc_id, unit_id, pos_in_unit, word, tag, is_stop, start, end —
        ``start``/``end`` index the raw document text when the units carry spans, else
        the unit text. Whitespace tokens are dropped.

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d"], "unit_id": [0], "text": ["加快河湖长制建设"]})
        >>> tokens(u).word.tolist()
        ['加快', '河湖长制', '建设']
    """
    seg = segmenter or default_segmenter()
    offsets = units["start"].tolist() if "start" in units.columns else [0] * len(units)
    found, counts = [], []  # the kept tokens of all units, and how many each unit has
    for text in units["text"].tolist():
        kept = seg.tag(text) if pos else seg.cut_spans(text)
        if _SPACE.search(text):  # \s is str.isspace: only then can a token be whitespace
            kept = [tok for tok in kept if not tok[0].isspace()]
        found += kept
        counts.append(len(kept))
    if not found:
        table = empty_table(TOKENS)
    else:
        table = _token_columns(units, found, counts, np.array(offsets, dtype="int64"), seg, pos)
    table.attrs["segmenter"] = seg.info
    return table


def _token_columns(units: pd.DataFrame, found: list, counts: list[int], offsets: np.ndarray,
                   seg: Segmenter, pos: bool) -> pd.DataFrame:
    """The tokens table from all units' ``(word, [tag,] start, end)`` tokens, ``counts[i]`` of unit i.

    Unit columns are repeated and spans shifted by the unit offsets as whole arrays; each
    distinct word is tested for being a stopword once.
    """
    words = [tok[0] for tok in found]
    word = pd.array(words, dtype=TOKENS["word"])
    codes, distinct = pd.factorize(word)  # each token's index in the distinct words
    starts = np.fromiter(map(itemgetter(-2), found), dtype="int64", count=len(words))
    ends = starts + pd.Series(word).str.len().to_numpy()  # text[start:end] == word
    owner = np.repeat(np.arange(len(counts)), counts)  # the unit of each token
    first = np.cumsum(counts) - counts  # index of each unit's first token
    no_tags = pd.array([""], dtype=TOKENS["tag"]).take(np.zeros(len(words), dtype=np.intp))
    return pd.DataFrame({
        "doc_id": units["doc_id"].astype(TOKENS["doc_id"]).array.take(owner),
        "unit_id": units["unit_id"].to_numpy()[owner],
        "pos_in_unit": np.arange(len(owner)) - first[owner],
        "word": word,
        "tag": pd.array([tok[1] for tok in found], dtype=TOKENS["tag"]) if pos else no_tags,
        "is_stop": np.array([seg.is_stop(w) for w in distinct], dtype=bool)[codes],
        "start": starts + offsets[owner],
        "end": ends + offsets[owner],
    }).astype(TOKENS)


def frequencies(tokens: pd.DataFrame, *, by: str | list[str] | None = None,
                units: pd.DataFrame | None = None, min_length: int = 2) -> pd.DataFrame:
    """Word counts, stopwords and punctuation left out.

    Args:
        tokens: a tokens table.
        by: column(s) to count within (e.g. ``"doc_id"``, or ``"part"`` with ``units``).
        units: the units table, to count by one of its columns (``part``, ``path``, …).
        min_length: shortest word counted, in characters (default 2: single characters such
            as 新 and 县 are mostly parts of phrases; pass 1 to keep them).

    Returns:
        Columns ``[*by, word, count]``, sorted by the ``by`` columns, then count
        (descending), then word — a total order, so ties never reorder between runs.

    Example:
        >>> t = pd.DataFrame({"word": ["发展", "的", "发展", "新"], "is_stop": [False, True, False, False]})
        >>> frequencies(t).to_dict("records")
        [{'word': '发展', 'count': 2}]
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    if units is not None:
        extra = [k for k in keys if k not in tokens.columns]
        tokens = tokens.merge(units[["doc_id", "unit_id", *extra]], on=["doc_id", "unit_id"], how="left")
    missing = [k for k in keys if k not in tokens.columns]
    if missing:
        raise InputError(f"<tokens>: frequencies(by=...) names columns the tokens table lacks: {missing}")
    kept = tokens.loc[~tokens["is_stop"] & (tokens["word"].str.len() >= min_length), keys + ["word"]]
    counts = kept.groupby(keys + ["word"], sort=False).size().rename("count").reset_index()
    order = keys + ["count", "word"]
    ascending = [True] * len(keys) + [False, True]
    return counts.sort_values(order, ascending=ascending, kind="mergesort").reset_index(drop=True)


def dictionary_effect(units: pd.DataFrame, segmenter: Segmenter, baseline: Segmenter) -> pd.DataFrame:
    """Where ``segmenter`` keeps a word whole that ``baseline`` splits (e.g. policy vs bare jieba).

    Returns:
        Columns word (as ``segmenter`` cuts it), baseline (how ``baseline`` cuts the same
        span, words joined by ``" / "``), count — most frequent first, then by word.

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d"], "unit_id": [0], "text": ["推进河湖长制"]})
        >>> dictionary_effect(u, Segmenter(), Segmenter(dictionary=None)).values.tolist()
        [['河湖长制', '河湖 / 长 / 制', 1]]
    """
    changes = []
    for text in units["text"]:
        ours, theirs = segmenter.cut_spans(text), baseline.cut_spans(text)
        starts = {start: i for i, (_, start, _) in enumerate(theirs)}
        for word, start, end in ours:
            if start in starts and len(word) > 1:
                i = starts[start]
                parts = []
                while i < len(theirs) and theirs[i][2] <= end:
                    parts.append(theirs[i][0])
                    i += 1
                if len(parts) > 1 and "".join(parts) == word:
                    changes.append((word, " / ".join(parts)))
    table = pd.DataFrame(changes, columns=["word", "baseline"])
    counts = table.groupby(["word", "baseline"]).size().rename("count").reset_index()
    return counts.sort_values(["count", "word"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
