"""Codebook-driven, multi-label theme tagging with evidence.

A codebook is a YAML data file. Two ship with policytext (``five_in_one``: the
五位一体 layout; ``policy_instruments``: Rothwell & Zegveld's supply-side,
environment-side and demand-side tools); a researcher can pass the path of their
own file instead of a name.

Codebook format
---------------
Top-level keys (``id`` and ``themes`` are required)::

    id: five_in_one            # identifier, recorded in the tags table
    version: "1.0"
    title: ...
    description: ...           # how the content was built
    sources: [...]             # references for the definitions
    matching:                  # optional
      default: word            # "word" (default) or "substring"
      min_score: 1.0           # default threshold of a tag
    themes:
      - id: economic           # [a-z][a-z0-9_]*, unique in the codebook
        label_zh: 经济建设
        label_en: Economic construction
        definition: ...
        sources: [...]
        terms:                 # a list (weight 1 each) or a mapping term -> weight,
          产业: 1              # or term -> {weight: 2, substring: true}
          招商引资: 2
        patterns: ['GDP|地区生产总值']   # regexes, or a mapping regex -> weight
        exclude: [发展环境]    # phrases containing a term that do not signal the theme
        subthemes: [...]       # the same structure, nested one level

Matching rules (decided once, tested in ``tests/test_themes.py``):

* **Word mode** (default): a term matches where its characters occur in the unit
  text and do not straddle a word boundary of the segmenter: the match lies inside
  one word (``扶贫`` in 产业扶贫) or begins and ends on word boundaries (``生态环境``
  over 生态/环境). So ``治安`` does not match in 政治/安全, nor ``人大`` in 个人/大会.
  Terms marked ``substring: true`` (and all terms when ``matching.default`` is
  ``substring``) match anywhere.
* **Patterns** are regular expressions matched on the unit text anywhere.
* **Exclusions** are phrases matched anywhere; a match of the theme lying inside
  an occurrence of one of its exclusion phrases is dropped (``绿色通道`` is not
  ecological).
* **Longest match wins across themes**: a match strictly inside a longer match
  (of any theme) is dropped, so a compound listed in the codebook decides its own
  themes. Hence the shipped decisions: ``文化广场`` is a cultural term (public
  cultural facility), ``生态农业`` is listed under both ``ecological`` and
  ``economic`` (explicit weights), ``安全生产`` is ``social`` (work safety),
  ``党建`` is ``political`` (party building).
* The score of a theme in a unit is the sum of the weights of the *distinct* terms
  (and pattern matches) found for it and its subthemes — repeating a word does not
  raise the score; a theme (or subtheme) is tagged when its score is at least
  ``min_score``. Several themes can be tagged on one unit. Weak cues get a weight
  below ``min_score`` so that they need a second cue.

A term listed under two themes must have an explicit weight (mapping form) in
both places; otherwise loading fails. Every problem in a file raises
:class:`~policytext.errors.CodebookError` naming the file, the theme and the
problem.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.resources
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal, NamedTuple

import pandas as pd
import yaml

from ._phrases import PhraseIndex
from .errors import CodebookError, InputError
from .labels import read_labels
from .schemas import TAGS, require_columns
from .segment import default_segmenter

__all__ = ["Codebook", "themes", "theme_shares", "heading_sentences", "heading_agreement", "agreement_by_part",
           "primary_agreement", "theme_validation", "validation_split"]

SHIPPED_CODEBOOKS = ("five_in_one", "policy_instruments")


_TOP_KEYS = {"id", "version", "title", "description", "sources", "matching", "themes"}
_THEME_KEYS = {"id", "label_zh", "label_en", "definition", "sources", "terms", "patterns", "exclude",
               "subthemes"}
_MATCHING_KEYS = {"default", "min_score"}
_TERM_KEYS = {"weight", "substring"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class Term(NamedTuple):
    """A codebook term: its text, weight, matching mode, and whether the weight was explicit."""

    text: str
    weight: float
    substring: bool
    explicit: bool


@dataclass(frozen=True)
class Theme:
    """One theme (or subtheme) of a codebook, patterns compiled."""

    id: str
    parent: str  # "" for a top-level theme
    label_zh: str = ""
    label_en: str = ""
    definition: str = ""
    sources: tuple[str, ...] = ()
    terms: tuple[Term, ...] = ()
    patterns: tuple[tuple[re.Pattern, float], ...] = ()
    exclude: tuple[str, ...] = ()
    subthemes: tuple[Theme, ...] = ()


class Match(NamedTuple):
    """One piece of evidence: ``text[start:end] == term`` found for theme node ``node``."""

    start: int
    end: int
    term: str
    node: tuple[str, str]  # (theme, subtheme) with subtheme "" for the theme's own terms
    weight: float


@dataclass(frozen=True)
class Codebook:
    """A validated codebook, patterns compiled. Build it with :meth:`Codebook.load`.

    Example:
        >>> cb = Codebook.load("five_in_one")
        >>> cb.theme_ids
        ('economic', 'political', 'cultural', 'social', 'ecological')
    """

    id: str
    version: str
    title: str
    path: Path
    sha256: str
    themes: tuple[Theme, ...]
    default_mode: Literal["word", "substring"] = "word"
    min_score: float = 1.0
    sources: tuple[str, ...] = ()

    @classmethod
    def load(cls, name_or_path: str | Path) -> Codebook:
        """Load and validate a shipped codebook (``"five_in_one"``, ``"policy_instruments"``) or a YAML file.

        Raises:
            CodebookError: the file is missing or malformed; the message names the
                file, the theme and the problem.
        """
        path = _codebook_path(name_or_path)
        data = path.read_bytes()
        try:
            raw = yaml.load(data.decode("utf-8"), Loader=_YAML_LOADER)
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise CodebookError(f"{path}: not a readable UTF-8 YAML file ({exc})") from None
        return _parse_codebook(raw, path, hashlib.sha256(data).hexdigest())

    @property
    def theme_ids(self) -> tuple[str, ...]:
        """Ids of the top-level themes, in file order."""
        return tuple(t.id for t in self.themes)

    @property
    def subtheme_ids(self) -> tuple[tuple[str, str], ...]:
        """``(theme, subtheme)`` pairs, in file order."""
        return tuple((t.id, s.id) for t in self.themes for s in t.subthemes)

    @property
    def label(self) -> str:
        """``id vVERSION sha256:PREFIX`` — what results record about this codebook."""
        return f"{self.id} v{self.version} sha256:{self.sha256[:12]}"

    def terms_table(self) -> pd.DataFrame:
        """All terms: columns theme, subtheme, term, weight, substring (file order)."""
        rows = [(node.parent or node.id, node.id if node.parent else "", t.text, t.weight, t.substring)
                for node in self._nodes() for t in node.terms]
        return pd.DataFrame(rows, columns=["theme", "subtheme", "term", "weight", "substring"])

    def matches(self, text: str, words: Sequence[tuple[str, int, int]] | None = None) -> list[Match]:
        """The evidence in one text: all surviving matches, sorted by start, end, term, node.

        Args:
            text: the unit text.
            words: ``(word, start, end)`` spans of the segmented text; ``None`` lets every
                term match anywhere (substring mode).
        """
        keys = self._matcher.keys
        return [Match(start, end, term, keys[rank], weight)
                for start, end, term, rank, _, weight in self._matcher.hits(text, words)]

    def _nodes(self) -> Iterable[Theme]:
        for theme in self.themes:
            yield theme
            yield from theme.subthemes

    @cached_property
    def _keyed_nodes(self) -> tuple[tuple[Theme, tuple[str, str]], ...]:
        """Every theme and subtheme with its node key ``(theme, subtheme)``, in file order."""
        return tuple((node, (node.parent or node.id, node.id if node.parent else "")) for node in self._nodes())

    @cached_property
    def _patterns(self) -> tuple[tuple[tuple[str, str], re.Pattern, float], ...]:
        """``(node key, pattern, weight)`` of every pattern, in file order."""
        return tuple((key, pattern, weight) for node, key in self._keyed_nodes for pattern, weight in node.patterns)

    @cached_property
    def _pattern_screen(self) -> re.Pattern | None:
        """One regex that matches wherever any pattern does, to skip the texts none matches.

        ``None`` (try each pattern) when there are no patterns or they cannot be joined into
        one alternation: groups would be renumbered, inline global flags cannot move.
        """
        patterns = [pattern for _, pattern, _ in self._patterns]
        if not patterns or any(pattern.groups for pattern in patterns):
            return None
        try:
            return re.compile("|".join(f"(?:{pattern.pattern})" for pattern in patterns))
        except re.error:
            return None

    @cached_property
    def _matcher(self) -> _Matcher:
        """The matching rules compiled (one automaton for term and exclusion phrases)."""
        return _Matcher(self)


# ---------------------------------------------------------------- loading and validation

# libyaml's safe loader when PyYAML was built with it (the PyPI wheels are): 10x faster than
# the pure-Python one, which took a second per worker start-up for the two shipped codebooks
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _codebook_path(name_or_path: str | Path) -> Path:
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_CODEBOOKS:
        root = importlib.resources.files("policytext") / "resources" / "codebooks"
        return Path(str(root / f"{name_or_path}.yaml"))
    path = Path(name_or_path)
    if not path.is_file():
        raise CodebookError(f"{path}: no such codebook file (shipped codebooks: {', '.join(SHIPPED_CODEBOOKS)})")
    return path


def _parse_codebook(raw: Any, path: Path, sha256: str) -> Codebook:
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: a codebook is a YAML mapping with keys id and themes")
    _check_keys(raw, _TOP_KEYS, path, "top level")
    cb_id = _required_str(raw, "id", path, "top level")
    matching = raw.get("matching") or {}
    if not isinstance(matching, dict):
        raise CodebookError(f"{path}: top level: 'matching' must be a mapping, got {type(matching).__name__}")
    _check_keys(matching, _MATCHING_KEYS, path, "matching")
    mode = matching.get("default", "word")
    if mode not in ("word", "substring"):
        raise CodebookError(f"{path}: matching: 'default' must be 'word' or 'substring', got {mode!r}")
    min_score = _number(matching.get("min_score", 1.0), path, "matching", "min_score")
    themes_raw = raw.get("themes")
    if not isinstance(themes_raw, list) or not themes_raw:
        raise CodebookError(f"{path}: top level: 'themes' must be a non-empty list of themes")
    themes = tuple(_parse_theme(t, path, parent="", index=i) for i, t in enumerate(themes_raw))
    _check_unique_ids(themes, path)
    _check_duplicate_terms(themes, path)
    return Codebook(id=cb_id, version=str(raw.get("version", "")), title=str(raw.get("title", "")),
                    path=path, sha256=sha256, themes=themes, default_mode=mode, min_score=min_score,
                    sources=tuple(_str_list(raw.get("sources", []), path, "top level", "sources")))


def _parse_theme(raw: Any, path: Path, *, parent: str, index: int) -> Theme:
    where = f"theme #{index + 1}" + (f" of '{parent}'" if parent else "")
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: {where}: a theme must be a mapping, got {type(raw).__name__}")
    theme_id = _required_str(raw, "id", path, where)
    where = f"theme '{parent}/{theme_id}'" if parent else f"theme '{theme_id}'"
    if not _ID.match(theme_id):
        raise CodebookError(f"{path}: {where}: id must match [a-z][a-z0-9_]*")
    _check_keys(raw, _THEME_KEYS, path, where)
    if parent and "subthemes" in raw:
        raise CodebookError(f"{path}: {where}: subthemes nest one level only")
    subthemes = tuple(_parse_theme(s, path, parent=theme_id, index=i)
                      for i, s in enumerate(_list(raw.get("subthemes", []), path, where, "subthemes")))
    theme = Theme(
        id=theme_id, parent=parent,
        label_zh=_optional_str(raw, "label_zh", path, where),
        label_en=_optional_str(raw, "label_en", path, where),
        definition=_optional_str(raw, "definition", path, where),
        sources=tuple(_str_list(raw.get("sources", []), path, where, "sources")),
        terms=_parse_terms(raw.get("terms", []), path, where),
        patterns=_parse_patterns(raw.get("patterns", []), path, where),
        exclude=tuple(_str_list(raw.get("exclude", []), path, where, "exclude")),
        subthemes=subthemes,
    )
    if not (theme.terms or theme.patterns or theme.subthemes):
        raise CodebookError(f"{path}: {where}: empty theme — give it terms or patterns")
    return theme


def _parse_terms(raw: Any, path: Path, where: str) -> tuple[Term, ...]:
    if isinstance(raw, list):
        return tuple(Term(t, 1.0, False, False) for t in _str_list(raw, path, where, "terms"))
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: {where}: 'terms' must be a list or a mapping term -> weight, "
                            f"got {type(raw).__name__}")
    terms = []
    for text, value in raw.items():
        if not isinstance(text, str) or not text.strip():
            raise CodebookError(f"{path}: {where}: term {text!r} must be a non-empty string")
        if isinstance(value, dict):
            _check_keys(value, _TERM_KEYS, path, f"{where}: term '{text}'")
            weight = _number(value.get("weight", 1.0), path, where, f"weight of '{text}'")
            substring = value.get("substring", False)
            if not isinstance(substring, bool):
                raise CodebookError(f"{path}: {where}: 'substring' of term '{text}' must be true or false")
            terms.append(Term(text, weight, substring, "weight" in value))
        else:
            terms.append(Term(text, _number(value, path, where, f"weight of '{text}'"), False, True))
    return tuple(terms)


def _parse_patterns(raw: Any, path: Path, where: str) -> tuple[tuple[re.Pattern, float], ...]:
    if isinstance(raw, list):
        items = [(p, 1.0) for p in _str_list(raw, path, where, "patterns")]
    elif isinstance(raw, dict):
        items = [(p, _number(w, path, where, f"weight of pattern {p!r}")) for p, w in raw.items()]
    else:
        raise CodebookError(f"{path}: {where}: 'patterns' must be a list of regexes or a mapping "
                            f"regex -> weight, got {type(raw).__name__}")
    compiled = []
    for pattern, weight in items:
        try:
            compiled.append((re.compile(pattern), weight))
        except (re.error, TypeError) as exc:
            raise CodebookError(f"{path}: {where}: bad regex {pattern!r}: {exc}") from None
    return tuple(compiled)


def _check_keys(raw: dict, allowed: set[str], path: Path, where: str) -> None:
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise CodebookError(f"{path}: {where}: unknown key(s) {', '.join(unknown)} "
                            f"(allowed: {', '.join(sorted(allowed))})")


def _required_str(raw: dict, key: str, path: Path, where: str) -> str:
    if key not in raw:
        raise CodebookError(f"{path}: {where}: missing '{key}'")
    return _optional_str(raw, key, path, where)


def _optional_str(raw: dict, key: str, path: Path, where: str) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (key == "id" and not value.strip()):
        raise CodebookError(f"{path}: {where}: '{key}' must be a non-empty string, got {value!r}")
    return value


def _list(raw: Any, path: Path, where: str, key: str) -> list:
    if not isinstance(raw, list):
        raise CodebookError(f"{path}: {where}: '{key}' must be a list, got {type(raw).__name__}")
    return raw


def _str_list(raw: Any, path: Path, where: str, key: str) -> list[str]:
    items = _list(raw, path, where, key)
    bad = [x for x in items if not isinstance(x, str) or not x.strip()]
    if bad:
        raise CodebookError(f"{path}: {where}: '{key}' must hold non-empty strings, got {bad[0]!r}")
    return items


def _number(value: Any, path: Path, where: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise CodebookError(f"{path}: {where}: {what} must be a positive number, got {value!r}")
    return float(value)


def _check_unique_ids(themes: tuple[Theme, ...], path: Path) -> None:
    seen = set()
    for theme in themes:
        for node in (theme, *theme.subthemes):
            name = f"{node.parent}/{node.id}" if node.parent else node.id
            if node.id in seen:
                raise CodebookError(f"{path}: theme '{name}': id '{node.id}' is used twice")
            seen.add(node.id)


def _check_duplicate_terms(themes: tuple[Theme, ...], path: Path) -> None:
    first: dict[str, tuple[str, Term]] = {}
    for theme in themes:
        for node in (theme, *theme.subthemes):
            name = f"{node.parent}/{node.id}" if node.parent else node.id
            for term in node.terms:
                if term.text not in first:
                    first[term.text] = (name, term)
                    continue
                other, earlier = first[term.text]
                if other == name:
                    raise CodebookError(f"{path}: theme '{name}': term '{term.text}' is listed twice")
                if not (term.explicit and earlier.explicit):
                    raise CodebookError(
                        f"{path}: theme '{name}': term '{term.text}' is also in theme '{other}'; a term "
                        f"in two themes needs an explicit weight in both (terms: {{{term.text}: 1}})")


# ---------------------------------------------------------------- matching

# A hit is a tuple (start, end, term, rank, source, weight): ``rank`` is the position of the
# node key (theme, subtheme) among the codebook's node keys sorted, so hits sort as the
# evidence (start, end, term, node); ``source`` is 0 for a term and 1 + the pattern's number
# for a pattern, so equal evidence keeps a fixed order (terms, then patterns in file order).
_Hit = tuple[int, int, str, int, int, float]


class _Matcher:
    """The matching rules of a codebook, compiled: one automaton for the term and exclusion
    phrases, the patterns with a joined pre-screen.

    ``keys[rank]`` is the node key of a hit's rank.
    """

    def __init__(self, cb: Codebook):
        self.keys = tuple(sorted(key for _, key in cb._keyed_nodes))
        rank = {key: i for i, key in enumerate(self.keys)}
        # phrase -> ([(rank, weight, word mode)] of the nodes it is a term of, [ranks of the nodes it excludes])
        phrases: dict[str, tuple[list, list]] = {}
        for node, key in cb._keyed_nodes:
            for term in node.terms:
                word_mode = not term.substring and cb.default_mode == "word"
                phrases.setdefault(term.text, ([], []))[0].append((rank[key], term.weight, word_mode))
            for phrase in node.exclude:
                phrases.setdefault(phrase, ([], []))[1].append(rank[key])
        self.phrases = PhraseIndex({phrase: (phrase, len(phrase), tuple(terms), tuple(excluded))
                                    for phrase, (terms, excluded) in phrases.items()})
        self.patterns = tuple((rank[key], pattern, weight, source)
                              for source, (key, pattern, weight) in enumerate(cb._patterns, start=1))
        self.screen = cb._pattern_screen

    def hits(self, text: str, words: Sequence[tuple[str, int, int]] | None) -> list[_Hit]:
        """The surviving matches in ``text``, sorted (see :meth:`Codebook.matches`)."""
        hits: list[_Hit] = []
        blocked: dict[int, list[tuple[int, int]]] = {}
        for last, (phrase, size, terms, excluded) in self.phrases.ends(text):
            end = last + 1
            start = end - size
            for rank, weight, word_mode in terms:
                if not word_mode or words is None or _allows(words, start, end):
                    hits.append((start, end, phrase, rank, 0, weight))
            for rank in excluded:
                blocked.setdefault(rank, []).append((start, end))
        if self.patterns and (self.screen is None or self.screen.search(text)):
            for rank, pattern, weight, source in self.patterns:
                for m in pattern.finditer(text):
                    start, end = m.span()
                    if end > start:
                        hits.append((start, end, m.group(0), rank, source, weight))
        if blocked:
            hits = [hit for hit in hits if hit[3] not in blocked or not _inside(hit, blocked[hit[3]])]
        if len(hits) > 1:
            hits.sort()
            return _drop_nested(hits)
        return hits


_START = itemgetter(1)


def _allows(words: Sequence[tuple[str, int, int]], start: int, end: int) -> bool:
    """True when ``[start, end)`` lies inside one of the ``(word, start, end)`` spans ``words``
    (sorted) or begins and ends on word boundaries."""
    first = bisect.bisect_right(words, start, key=_START) - 1
    last = bisect.bisect_right(words, end - 1, key=_START) - 1
    if first < 0 or first == last:
        return True
    return words[first][1] == start and words[last][2] == end


def _inside(hit: _Hit, spans: list[tuple[int, int]]) -> bool:
    """True when ``hit`` lies inside one of ``spans``."""
    return any(start <= hit[0] and hit[1] <= end for start, end in spans)


def _drop_nested(hits: list[_Hit]) -> list[_Hit]:
    """Drop the hits lying strictly inside a longer hit (of any theme); ``hits`` sorted.

    A span is inside a longer one when one starting earlier ends at or after its end, or
    one starting with it ends after its end.
    """
    widest = {hit[0]: hit[1] for hit in hits}  # start -> the largest end (hits are sorted)
    kept = []
    reach = previous_end = -1  # reach: the largest end of the hits starting before this one
    current = None
    for hit in hits:
        start, end = hit[0], hit[1]
        if start != current:
            current = start
            if previous_end > reach:
                reach = previous_end
        previous_end = end
        if end > reach and end == widest[start]:
            kept.append(hit)
    return kept


# ---------------------------------------------------------------- the tags table

def _load(codebook: str | Path | Codebook) -> Codebook:
    return codebook if isinstance(codebook, Codebook) else Codebook.load(codebook)


def _span_cutter(segmenter) -> Callable[[str], Iterable[tuple[str, int, int]]]:
    """A function giving the ``(word, start, end)`` spans of ``segmenter`` on a text."""
    if hasattr(segmenter, "cut_spans"):
        return segmenter.cut_spans
    return lambda text: _spans_of_words(segmenter.cut(text), text)


def _spans_of_words(words: Iterable[str], text: str) -> list[tuple[str, int, int]]:
    """``(word, start, end)`` of consecutive ``words`` of ``text``."""
    spans, pos = [], 0
    for word in words:
        start = text.find(word, pos)
        if start < 0:
            raise InputError(f"<segmenter>: word {word!r} is not in the text {text[:30]!r}")
        spans.append((word, start, start + len(word)))
        pos = start + len(word)
    return spans


def themes(units: pd.DataFrame, *, codebook: str | Path | Codebook = "five_in_one", segmenter=None,
           min_score: float | None = None) -> pd.DataFrame:
    """The tags table: the codebook's themes found in each unit, with score and evidence.

    Args:
        units: a units table; needs ``doc_id``, ``unit_id``, ``text``.
        codebook: a shipped codebook name (``"five_in_one"``, ``"policy_instruments"``),
            the path of a YAML codebook, or a :class:`Codebook`.
        segmenter: an object with ``cut_spans(text)`` or ``cut(text)`` (default: a new
            :class:`policytext.segment.Segmenter`); it sets the word boundaries that
            word-mode terms must respect (see the module docstring).
        min_score: smallest score that makes a tag (default: the codebook's
            ``matching.min_score``, 1.0 in the shipped codebooks).

    Returns:
        ``tags``: doc_id, unit_id, codebook, theme, subtheme, score, evidence — one row
        per unit and tagged theme (``subtheme == ""``, score including its subthemes)
        and one per unit and tagged subtheme. ``evidence`` lists the matches as
        ``term:start-end`` joined by ``;`` with ``start``/``end`` (end exclusive) indexing
        the unit text. Untagged units have no row. Sorted by doc_id, unit_id, then
        codebook order. ``attrs["codebook"]`` records the codebook's id, version and hash.

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d"], "unit_id": [0], "text": ["加强党建,改善生态环境"]})
        >>> themes(u)[["theme", "evidence"]].to_dict("records")
        [{'theme': 'political', 'evidence': '党建:2-4'}, {'theme': 'ecological', 'evidence': '生态环境:7-11'}]
    """
    require_columns(units, ("doc_id", "unit_id", "text"), "units", "themes")
    cb = _load(codebook)
    cut = _span_cutter(segmenter if segmenter is not None else default_segmenter())
    threshold = cb.min_score if min_score is None else min_score
    nodes = _node_keys(cb)
    hits_of = cb._matcher.hits
    # rank of a hit's node -> positions in ``nodes`` it counts for: its theme's (for a subtheme), its own
    order = {key: i for i, key in enumerate(nodes)}
    counts_for = [(order[(key[0], "")], order[key]) if key[1] else (order[key],) for key in cb._matcher.keys]
    rows = []
    for doc_id, unit_id, text in zip(units["doc_id"].tolist(), units["unit_id"].tolist(), units["text"].tolist()):
        words = cut(text)  # looked up by position: a list
        hits = hits_of(text, words if type(words) is list else list(words))
        if hits:
            rows += [(str(doc_id), int(unit_id), position, score, evidence)
                     for position, score, evidence in _node_tags(hits, counts_for) if score >= threshold]
    doc_ids, unit_ids, positions, scores, evidences = zip(*rows) if rows else ((),) * 5
    tags = pd.DataFrame({"doc_id": doc_ids, "unit_id": unit_ids, "codebook": cb.id,
                         "theme": [nodes[i][0] for i in positions], "subtheme": [nodes[i][1] for i in positions],
                         "score": scores, "evidence": evidences}, columns=list(TAGS)).astype(TAGS)
    tags = tags.sort_values(["doc_id", "unit_id"], kind="mergesort").reset_index(drop=True)
    tags.attrs["codebook"] = cb.label
    tags.attrs["themes"] = [f"{t}/{s}" if s else t for t, s in nodes]
    return tags


def _node_tags(hits: list[_Hit], counts_for: Sequence[tuple[int, ...]]) -> list[tuple[int, float, str]]:
    """``(node position, score, evidence)`` of each node the sorted ``hits`` of a unit count for, by position.

    ``counts_for[rank]``: the positions a hit of that rank counts for, ascending. The score
    sums the weights of the distinct terms (the last hit's weight of a term counts).
    """
    if len(hits) == 1:  # the commonest case: score = sum([weight]) = weight
        start, end, term, rank, _, weight = hits[0]
        evidence = f"{term}:{start}-{end}"
        return [(position, weight, evidence) for position in counts_for[rank]]
    by_node: dict[int, list[tuple[str, float, str]]] = {}
    for start, end, term, rank, _, weight in hits:
        item = (term, weight, f"{term}:{start}-{end}")
        for position in counts_for[rank]:
            found = by_node.get(position)
            if found is None:
                by_node[position] = [item]
            else:
                found.append(item)
    return [(position, sum({term: weight for term, weight, _ in found}.values()),
             ";".join([evidence for _, _, evidence in found]))
            for position, found in sorted(by_node.items())]


def _node_keys(cb: Codebook) -> list[tuple[str, str]]:
    return [k for t in cb.themes for k in [(t.id, "")] + [(t.id, s.id) for s in t.subthemes]]


def _tag_nodes(tags: pd.DataFrame) -> list[tuple[str, str]]:
    """(theme, subtheme) pairs in codebook order (from ``attrs``), else those in ``tags`` sorted."""
    if "themes" in tags.attrs:
        return [tuple(name.split("/")) if "/" in name else (name, "") for name in tags.attrs["themes"]]
    return sorted(set(zip(tags["theme"], tags["subtheme"])))


# ---------------------------------------------------------------- aggregation

def theme_shares(tags: pd.DataFrame, units: pd.DataFrame, *, by: str | Sequence[str] = ("part",),
                 level: Literal["theme", "subtheme"] = "theme", headings: bool = False) -> pd.DataFrame:
    """Shares of sentences carrying each theme, per group of units.

    Args:
        tags: a tags table from :func:`themes` (one codebook).
        units: the units table the tags came from; needs ``doc_id``, ``unit_id``, the
            ``by`` columns, and ``is_heading`` unless ``headings=True``.
        by: column(s) of ``units`` to group by, e.g. ``"part"``, ``"doc_id"``, ``"path"``;
            ``()`` for one group.
        level: ``"theme"`` (top-level themes) or ``"subtheme"``.
        headings: count heading units too (default: body sentences only).

    Returns:
        Columns ``[*by, theme, subtheme, n_units, n_tagged, n_theme, share_units,
        share_tagged]``: ``n_units`` sentences in the group, ``n_tagged`` of them with
        any tag at this level, ``n_theme`` with this theme; ``share_units =
        n_theme / n_units`` (all sentences as denominator) and ``share_tagged =
        n_theme / n_tagged`` (tagged sentences only). Shares of one group can add up
        to more than 1 (multi-label). Every theme appears in every group (zeros
        included); groups in the order they first appear in ``units`` (document order),
        then themes in codebook order.

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d", "d"], "unit_id": [0, 1], "part": ["plan", "plan"],
        ...                   "is_heading": [False, False], "text": ["加强党建", "今天天气好"]})
        >>> s = theme_shares(themes(u), u).set_index("theme")
        >>> s.loc["political", ["n_units", "n_tagged", "n_theme"]].tolist(), s.loc["political", "share_units"]
        ([2, 1, 1], np.float64(0.5))
    """
    keys = [by] if isinstance(by, str) else list(by)
    require_columns(units, ["doc_id", "unit_id", *keys] + ([] if headings else ["is_heading"]), "units", "theme_shares")
    require_columns(tags, TAGS, "tags", "theme_shares")
    body = units if headings else units[~units["is_heading"].astype(bool)]
    body = body[list(dict.fromkeys(["doc_id", "unit_id", *keys]))].assign(doc_id=lambda d: d["doc_id"].astype(str))
    sub = tags[(tags["subtheme"] != "") == (level == "subtheme")]
    nodes = [k for k in _tag_nodes(tags) if bool(k[1]) == (level == "subtheme")]
    hit = body.merge(sub[["doc_id", "unit_id", "theme", "subtheme"]], on=["doc_id", "unit_id"])
    tagged = {k: set(zip(f["doc_id"], f["unit_id"])) for k, f in _groups(hit, keys)}
    counts = {k: f.groupby(["theme", "subtheme"]).size().to_dict() for k, f in _groups(hit, keys)}
    rows = []
    for group, frame in _groups(body, keys):
        n_units, n_tagged = len(frame), len(tagged.get(group, ()))
        for node in nodes:
            n_theme = int(counts.get(group, {}).get(node, 0))
            rows.append((*group, *node, n_units, n_tagged, n_theme, n_theme / n_units,
                         n_theme / n_tagged if n_tagged else 0.0))
    return pd.DataFrame(rows, columns=[*keys, "theme", "subtheme", "n_units", "n_tagged", "n_theme",
                                       "share_units", "share_tagged"])


def _groups(table: pd.DataFrame, keys: list[str]) -> list[tuple[tuple, pd.DataFrame]]:
    """``(group key tuple, rows)`` in order of first appearance; one group ``()`` without keys."""
    if not keys:
        return [((), table)] if len(table) else []
    return [(k if isinstance(k, tuple) else (k,), f) for k, f in table.groupby(keys, sort=False, dropna=False)]


def _top_themes(tags: pd.DataFrame) -> dict[tuple[str, int], str]:
    """(doc_id, unit_id) -> the theme with the highest score (ties: codebook order)."""
    rank = {key: i for i, key in enumerate(_tag_nodes(tags))}
    top = tags[tags["subtheme"] == ""]
    best: dict[tuple[str, int], tuple[float, int, str]] = {}
    for doc_id, unit_id, theme, score in zip(top["doc_id"], top["unit_id"], top["theme"], top["score"]):
        key, cand = (str(doc_id), int(unit_id)), (-score, rank.get((theme, ""), len(rank)), theme)
        if key not in best or cand < best[key]:
            best[key] = cand
    return {key: value[2] for key, value in best.items()}


def _heading_key(path: str, marker: str) -> str:
    """The path that names a heading itself (its enclosing markers plus its own)."""
    if not marker or path == marker or path.endswith("/" + marker):
        return path
    return f"{path}/{marker}" if path else marker


def heading_sentences(units: pd.DataFrame, tags: pd.DataFrame, heading_tags: pd.DataFrame | None = None
                      ) -> pd.DataFrame:
    """Each body sentence of a tagged section with its top theme and the dimension its heading names.

    Each body sentence (``is_heading`` False) belongs to the headings on its ``path``
    within the same ``part``. The *section* of a sentence is its outermost such heading
    that carries a tag; that heading's top theme is the section's dimension (e.g.
    ``一是加强政治建设…`` -> political). Headings are never rows, so the heading's own
    words do not vote. A sentence's top theme is its highest-scoring theme (ties broken by
    codebook order). Sentences outside any tagged heading get no row.

    Args:
        units: a units table; needs doc_id, unit_id, is_heading, path, marker, part, text.
        tags: the tags table of ``units`` from :func:`themes` (headings included), or hand
            codes from :func:`policytext.coded_tags`.
        heading_tags: where the headings' tags come from (default: ``tags``); e.g. the
            tagger's tags, to hold hand codes of the body sentences alone against the same
            sections and dimensions.

    Returns:
        One row per sentence, in document order: doc_id, unit_id, part, heading_unit_id,
        heading, dimension, top (``""`` when the sentence has no tag), agree (top ==
        dimension), present (dimension among the sentence's tags).

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d"] * 3, "unit_id": [0, 1, 2], "is_heading": [True, False, False],
        ...                   "path": ["一是"] * 3, "marker": ["一是", "", ""], "part": ["plan"] * 3,
        ...                   "text": ["一是加强政治建设。", "加强基层党建。", "今天天气好。"]})
        >>> heading_sentences(u, themes(u))[["unit_id", "dimension", "top", "agree"]].values.tolist()
        [[1, 'political', 'political', True], [2, 'political', '', False]]
    """
    require_columns(units, ("doc_id", "unit_id", "is_heading", "path", "marker", "part", "text"), "units",
                    "heading_sentences")
    require_columns(tags, TAGS, "tags", "heading_sentences")
    if heading_tags is not None:
        require_columns(heading_tags, TAGS, "heading_tags", "heading_sentences")
    top = _top_themes(tags)
    heading_top = top if heading_tags is None else _top_themes(heading_tags)
    tagged = tags[tags["subtheme"] == ""]
    present = set(zip(tagged["doc_id"].astype(str), tagged["unit_id"].astype(int), tagged["theme"]))
    table = units.assign(doc_id=units["doc_id"].astype(str)).sort_values(["doc_id", "unit_id"], kind="mergesort")
    rows = []
    latest: dict[str, tuple] = {}
    current_doc = None
    for row in table.itertuples(index=False):
        if row.doc_id != current_doc:
            current_doc, latest = row.doc_id, {}
        if row.is_heading:
            key = _heading_key(row.path, row.marker)
            latest = {p: h for p, h in latest.items() if not p.startswith(key + "/")}
            latest[key] = (int(row.unit_id), row.part, row.text)
            continue
        parts = row.path.split("/") if row.path else []
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        heads = [latest[p] for p in prefixes if p in latest and latest[p][1] == row.part]
        named = [h for h in heads if (row.doc_id, h[0]) in heading_top]
        if named:
            (head_id, _, heading), unit_id = named[0], int(row.unit_id)
            dimension, theme = heading_top[(row.doc_id, head_id)], top.get((row.doc_id, unit_id), "")
            rows.append((row.doc_id, unit_id, row.part, head_id, heading, dimension, theme, theme == dimension,
                         (row.doc_id, unit_id, dimension) in present))
    return pd.DataFrame(rows, columns=["doc_id", "unit_id", "part", "heading_unit_id", "heading", "dimension",
                                       "top", "agree", "present"]).astype(
        {"unit_id": "int64", "heading_unit_id": "int64", "agree": "bool", "present": "bool"})


def heading_agreement(units: pd.DataFrame, tags: pd.DataFrame, heading_tags: pd.DataFrame | None = None
                      ) -> pd.DataFrame:
    """How often a body sentence's top theme equals the dimension its section heading names.

    The sentences and their sections are those of :func:`heading_sentences`; sentences
    without any tag count as disagreements in ``agreement_units`` and are left out of
    ``agreement_tagged``.

    Args:
        units: a units table; needs doc_id, unit_id, is_heading, path, marker, part, text.
        tags: the tags table of ``units`` from :func:`themes` (headings included).
        heading_tags: where the headings' tags come from (default: ``tags``).

    Returns:
        One row per section — doc_id, part, heading_unit_id, heading, dimension,
        n_units, n_tagged, n_untagged, n_agree (top theme == dimension), n_present
        (dimension among the sentence's tags, a looser count), agreement_tagged
        (n_agree / n_tagged), agreement_units (n_agree / n_units) — in document order,
        then a final row with ``part == "all"`` (heading_unit_id -1) summing all sections.

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d"] * 3, "unit_id": [0, 1, 2], "is_heading": [True, False, False],
        ...                   "path": ["一是"] * 3, "marker": ["一是", "", ""], "part": ["plan"] * 3,
        ...                   "text": ["一是加强政治建设。", "加强基层党建。", "今天天气好。"]})
        >>> heading_agreement(u, themes(u))[["dimension", "n_units", "n_agree", "agreement_tagged"]].values.tolist()
        [['political', 2, 1, 1.0], ['', 2, 1, 1.0]]
    """
    sentences = heading_sentences(units, tags, heading_tags).assign(tagged=lambda d: d["top"] != "")
    keys = ["doc_id", "heading_unit_id"]
    sections = sentences.groupby(keys, sort=True).agg(
        part=("part", "first"), heading=("heading", "first"), dimension=("dimension", "first"),
        n_units=("unit_id", "size"), n_tagged=("tagged", "sum"), n_agree=("agree", "sum"),
        n_present=("present", "sum")).reset_index()
    columns = ["doc_id", "part", "heading_unit_id", "heading", "dimension", "n_units", "n_tagged", "n_agree",
               "n_present"]
    total = {"doc_id": "", "part": "all", "heading_unit_id": -1, "heading": "(all sections)", "dimension": "",
             **{k: int(sections[k].sum()) for k in ("n_units", "n_tagged", "n_agree", "n_present")}}
    result = pd.concat([sections[columns], pd.DataFrame([total])], ignore_index=True)
    result.insert(result.columns.get_loc("n_agree"), "n_untagged", result["n_units"] - result["n_tagged"])
    result["agreement_tagged"] = (result["n_agree"] / result["n_tagged"].where(result["n_tagged"] > 0)).fillna(0.0)
    result["agreement_units"] = (result["n_agree"] / result["n_units"].where(result["n_units"] > 0)).fillna(0.0)
    return result.astype({"heading_unit_id": "int64", "n_units": "int64", "n_tagged": "int64",
                          "n_untagged": "int64", "n_agree": "int64", "n_present": "int64"})


def agreement_by_part(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Heading agreement per part, side by side for several taggers or coders.

    Args:
        tables: name -> a table from :func:`heading_agreement`.

    Returns:
        One row per name: ``who``, then for each part in order of first appearance and for
        ``all``: the share of tagged body sentences whose top theme is the heading's
        dimension (n_agree / n_tagged over the part's sections).

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d"] * 2, "unit_id": [0, 1], "is_heading": [True, False],
        ...                   "path": ["一是"] * 2, "marker": ["一是", ""], "part": ["plan"] * 2,
        ...                   "text": ["一是加强政治建设。", "加强基层党建。"]})
        >>> agreement_by_part({"tagger": heading_agreement(u, themes(u))}).values.tolist()
        [['tagger', 1.0, 1.0]]
    """
    rows = []
    for who, table in tables.items():
        sums = table.groupby("part", sort=False)[["n_agree", "n_tagged"]].sum()
        rows.append({"who": who, **(sums["n_agree"] / sums["n_tagged"].where(sums["n_tagged"] > 0)).to_dict()})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- validation

