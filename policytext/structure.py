"""Outline structure and sentences: the ``units`` and ``outline`` tables.

Rules (each tested in ``tests/test_structure.py``):

* **Paragraphs** are the non-empty lines of the normalised text; ``para_no`` is the 0-based
  line of the raw text where the paragraph starts.
* **Sentences** end at ``。！？；`` and at line ends, never inside a quotation ``“…”``.
* **Outline markers** count only at the start of a paragraph or of a sentence that follows
  ``。！？`` (after ``；`` or ``，`` an ``一是`` is an enumeration inside a sentence, not a heading).
  Formal markers follow GB/T 9704-2012: ``一、`` > ``（一）`` > ``1.``/``1、`` > ``（1）``; run-in
  markers (``一是`` ``一要`` ``第一，`` ``首先，``) rank below them, in the order in which they first
  appear within a part. ``河（湖）长制``, ``村（居）``, ``2018年，是…`` and ``1.2万`` are not markers.
* **Heading text** is the marked sentence up to its ``。`` when that sentence is short (at most
  40 characters), else up to its first ``，`` (run-in items such as ``二要创建优质园区，要加快…``):
  the rest of the sentence is a body unit. A marked line with no ``。`` is a heading line.
* **Depth**: a heading closes every open heading of the same or a lower rank and opens one
  level below what stays open. Run-in headings that start mid-paragraph close at the end of
  their paragraph; formal headings and run-in headings that open a paragraph stay open.
  Numbering may start mid-way (an excerpt that begins at ``（三）``).
* **Part**: ``review`` (the past year's work), ``plan`` (what will be done) or ``other``.
  A top-level heading naming a review (回顾, 总结, 过去…年) or a plan (任务, 安排, 部署, 总体要求,
  工作建议, 目标) sets the part until the next such heading. In a document without such
  headings, the plan begins at the first paragraph that opens with a later year than the
  document's (``2018年，是…`` in a 2017 report) or with 明年/新的一年/下一步; what comes before is
  the review. Before the first part is set the part is ``other``; the outline restarts at
  each change of part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .io import as_documents
from .normalize import normalize
from .schemas import OUTLINE, UNITS, empty_table

__all__ = ["units", "outline", "part_sizes", "sections"]

NUM = "一二三四五六七八九十"
_FORMAL = [  # (rank, pattern) — GB/T 9704-2012 order
    (1, re.compile(f"[{NUM}]+、")),
    (2, re.compile(f"（[{NUM}]+）")),
    (3, re.compile(r"\d{1,2}[.、．](?!\d)")),
    (4, re.compile(r"（\d{1,2}）")),
]
_RUN_IN = [  # (type, pattern)
    ("是", re.compile(f"[{NUM}]是(?=[^\\d，、。；])")),
    ("要", re.compile(f"[{NUM}]要(?=[^\\d，、。；])")),
    ("第", re.compile(f"第[{NUM}]+(?=[，、])")),
    ("首先", re.compile(r"(?:首先|其次|再次|最后)(?=[，、])")),
]
# where a marker can start: a character that begins one of the patterns above
_MARKER_FIRST = re.compile(f"[{NUM}（\\d第首其再最]")
_SENTENCE_END = "。！？；"
_CLOSING = "”’）"  # belong to the sentence they follow
_QUOTE_OR_END = re.compile(f"[“”{_SENTENCE_END}]")
_SENTENCE = re.compile(f"[^{_SENTENCE_END}]*[{_SENTENCE_END}][{_CLOSING}]*")  # up to its end, without quotes
_MARKER_START = "。！？"
_SHORT_HEADING = 40
_REVIEW = re.compile(r"回顾|总结|过去(?:一|五|十)?年|[上去]年工作")
_PLAN = re.compile(r"任务|安排|部署|总体要求|工作建议|主要目标|目标任务|计划|政策取向|今后")
_PLAN_TURN = re.compile(r"^(?:(\d{4})年[，,]?是|明年|新的一年|下一步|今后)")


@dataclass
class _Unit:
    para_no: int
    sent_no: int
    text_start: int  # span in the normalised text
    text_end: int
    marker: str = ""
    rank: int = 0
    run_in: bool = False
    opens_paragraph: bool = False


@dataclass
class _Outline:
    """The open headings while walking a document: (rank, marker, level, opens_paragraph)."""

    stack: list = field(default_factory=list)
    run_in_ranks: dict = field(default_factory=dict)

    def reset(self):
        self.stack.clear()
        self.run_in_ranks.clear()

    def end_paragraph(self):
        while self.stack and self.stack[-1][4] and not self.stack[-1][3]:
            self.stack.pop()

    def open(self, rank: int, marker: str, opens_paragraph: bool, run_in: bool) -> int:
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        self.stack.append((rank, marker, len(self.stack) + 1, opens_paragraph, run_in))
        return len(self.stack)

    def rank_of(self, kind: str) -> int:
        return self.run_in_ranks.setdefault(kind, 10 + len(self.run_in_ranks))

    @property
    def path(self) -> str:
        return "/".join(marker for _, marker, *_ in self.stack)


def units(docs, *, to_simplified: bool = False) -> pd.DataFrame:
    """The sentence table of one or more documents.

    Args:
        docs: a documents table, a path, or a ``str`` of text (see :func:`policytext.io.as_documents`).
        to_simplified: convert traditional characters to simplified (OpenCC ``t2s``).

    Returns:
        ``units``: doc_id, unit_id, para_no, sent_no, level, marker, path, is_heading, part,
        text, start, end — one row per sentence or heading, in document order; ``start``/``end``
        index the raw ``text`` of the documents table.

    Example:
        >>> u = units("一、2017年工作回顾\\n今年完成投资10亿元。\\n二、2018年工作安排\\n一是加快发展。")
        >>> u[["level", "marker", "part", "text"]].values.tolist()[:2]
        [[1, '一、', 'review', '一、2017年工作回顾'], [1, '', 'review', '今年完成投资10亿元。']]
    """
    table = as_documents(docs)
    rows = [unit for row in table.itertuples(index=False)
            for unit in _document_units(row.doc_id, row.text, row.year, to_simplified)]
    result = pd.DataFrame(rows, columns=list(UNITS)) if len(table) else empty_table(UNITS)
    return result.astype(UNITS)


def outline(docs, *, to_simplified: bool = False) -> pd.DataFrame:
    """The headings of one or more documents, in order.

    Returns:
        ``outline``: doc_id, unit_id, level, marker, heading (text without marker and final
        punctuation), para_no, path, part.
    """
    table = units(docs, to_simplified=to_simplified) if not _is_units(docs) else docs
    heads = table.loc[table["is_heading"]].copy()
    heads["heading"] = [_heading_text(t, m) for t, m in zip(heads["text"], heads["marker"])]
    return heads[list(OUTLINE)].reset_index(drop=True).astype(OUTLINE)


def part_sizes(units: pd.DataFrame) -> pd.DataFrame:
    """How much of each document reviews the past year, plans the next, or is other.

    Returns:
        Columns doc_id, part, sentences, characters, share (of the document's characters,
        in per cent, rounded to 0.1), in the order review, plan, other.

    Example:
        >>> part_sizes(units("加快发展。")).part.tolist()
        ['other']
    """
    lengths = units.assign(characters=units["text"].str.len())
    table = (lengths.groupby(["doc_id", "part"], sort=False)
             .agg(sentences=("unit_id", "size"), characters=("characters", "sum")).reset_index())
    totals = table.groupby("doc_id")["characters"].transform("sum")
    table["share"] = (100 * table["characters"] / totals).round(1)
    order = table["part"].map({"review": 0, "plan": 1, "other": 2})
    return table.assign(_order=order).sort_values(["doc_id", "_order"], kind="mergesort") \
        .drop(columns="_order").reset_index(drop=True)


def sections(units: pd.DataFrame, *, depth: int = 1) -> pd.DataFrame:
    """The units table with a ``section`` column: the enclosing heading at ``depth``.

    ``section`` is that heading's text (marker included, final punctuation dropped), or
    ``"(no heading)"`` for units outside any heading at that depth (e.g. a preamble). Headings at the
    given depth belong to their own section.

    Example:
        >>> u = sections(units("一、过去一年工作回顾\\n完成投资。\\n二、今年工作安排\\n加快发展。"))
        >>> u["section"].tolist()
        ['一、过去一年工作回顾', '一、过去一年工作回顾', '二、今年工作安排', '二、今年工作安排']
    """
    outside = "(no heading)"
    current, labels, last_doc = outside, [], None
    for doc_id, level, is_heading, path, text in zip(units["doc_id"], units["level"], units["is_heading"],
                                                     units["path"], units["text"]):
        if doc_id != last_doc:
            current, last_doc = outside, doc_id
        if is_heading and level == depth:
            current = text.rstrip("。，；：！？ ")
        elif level < depth or not path:
            current = outside
        labels.append(current)
    return units.assign(section=labels)


def _is_units(obj) -> bool:
    return isinstance(obj, pd.DataFrame) and {"unit_id", "is_heading"} <= set(obj.columns)


def _heading_text(text: str, marker: str) -> str:
    return text[len(marker):].rstrip("。，；：！？ ")


def _document_units(doc_id, raw: str, year, to_simplified: bool) -> list[tuple]:
    """The units of one document, as rows of the ``units`` table."""
    norm = normalize(raw, to_simplified=to_simplified)
    pieces = list(_pieces(norm.text, raw, norm))
    texts = [norm.text[p.text_start:p.text_end] for p in pieces]
    turn_year = int(year) + 1 if pd.notna(year) else None
    by_headings = any(p.rank == 1 and _part_of_heading(t) for p, t in zip(pieces, texts))
    turns = not by_headings and any(p.sent_no == 0 and _plan_turn(t, turn_year)
                                    for p, t in zip(pieces, texts))
    part = "review" if turns else "other"
    rows, tree, last_para, path = [], _Outline(), None, ""
    for piece, text in zip(pieces, texts):
        new_paragraph = piece.para_no != last_para
        if new_paragraph:
            tree.end_paragraph()
            last_para = piece.para_no
            if turns and part != "plan" and piece.sent_no == 0 and _plan_turn(text, turn_year):
                part = "plan"
                tree.reset()
        if piece.marker:
            heading_part = _part_of_heading(text) if by_headings and piece.rank == 1 else None
            if heading_part and heading_part != part:
                part = heading_part
                tree.reset()
            rank = tree.rank_of(piece.marker_kind) if piece.run_in else piece.rank
            level = tree.open(rank, piece.marker, piece.opens_paragraph, piece.run_in)
        else:
            level = len(tree.stack)
        if new_paragraph or piece.marker:  # the open headings change only here
            path = tree.path
        start, end = norm.raw_span(piece.text_start, piece.text_end)
        rows.append((doc_id, len(rows), piece.para_no, piece.sent_no, level, piece.marker, path,
                     bool(piece.marker), part, text, start, end))
    return rows


def _part_of_heading(text: str) -> str | None:
    if _REVIEW.search(text):
        return "review"
    if _PLAN.search(text):
        return "plan"
    return None


def _plan_turn(text: str, turn_year: int | None) -> bool:
    match = _PLAN_TURN.match(text)
    if not match:
        return False
    if match.group(1):
        return turn_year is None or int(match.group(1)) >= turn_year
    return True


@dataclass
class _Piece(_Unit):
    marker_kind: str = ""


def _pieces(text: str, raw: str, norm):
    """Split the normalised text into paragraphs, sentences and heading pieces."""
    offset, para_no, counted_to = 0, 0, 0
    for line in text.split("\n"):
        if line.strip():
            raw_start = int(norm.source[offset])  # increases from line to line
            para_no += raw.count("\n", counted_to, raw_start)
            counted_to = raw_start
            yield from _paragraph_pieces(line, offset, para_no)
        offset += len(line) + 1


def _paragraph_pieces(line: str, offset: int, para_no: int):
    sent_no = 0
    for start, end in _sentences(line):
        marker, rank, kind = _marker(line, start)
        opens_paragraph = start == 0
        if marker and start > 0 and line[start - 1] not in _MARKER_START:
            marker, rank, kind = "", 0, ""
        if marker:
            head_end = _heading_end(line, start, end)
            yield _Piece(para_no, sent_no, offset + start, offset + head_end, marker, rank,
                         bool(kind), opens_paragraph, kind)
            sent_no += 1
            start = head_end
            if start >= end:
                continue
        yield _Piece(para_no, sent_no, offset + start, offset + end)
        sent_no += 1


def _sentences(line: str):
    """(start, end) of each sentence of a paragraph; never splits inside “…”."""
    start = 0
    for end in _sentence_ends(line):
        if line[start:end].strip():
            yield start, end
        start = end
    if line[start:].strip():
        yield start, len(line)


def _sentence_ends(line: str) -> list[int]:
    """Where the sentences of a paragraph end: after each 。！？； outside “…” and the closing
    quotes and brackets that follow it."""
    if "“" not in line:  # no quotation (most paragraphs): every sentence end counts
        return [found.end() for found in _SENTENCE.finditer(line)]
    ends, depth = [], 0
    for found in _QUOTE_OR_END.finditer(line):
        i, char = found.start(), found.group()
        if char == "“":
            depth += 1
        elif char == "”":
            depth = max(0, depth - 1)
        elif depth == 0:
            end = i + 1
            while end < len(line) and line[end] in _CLOSING:
                end += 1
            ends.append(end)
    return ends


def _marker(line: str, start: int) -> tuple[str, int, str]:
    if not _MARKER_FIRST.match(line, start):
        return "", 0, ""  # most sentences: no pattern below can match
    for rank, pattern in _FORMAL:
        match = pattern.match(line, start)
        if match:
            return match.group(), rank, ""
    for kind, pattern in _RUN_IN:
        match = pattern.match(line, start)
        if match:
            return match.group(), 0, kind
    return "", 0, ""


def _heading_end(line: str, start: int, end: int) -> int:
    """Where the heading that starts at ``start`` ends (see the module docstring)."""
    if end - start <= _SHORT_HEADING:
        return end
    comma = line.find("，", start, end)
    return comma + 1 if comma != -1 else end
