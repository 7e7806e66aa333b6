"""Loading the shipped resource files (dictionaries, stopwords) with their headers.

Every resource is a UTF-8 text file under ``policytext/resources/`` whose first
lines are ``# key: value`` header lines (at least ``version`` and ``source``).
A public function takes either a shipped name or a path to the user's own file.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import hashlib
import importlib.resources
import os
import pickle
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .errors import ResourceError, where

_FORMATTED = re.compile(r"(?P<stem>.+)-v\d+\.pickle")  # a cache file: its inputs, then its format

SHIPPED = {
    "dictionary": {"policy": "policy_dict.txt"},
    "stopwords": {"policy": "stopwords.txt"},
}


def cache_dir() -> Path:
    """Folder for derived, rebuildable files (``$POLICYTEXT_CACHE`` or ``~/.cache/policytext``)."""
    root = os.environ.get("POLICYTEXT_CACHE") or Path.home() / ".cache" / "policytext"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def cached(path: Path, build):
    """The object pickled at ``path``, or ``build()`` (then pickled there, atomically).

    Only for files this package wrote itself into :func:`cache_dir`, named after the
    versions and hashes of what they were built from, ending in ``-vN.pickle`` (N: the
    format). Once the file is read or written, the files of other formats built from the
    same inputs (same name up to ``-v``) are removed: this version never reads them.
    """
    with contextlib.suppress(Exception):  # missing, partial, or from other library versions
        with open(path, "rb") as file:
            value = pickle.load(file)
        _remove_other_formats(path)
        return value
    value = build()
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            _remove_other_formats(path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return value


def _remove_other_formats(path: Path) -> None:
    """Remove ``STEM-vM.pickle`` beside ``path`` = ``STEM-vN.pickle``, for every M other than N."""
    named = _FORMATTED.fullmatch(path.name)
    if not named:
        return
    for other in path.parent.glob(f"{glob.escape(named['stem'])}-v*.pickle"):
        same = _FORMATTED.fullmatch(other.name)
        if other != path and same and same["stem"] == named["stem"]:
            with contextlib.suppress(OSError):
                other.unlink()


def resource_file(name: str) -> Path:
    """Path of a shipped resource file, e.g. ``resource_file("policy_dict.txt")``."""
    return Path(str(importlib.resources.files("policytext") / "resources" / name))


def resolve(kind: str, name_or_path: str | Path) -> Path:
    """A shipped resource name (see ``SHIPPED``) or a user path -> an existing file path."""
    shipped = SHIPPED.get(kind, {})
    path = resource_file(shipped[name_or_path]) if name_or_path in shipped else Path(name_or_path)
    if not path.is_file():
        names = ", ".join(sorted(shipped)) or "none"
        raise ResourceError(f"{path}: no such {kind} file (shipped {kind} names: {names})")
    return path


@dataclass(frozen=True)
class TextResource:
    """A resource file's header, body lines (with 1-based line numbers) and hash."""

    path: Path
    header: dict[str, str]
    lines: list[tuple[int, str]]
    sha256: str

    @property
    def label(self) -> str:
        """``name vVERSION sha256:PREFIX`` — what results record about this file."""
        return f"{self.path.name} v{self.header.get('version', '?')} sha256:{self.sha256[:12]}"


@lru_cache(maxsize=64)
def read_resource(path: Path) -> TextResource:
    """Read a resource: ``# key: value`` header lines, then body lines (blank and ``#`` lines skipped)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ResourceError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    header, body = {}, []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            key, sep, value = stripped.lstrip("#").partition(":")
            if sep and not body:
                header.setdefault(key.strip().lower(), value.strip())
        elif stripped:
            body.append((number, stripped))
    return TextResource(path, header, body, hashlib.sha256(data).hexdigest())


class DictEntry(NamedTuple):
    word: str
    freq: int
    tag: str


@dataclass(frozen=True)
class UserDictionary:
    resource: TextResource
    entries: list[DictEntry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.resource.label


def user_dictionary(name_or_path: str | Path) -> UserDictionary:
    """A validated jieba-format dictionary: ``word freq [tag]`` per line.

    Raises:
        ResourceError: naming the file and line of a malformed entry.
    """
    resource = read_resource(resolve("dictionary", name_or_path))
    entries, seen = [], {}
    for number, line in resource.lines:
        entry = _dict_entry(resource.path, number, line)
        if entry.word in seen:
            raise ResourceError(f"{where(resource.path, number)}: '{entry.word}' is listed again "
                                f"(first on line {seen[entry.word]}); keep one entry per word")
        seen[entry.word] = number
        entries.append(entry)
    return UserDictionary(resource, entries)


def _dict_entry(path: Path, number: int, line: str) -> DictEntry:
    parts = line.split()
    if not 2 <= len(parts) <= 3:
        raise ResourceError(f"{where(path, number)}: expected 'word freq [tag]', got {line!r}")
    word, freq = parts[0], parts[1]
    if not freq.isdigit() or int(freq) < 1:
        raise ResourceError(f"{where(path, number)}: frequency of '{word}' must be a whole number "
                            f"of at least 1, got {freq!r}")
    return DictEntry(word, int(freq), parts[2] if len(parts) == 3 else "")


@dataclass(frozen=True)
class StopwordList:
    resource: TextResource
    words: frozenset[str]

    @property
    def label(self) -> str:
        return self.resource.label


def stopword_list(name_or_path: str | Path) -> StopwordList:
    """A stopword list: one word per line (``#`` comments allowed)."""
    resource = read_resource(resolve("stopwords", name_or_path))
    for number, line in resource.lines:
        if len(line.split()) != 1:
            raise ResourceError(f"{where(resource.path, number)}: one stopword per line, got {line!r}")
    return StopwordList(resource, frozenset(line for _, line in resource.lines))


@lru_cache(maxsize=1)
def jieba_tags() -> dict[str, str]:
    """word -> POS tag from jieba's main dictionary (``word freq tag`` lines). Do not mutate."""
    text = (importlib.resources.files("jieba") / "dict.txt").read_text(encoding="utf-8")
    return {parts[0]: parts[2] for parts in map(str.split, text.splitlines()) if len(parts) == 3}


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around code that builds many small containers and
    makes no cycles (snownlp tables, tone features, a pipeline chunk): the collections they
    would trigger would cost a large share of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
