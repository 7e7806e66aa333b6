"""Finding every occurrence of many fixed phrases in a text at once.

Private helper of :mod:`policytext.themes` (codebook terms) and :mod:`policytext.targets`
(numeral slogans).
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

__all__ = ["PhraseFinder"]


class PhraseFinder:
    """Every occurrence of a set of phrases, overlapping and nested ones included.

    The phrases make one Aho–Corasick automaton (pyahocorasick), which finds them all in
    a single pass over a text.

    Example:
        >>> PhraseFinder(["生态", "生态环境", "环境"]).occurrences("改善生态环境")
        [(2, '生态'), (2, '生态环境'), (4, '环境')]
    """

    def __init__(self, phrases: Iterable[str]):
        self._automaton = ahocorasick.Automaton()
        for phrase in set(phrases):
            if phrase:
                self._automaton.add_word(phrase, phrase)
        self._automaton.make_automaton()

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
