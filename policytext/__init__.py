"""policytext — quantitative analysis of Chinese policy texts.

A small library of pure functions over pandas tables (documents → units → tokens → themes,
tone, targets, keywords) for government work reports and policy documents, with shipped,
versioned resources (policy dictionary, stopwords, codebooks, lexicons).

Example:
    >>> import policytext as pt
    >>> docs = pt.load_document("data/raw/qianjiang-quzhen-2017-work-report-excerpt.txt")
    >>> units = pt.units(docs)
"""

import importlib
import sys
import types

from .errors import (
    CodebookError,
    EmptyDocumentError,
    EncodingError,
    InputError,
    ModelError,
    PolicyTextError,
    ResourceError,
)

# Public name -> the submodule that defines it. The submodules load on first use
# (PEP 562), so that ``import policytext`` in a worker process does not load
# matplotlib, networkx or wordcloud.
_SUBMODULES = {
    "io": ("load_corpus", "load_document", "read_text"),
    "keywords": ("collocations", "cooccurrence", "draw_network", "keyness", "keywords", "kwic", "term_rates",
                 "wordcloud_figure", "write_network"),
    "labels": ("coded_tags", "coder_agreement", "primary_labels", "read_labels"),
    "normalize": ("normalize_text", "normalized"),
    "pipeline": ("Analysis", "analyze", "iter_corpus", "read_analysis"),
    "plotting": ("bar_chart", "heatmap", "histogram", "line_chart", "manifest", "save_figure", "save_table"),
    "provenance": ("versions",),
    "segment": ("Segmenter", "dictionary_effect", "frequencies", "tokens"),
    "sentiment": ("read_tone_labels", "snownlp_sentiments", "tone", "tone_disagreements", "tone_shares",
                  "tone_validation"),
    "structure": ("outline", "part_sizes", "sections", "units"),
    "targets": ("itemisation", "numeral_slogans", "targets", "targets_validation"),
    "themes": ("Codebook", "agreement_by_part", "heading_agreement", "heading_sentences", "primary_agreement",
               "theme_shares", "theme_validation", "themes", "validation_split"),
}
_SUBMODULE_OF = {name: module for module, names in _SUBMODULES.items() for name in names}

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "PolicyTextError", "InputError", "EncodingError", "EmptyDocumentError", "ResourceError",
    "CodebookError", "ModelError",
    "read_text", "load_document", "load_corpus",
    "normalize_text", "normalized",
    "units", "outline", "part_sizes", "sections",
    "Segmenter", "tokens", "frequencies", "dictionary_effect",
    "keywords", "keyness", "kwic", "collocations", "cooccurrence", "draw_network", "write_network",
    "wordcloud_figure", "term_rates",
    "Codebook", "themes", "theme_shares", "heading_sentences", "heading_agreement", "agreement_by_part",
    "primary_agreement", "theme_validation", "validation_split",
    "read_labels", "coder_agreement", "coded_tags", "primary_labels",
    "targets", "itemisation", "targets_validation", "numeral_slogans",
    "analyze", "Analysis", "read_analysis", "iter_corpus",
    "tone", "tone_validation", "read_tone_labels", "snownlp_sentiments", "tone_shares", "tone_disagreements",
    "save_figure", "save_table", "bar_chart", "heatmap", "histogram", "line_chart", "manifest", "versions",
]


def __getattr__(name: str):
    """Import, on first use, the submodule that defines a public name (or is named ``name``)."""
    module = f"{__name__}.{_SUBMODULE_OF.get(name, name)}"
    try:
        if name.startswith("__"):
            raise ModuleNotFoundError(name=module)
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBMODULE_OF))


class _Package(types.ModuleType):
    """The package: binds the public names of each submodule as it is imported.

    The import system binds a submodule on its package once loaded; this also binds the
    submodule's public names, and keeps the functions ``themes``, ``targets`` and
    ``keywords`` where their modules' names would shadow them.
    """

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.{name}":
            for public in _SUBMODULES.get(name, ()):
                super().__setattr__(public, getattr(value, public))
            if name in _SUBMODULE_OF:
                return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