def validation_split(item_ids: Iterable) -> pd.Series:
    """Deterministic 50/50 split of labelled items: ``"dev"`` or ``"test"`` per item id.

    An item is in ``dev`` when sha256 of its id (UTF-8) is an even number, else ``test``;
    the split depends on the id only, never on the order or on the other items.

    Example:
        >>> validation_split(["a", "b"]).tolist()
        ['test', 'test']
    """
    ids = [str(i) for i in item_ids]
    return pd.Series(["dev" if int(hashlib.sha256(i.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "test"
                      for i in ids], index=ids, dtype="str", name="split")


def theme_validation(labels: pd.DataFrame | str | Path, *, codebook: str | Path | Codebook, segmenter=None,
                     min_score: float | None = None, split: Literal["all", "dev", "test"] = "all") -> pd.DataFrame:
    """Precision, recall and F1 of :func:`themes` against hand-coded labels.

    Args:
        labels: a table (or the path of a CSV file whose ``#`` lines are a header) with
            columns ``item_id``, ``text``, one 0/1 column per theme id of the codebook and,
            optionally, ``subtools``: the coded subthemes as ``theme.subtheme`` ids joined
            by ``;``. Codebook themes without labels are skipped.
        codebook: the codebook to evaluate (name, path or :class:`Codebook`).
        segmenter: passed to :func:`themes`.
        min_score: passed to :func:`themes`.
        split: ``"dev"`` or ``"test"`` keeps that half of the items (see
            :func:`validation_split`); ``"all"`` keeps all.

    Returns:
        One row per evaluated theme — level (``theme`` or ``subtheme``), theme (the
        id, ``theme.subtheme`` for subthemes), support (items coded 1), predicted, tp, fp, fn,
        precision, recall, f1 — in codebook order, then a row ``theme == "macro"`` per level
        with the unweighted means of precision, recall and F1 (macro-F1) and the summed counts.
        ``attrs`` records split, n_items and the codebook label.

    Example:
        >>> lab = pd.DataFrame({"item_id": ["1", "2"], "text": ["加强党建", "发展产业"],
        ...                     "political": [1, 0], "economic": [0, 1]})
        >>> theme_validation(lab, codebook="five_in_one").set_index("theme").loc["macro", "f1"]
        np.float64(1.0)
    """
    table = read_labels(labels) if isinstance(labels, (str, Path)) else labels
    require_columns(table, ("item_id", "text"), "labels", "theme_validation")
    if split != "all":
        table = table[(validation_split(table["item_id"]) == split).to_numpy()]
    cb = _load(codebook)
    units = pd.DataFrame({"doc_id": "labels", "unit_id": range(len(table)), "text": table["text"].astype(str)})
    tags = themes(units, codebook=cb, segmenter=segmenter, min_score=min_score)
    coded = table["subtools"].fillna("").astype(str).str.split(";") if "subtools" in table.columns else None
    rows = []
    for theme, subtheme in _node_keys(cb):
        name = f"{theme}.{subtheme}" if subtheme else theme
        if subtheme and coded is not None:
            gold = coded.apply(lambda ids, n=name: n in ids).to_numpy()
        elif not subtheme and theme in table.columns:
            gold = table[theme].astype(int).to_numpy() == 1
        else:
            continue
        hit = set(tags.loc[(tags["theme"] == theme) & (tags["subtheme"] == subtheme), "unit_id"])
        pred = pd.Series(range(len(table))).isin(hit).to_numpy()
        rows.append(("subtheme" if subtheme else "theme", name, *_prf(gold, pred)))
    columns = ["level", "theme", "support", "predicted", "tp", "fp", "fn", "precision", "recall", "f1"]
    result = pd.DataFrame(rows, columns=columns)
    macros = [(level, "macro", *frame[["support", "predicted", "tp", "fp", "fn"]].sum().tolist(),
               *frame[["precision", "recall", "f1"]].mean().tolist())
              for level, frame in result.groupby("level", sort=False)]
    result = pd.concat([result, pd.DataFrame(macros, columns=columns)], ignore_index=True)
    result.attrs.update(split=split, n_items=len(table), codebook=cb.label)
    return result


def primary_agreement(labels: pd.DataFrame | str | Path, primary: pd.DataFrame | str | Path, *,
                      codebook: str | Path | Codebook, segmenter=None) -> pd.DataFrame:
    """The tagger's top theme against the coded primary theme of multi-theme sentences.

    A sentence coded with several themes has a primary one — the theme it mainly serves
    (coding guide section 4). This is what a single "top theme" should find, and what
    :func:`heading_agreement` asks of the tagger.

    Args:
        labels: the multi-label codes (table or CSV path): ``item_id``, ``text``, one 0/1
            column per theme id of the codebook; ``doc`` if present is kept.
        primary: the primary codes (table or CSV path): ``item_id``, ``primary`` and,
            optionally, ``certainty`` (other columns are ignored, so one table holding the
            codes and the primary theme can be both arguments).
        codebook, segmenter: passed to :func:`themes`.

    Returns:
        One row per item of ``primary``: item_id, doc, split (see :func:`validation_split`),
        coded (the item's themes joined by ``,``), primary, certainty, top (the tagger's top
        theme, ``""`` when untagged), agree (top == primary).

    Example:
        >>> lab = pd.DataFrame({"item_id": ["a"], "text": ["加强党建，改善生态环境"], "political": [1],
        ...                     "ecological": [1]})
        >>> primary_agreement(lab, pd.DataFrame({"item_id": ["a"], "primary": ["political"]}),
        ...                   codebook="five_in_one")[["top", "agree"]].values.tolist()
        [['political', True]]
    """
    table = read_labels(labels) if isinstance(labels, (str, Path)) else labels
    chosen = read_labels(primary) if isinstance(primary, (str, Path)) else primary
    require_columns(table, ("item_id", "text"), "labels", "primary_agreement")
    require_columns(chosen, ("item_id", "primary"), "primary", "primary_agreement")
    cb = _load(codebook)
    theme_ids = [t for t in cb.theme_ids if t in table.columns]
    kept = [c for c in ("item_id", "primary", "certainty") if c in chosen.columns]
    items = chosen[kept].merge(table.drop(columns=kept[1:], errors="ignore"), on="item_id", how="left",
                               validate="one_to_one")
    units = pd.DataFrame({"doc_id": "labels", "unit_id": range(len(items)), "text": items["text"].astype(str)})
    top = _top_themes(themes(units, codebook=cb, segmenter=segmenter))
    coded = [",".join(t for t in theme_ids if row[t] == 1) for row in items[theme_ids].to_dict("records")]
    result = pd.DataFrame({
        "item_id": items["item_id"].astype(str),
        "doc": items["doc"].astype(str) if "doc" in items.columns else "",
        "split": validation_split(items["item_id"]).to_numpy(),
        "coded": coded, "primary": items["primary"].astype(str),
        "certainty": items["certainty"].astype(str) if "certainty" in items.columns else "",
        "top": [top.get(("labels", i), "") for i in range(len(items))]})
    result["agree"] = result["top"] == result["primary"]
    return result


def _prf(gold, pred) -> tuple[int, int, int, int, int, float, float, float]:
    tp, fp, fn = int((gold & pred).sum()), int((~gold & pred).sum()), int((gold & ~pred).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return int(gold.sum()), int(pred.sum()), tp, fp, fn, precision, recall, f1
