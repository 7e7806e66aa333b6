"""Normalising the text of Chinese policy documents, keeping a map back to the raw text.

What :func:`normalize` does, in order:

1. Line ends: ``\\r\\n`` and ``\\r`` become ``\\n``.
2. Whitespace: indentation (ASCII spaces, tabs, full-width spaces U+3000) at line starts and
   trailing spaces are dropped; spaces between two Chinese characters are dropped, so a
   spaced-out title (政 府 工 作 报 告) becomes 政府工作报告.
3. Punctuation width: ASCII ``, ; : ! ?`` within six characters of Chinese text become
   ``， ； ： ！ ？`` (a comma or colon between two digits stays); a pair
   of ASCII parentheses becomes ``（ ）`` when its content or its outside neighbour is Chinese.
   Numbers stay intact: ``167.83``, ``82%``, ``129.5km``, ``1,234``, ``10:30``.
4. Hard line breaks (text pasted from PDFs): a line is joined to the next when it ends
   without sentence-final punctuation, does not start with an outline marker, the next line
   does not start with one, and the line is at least 80% as long as the document's typical
   full line (its 90th-percentile line length) — or it ends with ``，`` or ``、``, which
   cannot end a paragraph. Headings, titles and date lines are short and stay apart.
5. Optionally traditional → simplified characters with OpenCC (``t2s``).

Every character of the result knows the raw character it came from
(:meth:`Normalized.raw_span`), so any span can be checked against the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .io import as_documents

__all__ = ["Normalized", "normalize", "normalize_text", "normalized"]

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_OR_PUNCT = re.compile(f"[{CJK}\u3000-\u303f\uff00-\uffef“”‘’《》]")
_WIDE = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
_SPACE = " \t\u3000\u00a0"
_SPACE_CHAR = re.compile(f"[{_SPACE}]")
_ASCII_PUNCT = re.compile("[,;:!?]")
_PAREN_OR_LINE_END = re.compile("[()\n]")
_NEAR = 6  # ASCII punctuation within this many characters of Chinese text is Chinese punctuation
_FINAL = "。！？；：”’」』）…"
# Outline markers that start a line (after normalisation); see policytext.structure.
LINE_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d+[.、．](?!\d)"
                         r"|[一二三四五六七八九十]+[是要][^\d]|第[一二三四五六七八九十]+[，、])")


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index of its raw character."""

    text: str
    source: np.ndarray  # len(text) + 1 raw indices; the last is the raw end

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Span in the raw text covering normalised ``text[start:end]``."""
        if end <= start:
            return int(self.source[start]), int(self.source[start])
        return int(self.source[start]), int(self.source[end - 1]) + 1


def normalize(raw: str, *, to_simplified: bool = False) -> Normalized:
    """Normalise ``raw`` (see the module docstring) and map every character back.

    Example:
        >>> n = normalize("今年(截止11月),总投资167.83亿元")
        >>> n.text
        '今年（截止11月），总投资167.83亿元'
    """
    index = np.arange(len(raw), dtype=np.int64)
    text, index = _line_ends(raw, index)
    text, index = _spaces(text, index)
    text = _punctuation(text)
    text, index = _join_hard_breaks(text, index)
    if to_simplified:
        text = _simplify(text)
    return Normalized(text, np.append(index, np.int64(len(raw))))


def normalize_text(raw: str, *, to_simplified: bool = False) -> str:
    """Just the normalised text of :func:`normalize`."""
    return normalize(raw, to_simplified=to_simplified).text


def normalized(docs, *, to_simplified: bool = False) -> pd.DataFrame:
    """The documents table with a ``normalized`` column added (``text`` is kept as it was)."""
    table = as_documents(docs)
    table["normalized"] = [normalize_text(t, to_simplified=to_simplified) for t in table["text"]]
    return table


# Each step below takes the text and, for each of its characters, the index of its raw
# character (an int64 array), and returns both with some characters dropped or replaced.


def _drop(text: str, index: np.ndarray, dropped: list[int]) -> tuple[str, np.ndarray]:
    """The text and index without the characters at the increasing positions ``dropped``."""
    if not dropped:
        return text, index
    bounds = [-1, *dropped, len(text)]
    kept = "".join(text[a + 1:b] for a, b in zip(bounds, bounds[1:]))
    return kept, np.delete(index, dropped)


def _replace(text: str, replaced: dict[int, str]) -> str:
    """The text with the characters at the positions of ``replaced`` replaced (one for one)."""
    if not replaced:
        return text
    chars = list(text)
    for i, char in replaced.items():
        chars[i] = char
    return "".join(chars)


def _positions(text: str, pattern: re.Pattern) -> list[int]:
    """Indices of the characters matched by a one-character ``pattern``."""
    return [m.start() for m in pattern.finditer(text)]


def _line_ends(text: str, index: np.ndarray):
    if "\r" not in text:
        return text, index
    text, index = _drop(text, index, [m.start() for m in re.finditer("\r\n", text)])
    return text.replace("\r", "\n"), index


def _is_cjk(char: str) -> bool:
    return bool(_CJK_OR_PUNCT.match(char))


def _spaces(chars: str, index: np.ndarray):
    dropped = []
    n = len(chars)
    for i in _positions(chars, _SPACE_CHAR):
        j = i
        while j > 0 and chars[j - 1] in _SPACE:
            j -= 1
        k = i
        while k + 1 < n and chars[k + 1] in _SPACE:
            k += 1
        at_line_start = j == 0 or chars[j - 1] == "\n"
        at_line_end = k + 1 == n or chars[k + 1] == "\n"
        between_cjk = j > 0 and k + 1 < n and _is_cjk(chars[j - 1]) and _is_cjk(chars[k + 1])
        if at_line_start or at_line_end or between_cjk:
            dropped.append(i)
    return _drop(chars, index, dropped)


def _neighbour(chars, i, step):
    j = i + step
    while 0 <= j < len(chars) and chars[j] == " ":
        j += step
    return chars[j] if 0 <= j < len(chars) else ""


def _punctuation(chars: str) -> str:
    out: dict[int, str] = {}
    for i in _positions(chars, _ASCII_PUNCT):
        c = chars[i]
        before, after = _neighbour(chars, i, -1), _neighbour(chars, i, 1)
        if c in ",:" and before.isdigit() and after.isdigit():
            continue
        if any(map(_is_cjk, chars[max(0, i - _NEAR):i + _NEAR + 1])):
            out[i] = _WIDE[c]
    for open_at, close_at in _paren_pairs(chars):
        inner = chars[open_at + 1:close_at]
        outside = chars[open_at - 1:open_at] + chars[close_at + 1:close_at + 2]
        if any(map(_is_cjk, inner)) or any(map(_is_cjk, outside)):
            out[open_at], out[close_at] = "（", "）"
    return _replace(chars, out)


def _paren_pairs(chars: str):
    stack, pairs = [], []
    for i in _positions(chars, _PAREN_OR_LINE_END):
        c = chars[i]
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            pairs.append((stack.pop(), i))
        elif c == "\n":
            stack.clear()
    return pairs


def _join_hard_breaks(text: str, index: np.ndarray):
    lines = text.split("\n")
    lengths = [len(line) for line in lines if line]
    if not lengths:
        return text, index
    full = float(np.percentile(lengths, 90))
    dropped, pos = [], 0
    for line, following in zip(lines, lines[1:]):
        pos += len(line)
        if _joins(line, following, full):
            dropped.append(pos)
        pos += 1
    return _drop(text, index, dropped)


def _joins(line: str, following: str, full: float) -> bool:
    if not line or not following or line[-1] in _FINAL:
        return False
    if LINE_MARKER.match(line) or LINE_MARKER.match(following):
        return False
    return line[-1] in "，、" or len(line) >= 0.8 * full and full >= 20


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _simplify(text: str) -> str:
    converted = _t2s().convert(text)
    if len(converted) != len(text):  # t2s is character-for-character in practice; never shift spans
        return "".join(_t2s().convert(c) if len(_t2s().convert(c)) == 1 else c for c in text)
    return converted
