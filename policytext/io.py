"""Reading documents and corpora into the ``documents`` table.

``documents`` columns (see :data:`policytext.schemas.DOCUMENTS`): doc_id, title, year,
region, source, text, sha256. ``text`` is the text exactly as decoded from the file;
normalisation happens later and never changes it.

Encodings are detected by charset-normalizer among UTF-8 (with or without BOM),
GB18030 (a superset of GBK and GB2312) and Big5 — the encodings Chinese government
documents come in.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import yaml
from charset_normalizer import from_bytes

from .errors import EmptyDocumentError, EncodingError, InputError, where
from .schemas import DOCUMENTS

__all__ = ["read_text", "load_document", "load_corpus", "as_documents"]

ENCODINGS = ["utf_8", "gb18030", "big5"]
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_META_SUFFIX = ".meta.yaml"
_META_KEYS = {"doc_id", "title", "year", "region", "source", "sha256", "covers", "note"}
# Wikisource appends its licence notice to every page of the national reports corpus.
_WIKISOURCE_NOTICE = re.compile(r"\n*本作品是中华人民共和国的.*\Z", re.S)


def read_text(path: str | Path) -> str:
    """The text of a file, its encoding detected (UTF-8, UTF-8-BOM, GB18030/GBK, Big5).

    Raises:
        InputError: the file does not exist or is a folder.
        EmptyDocumentError: the file is empty or contains no Chinese text.
        EncodingError: the file is binary or its bytes decode in none of the encodings.

    Example:
        >>> read_text("data/raw/qianjiang-quzhen-2017-work-report-excerpt.txt")[:8]
        '(三)内外兼修挑'
    """
    path = Path(path)
    return decode(_read_bytes(path), path)


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: is a folder, not a text file (use load_corpus for folders)")
    return path.read_bytes()


def decode(data: bytes, path: str | Path | None = None) -> str:
    """Decode the bytes of a Chinese text file; ``path`` is only used in error messages."""
    if not data.strip():
        raise EmptyDocumentError(f"{where(path)}: the file is empty")
    if b"\x00" in data:
        raise EncodingError(f"{where(path)}: contains NUL bytes — a binary file, not text "
                            "(convert PDF or Word files to .txt first)")
    if data.startswith(b"\xef\xbb\xbf"):
        text = _strict(data, "utf_8_sig", path)
    else:
        best = from_bytes(data, cp_isolation=ENCODINGS).best()
        if best is None:
            raise EncodingError(f"{where(path)}: the bytes are not valid UTF-8, GB18030/GBK or Big5; "
                                "re-save the file as UTF-8")
        text = _strict(data, best.encoding, path)
    if not _HAN.search(text):
        raise EmptyDocumentError(f"{where(path)}: contains no Chinese characters")
    return text


def _strict(data: bytes, encoding: str, path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(f"{where(path)}: undecodable bytes at offset {exc.start} "
                            f"as {encoding}") from None


def load_document(path: str | Path, **metadata) -> pd.DataFrame:
    """A one-row documents table for a text file.

    Metadata come from a sidecar ``<name>.meta.yaml`` next to the file when there is one
    (keys: doc_id, title, year, region, source, sha256, covers, note), overridden by
    keyword arguments. A ``sha256`` in the metadata is checked against the file's bytes.

    Example:
        >>> docs = load_document("data/raw/qianjiang-quzhen-2017-work-report-excerpt.txt")
        >>> int(docs.loc[0, "year"])
        2017
    """
    path = Path(path)
    data = _read_bytes(path)
    meta = {**_sidecar(path), **metadata}
    digest = hashlib.sha256(data).hexdigest()
    if "sha256" in meta and str(meta["sha256"]) != digest:
        raise InputError(f"{path}: sha256 is {digest}, but its metadata says {meta['sha256']} — "
                         "the file was changed; restore the original (raw data are never edited)")
    row = {"doc_id": path.name.split(".")[0], "source": path.name, **meta,
           "text": decode(data, path), "sha256": digest}
    return as_documents(pd.DataFrame([row]), name=str(path))


def _sidecar(path: Path) -> dict:
    meta_path = path.with_name(path.name.split(".")[0] + _META_SUFFIX)
    if not meta_path.is_file():
        return {}
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{meta_path}: not valid YAML ({exc})") from None
    unknown = sorted(set(meta) - _META_KEYS)
    if unknown:
        raise InputError(f"{meta_path}: unknown metadata keys {unknown}; allowed: {sorted(_META_KEYS)}")
    return {k: v for k, v in meta.items() if k in DOCUMENTS}


def load_corpus(source: str | Path, *, text_field: str | None = None) -> pd.DataFrame:
    """A documents table from a folder of .txt files, a CSV, JSON Lines or Parquet file.

    Args:
        source: a folder (every ``*.txt`` in it, sorted by name, each with an optional
            ``.meta.yaml`` sidecar) or a ``.csv``, ``.jsonl``/``.json`` or ``.parquet`` file
            whose rows are documents.
        text_field: the column holding the text (default: ``text``, else ``content``).

    Returns:
        A documents table. Rows without an id get ``<file stem>-<row number>``; a trailing
        Wikisource licence notice is stripped from texts that carry one.

    Example:
        >>> gwr = load_corpus("data/external/national-gwr/government_work_reports.jsonl")
        >>> int(gwr.year.max())
        2025
    """
    source = Path(source)
    if source.is_dir():
        docs = [load_document(p) for p in sorted(source.glob("*.txt"))]
        if not docs:
            raise InputError(f"{source}: the folder has no .txt files")
        return as_documents(pd.concat(docs, ignore_index=True), name=str(source))
    table = _read_table(source)
    return _table_documents(table, source, text_field)


def _read_table(path: Path) -> pd.DataFrame:
    data = _read_bytes(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        if suffix in {".jsonl", ".json"}:
            return _read_jsonl(data, path)
        if suffix == ".parquet":
            return pd.read_parquet(path)
    except (ValueError, OSError) as exc:
        raise InputError(f"{path}: cannot be read as {suffix[1:]} ({exc})") from None
    raise InputError(f"{path}: unsupported corpus format {suffix!r}; use a folder of .txt, "
                     ".csv, .jsonl or .parquet")


def _read_jsonl(data: bytes, path: Path) -> pd.DataFrame:
    records = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{where(path, number)}: not valid JSON ({exc.msg})") from None
    return pd.DataFrame.from_records(records)


def _table_documents(table: pd.DataFrame, path: Path, text_field: str | None) -> pd.DataFrame:
    field = text_field or next((c for c in ("text", "content") if c in table.columns), None)
    if field is None or field not in table.columns:
        raise InputError(f"{path}: no text column (looked for {text_field or 'text, content'}); "
                         f"columns are {list(table.columns)}")
    rows = []
    for number, record in enumerate(table.to_dict("records")):
        text = str(record.get(field) or "")
        text = _WIKISOURCE_NOTICE.sub("\n", text)
        if not _HAN.search(text):
            raise EmptyDocumentError(f"{path}: row {number + 1} has no Chinese text")
        rows.append({
            "doc_id": str(record.get("doc_id") or f"{path.stem}-{number:04d}"),
            "title": str(record.get("title") or ""), "year": record.get("year"),
            "region": str(record.get("region") or ""), "source": f"{path.name}#{number + 1}",
            "text": text, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        })
    return as_documents(pd.DataFrame(rows), name=str(path))


def as_documents(docs, *, name: str = "<documents>") -> pd.DataFrame:
    """Coerce ``docs`` to a documents table: a table, a path, or a plain ``str`` of text.

    A ``str`` that names an existing file is loaded with :func:`load_document`; any other
    ``str`` becomes a one-row table with doc_id ``"text"``.
    """
    if isinstance(docs, Path) or (isinstance(docs, str) and "\n" not in docs and len(docs) < 4096
                                  and Path(docs).is_file()):
        return load_document(docs)
    if isinstance(docs, str):
        if not _HAN.search(docs):
            raise EmptyDocumentError("<text>: contains no Chinese characters")
        docs = pd.DataFrame([{"doc_id": "text", "source": "<text>", "text": docs,
                              "sha256": hashlib.sha256(docs.encode("utf-8")).hexdigest()}])
    if not isinstance(docs, pd.DataFrame) or "text" not in docs.columns:
        raise InputError(f"{name}: expected a documents table with a 'text' column, a path or a str")
    table = docs.copy()
    for column, dtype in DOCUMENTS.items():
        if column not in table.columns:
            table[column] = pd.NA if dtype == "Int64" else ""
    table["year"] = pd.to_numeric(table["year"], errors="coerce").astype("Int64")
    table = table[list(DOCUMENTS) + [c for c in table.columns if c not in DOCUMENTS]]
    table = table.astype({c: d for c, d in DOCUMENTS.items() if d != "Int64"})
    if table["doc_id"].duplicated().any():
        dupes = sorted(table.loc[table["doc_id"].duplicated(), "doc_id"].unique())
        raise InputError(f"{name}: doc_id values must be unique; repeated: {dupes[:5]}")
    return table.reset_index(drop=True)
