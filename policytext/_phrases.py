"""Finding every occurrence of many fixed phrases in a text at once.

Private helper of :mod:`policytext.themes` (codebook terms and exclusions) and
:mod:`policytext.targets` (numeral slogans).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import ahocorasick

__all__ = ["PhraseFinder", "PhraseIndex"]


def _automaton(values: Iterable[tuple[str, Any]]) -> ahocorasick.Automaton:
    """An Aho–Corasick automaton (pyahocorasick) of ``(phrase, value)`` pairs; empty phrases left out."""
    automaton = ahocorasick.Automaton()
    for phrase, value in values:
        if phrase:
            automaton.add_word(phrase, value)
    automaton.make_automaton()
    return automaton


class PhraseFinder:
    """Every occurrence of a set of phrases, overlapping and nested ones included.

    The phrases make one Aho–Corasick automaton (pyahocorasick), which finds them all in
    a single pass over a text.

    Example:
        >>> PhraseFinder(["生态", "生态环境", "环境"]).occurrences("改善生态环境")
        [(2, '生态'), (2, '生态环境'), (4, '环境')]
    """

    def __init__(self, phrases: Iterable[str]):
        self._automaton = _automaton((phrase, phrase) for phrase in set(phrases))

    def occurrences(self, text: str) -> list[tuple[int, str]]:
        """``(start, phrase)`` of every occurrence in ``text``, by start, then shortest first.

        (Phrases found at one start are prefixes of one another, so sorting by phrase
        puts the shortest first.)
        """
        if not len(self._automaton):
            return []
        found = [(last + 1 - len(phrase), phrase) for last, phrase in self._automaton.iter(text)]
        found.sort()
        return found


class PhraseIndex:
    """Every occurrence of the phrases of a mapping ``phrase -> value``, reported with the value.

    One Aho–Corasick automaton, like :class:`PhraseFinder`, for callers that attach what
    they need to each phrase (its length, what it stands for) and so look nothing up per
    occurrence.

    Example:
        >>> sorted(PhraseIndex({"生态": "eco", "环境": "env"}).ends("改善生态环境"))
        [(3, 'eco'), (5, 'env')]
    """

    def __init__(self, values: Mapping[str, Any]):
        self._automaton = _automaton(values.items())

    def ends(self, text: str) -> Iterator[tuple[int, Any]]:
        """``(index of the last character, value)`` of every occurrence in ``text``, by end."""
        if not len(self._automaton):
            return iter(())
        return self._automaton.iter(text)
