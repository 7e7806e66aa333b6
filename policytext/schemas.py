"""Column schemas of the tables policytext produces, declared once.

Each schema maps column name -> pandas dtype; ``SCHEMA_DOCS`` says what each column
means. Docstrings quote these; ``tests/test_schemas.py`` checks every stage's output
against them.
"""

from __future__ import annotations

import pandas as pd

from .errors import InputError

__all__ = ["DOCUMENTS", "UNITS", "OUTLINE", "TOKENS", "TAGS", "TONE", "SCHEMA_DOCS", "empty_table", "check_schema",
           "require_columns"]

DOCUMENTS = {
    "doc_id": "str", "title": "str", "year": "Int64", "region": "str", "source": "str",
    "text": "str", "sha256": "str",
}

UNITS = {
    "doc_id": "str", "unit_id": "int64", "para_no": "int64", "sent_no": "int64",
    "level": "int64", "marker": "str", "path": "str", "is_heading": "bool", "part": "str",
    "text": "str", "start": "int64", "end": "int64",
}

OUTLINE = {
    "doc_id": "str", "unit_id": "int64", "level": "int64", "marker": "str", "heading": "str",
    "para_no": "int64", "path": "str", "part": "str",
}

TOKENS = {
    "doc_id": "str", "unit_id": "int64", "pos_in_unit": "int64", "word": "str", "tag": "str",
    "is_stop": "bool", "start": "int64", "end": "int64",
}

TAGS = {
    "doc_id": "str", "unit_id": "int64", "codebook": "str", "theme": "str", "subtheme": "str",
    "score": "float64", "evidence": "str",
}

TONE = {
    "doc_id": "str", "unit_id": "int64", "method": "str", "score": "float64", "label": "str",
    "evidence": "str",
}

SCHEMA_DOCS = {
    "documents": {
        "doc_id": "identifier, unique in a corpus (file stem, or given)",
        "title": "document title ('' if unknown)",
        "year": "year the document is about or was given (nullable)",
        "region": "issuing region or body ('' if unknown)",
        "source": "where the text came from (file path relative to the corpus, or a note)",
        "text": "the text exactly as decoded from the file: never modified",
        "sha256": "sha256 of the file's bytes (of the UTF-8 text for in-memory input)",
    },
    "units": {
        "doc_id": "document identifier",
        "unit_id": "0-based sentence number within the document",
        "para_no": "0-based line of the raw text where the unit starts",
        "sent_no": "0-based sentence number within its paragraph",
        "level": "outline depth: 1 for the top heading level; body sentences get their section's depth, 0 outside any heading",
        "marker": "the heading's numbering as written, normalised to full width ('（一）', '一是'); '' for body sentences",
        "path": "markers of the enclosing headings joined by '/', e.g. '三、/（一）/一是'",
        "is_heading": "True when the unit is a heading (or a run-in heading such as '一是…。')",
        "part": "review (reports on the past year), plan (what will be done) or other",
        "text": "the sentence, normalised (full-width punctuation, no line breaks or indentation)",
        "start": "span of the unit in the raw document text: text_raw[start:end]",
        "end": "end of the span (exclusive)",
    },
    "outline": {
        "doc_id": "document identifier", "unit_id": "the heading's unit_id in the units table",
        "level": "outline depth (1 = top)", "marker": "numbering as written (full width)",
        "heading": "heading text without its marker", "para_no": "0-based raw line",
        "path": "markers of the enclosing headings and this one", "part": "review, plan or other",
    },
    "tokens": {
        "doc_id": "document identifier", "unit_id": "the unit the token stands in",
        "pos_in_unit": "0-based position among the unit's non-space tokens",
        "word": "the word", "tag": "jieba POS tag ('' unless pos=True)",
        "is_stop": "stopword, punctuation or symbol", "start": "span in the raw text (when units carry spans)",
        "end": "end of the span (exclusive)",
    },
    "tags": {
        "doc_id": "document identifier", "unit_id": "the tagged unit", "codebook": "codebook id",
        "theme": "theme id", "subtheme": "subtheme id ('' on the theme's own row)",
        "score": "sum of the weights of the distinct matched terms",
        "evidence": "matched terms with their spans in the unit text: 'term:start-end;…'",
    },
    "tone": {
        "doc_id": "document identifier", "unit_id": "the scored unit",
        "method": "policy (the policy tone model) or snownlp (snownlp's sentiment)",
        "score": "policy: P(achievement) − P(problem) in [−1, 1]; snownlp: SnowNLP(text).sentiments in [0, 1]",
        "label": "policy: achievement, problem or directive; snownlp: positive (score > 0.5) or negative",
        "evidence": "lexicon cues found, 'cue:category …' ('' for snownlp)",
    },
}


def empty_table(schema: dict[str, str]) -> pd.DataFrame:
    """An empty DataFrame with the schema's columns and dtypes."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in schema.items()})


def check_schema(table: pd.DataFrame, schema: dict[str, str]) -> list[str]:
    """Problems with ``table`` against ``schema`` (missing/extra columns, wrong dtypes); [] if none."""
    problems = []
    if list(table.columns[: len(schema)]) != list(schema):
        problems.append(f"columns {list(table.columns)} do not start with {list(schema)}")
    for name, dtype in schema.items():
        if name in table.columns and str(table[name].dtype) != str(pd.Series(dtype=dtype).dtype):
            problems.append(f"column {name!r} has dtype {table[name].dtype}, expected {dtype}")
    return problems


def require_columns(table: pd.DataFrame, columns, name: str, func: str) -> None:
    """Raise :class:`InputError` naming ``func`` and the missing columns unless ``table`` has ``columns``."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"<{name}>: {func}() needs column(s) {', '.join(missing)} in the {name} table; "
                         f"it has {list(table.columns)}")
