"""The policytext error family.

Every error the library raises on bad input is a :class:`PolicyTextError`, so a
researcher can catch "a policytext problem" in one ``except``. Messages name the
input (file, line, key) and say what to do about it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "PolicyTextError",
    "InputError",
    "EncodingError",
    "EmptyDocumentError",
    "ResourceError",
    "CodebookError",
    "ModelError",
]


class PolicyTextError(Exception):
    """Base class of every error policytext raises on purpose."""


class InputError(PolicyTextError):
    """A document, corpus or table given as input is missing or malformed."""


class EncodingError(InputError):
    """A file's bytes are binary or cannot be decoded as Chinese text."""


class EmptyDocumentError(InputError):
    """A document is empty or contains no Chinese text."""


class ResourceError(PolicyTextError):
    """A dictionary, stopword list, lexicon or model file is malformed."""


class CodebookError(ResourceError):
    """A codebook file is malformed (unknown key, empty theme, bad regex, ...)."""


class ModelError(ResourceError):
    """A trained model file is missing, malformed or does not match its data."""


def where(path: str | Path | None, line: int | None = None) -> str:
    """Render ``path[:line]`` for error messages (``"<text>"`` when there is no file)."""
    name = str(path) if path is not None else "<text>"
    return f"{name}:{line}" if line is not None else name
