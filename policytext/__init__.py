"""policytext — quantitative analysis of Chinese policy texts.

A small library of pure functions over pandas tables (documents → units → tokens → themes,
tone, targets, keywords) for government work reports and policy documents, with shipped,
versioned resources (policy dictionary, stopwords, codebooks, lexicons).

Example:
    >>> import policytext as pt
    >>> docs = pt.load_document("data/raw/qianjiang-quzhen-2017-work-report-excerpt.txt")
    >>> units = pt.units(docs)
"""

from .errors import (
    CodebookError,
    EmptyDocumentError,
    EncodingError,
    InputError,
    ModelError,
    PolicyTextError,
    ResourceError,
)
from .io import load_corpus, load_document, read_text
from .keywords import (
    collocations,
    cooccurrence,
    draw_network,
    keyness,
    keywords,
    kwic,
    term_rates,
    wordcloud_figure,
    write_network,
)
from .labels import coder_agreement, read_labels
from .normalize import normalize_text, normalized
from .pipeline import Analysis, analyze, iter_corpus, read_analysis
from .plotting import bar_chart, heatmap, histogram, line_chart, manifest, save_figure, save_table
from .provenance import versions
from .segment import Segmenter, dictionary_effect, frequencies, tokens
from .sentiment import (
    read_tone_labels,
    snownlp_sentiments,
    tone,
    tone_disagreements,
    tone_shares,
    tone_validation,
)
from .targets import itemisation, numeral_slogans, targets, targets_validation
from .structure import outline, part_sizes, sections, units
from .themes import Codebook, heading_agreement, theme_shares, theme_validation, themes, validation_split

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
    "Codebook", "themes", "theme_shares", "heading_agreement", "theme_validation", "validation_split",
    "read_labels", "coder_agreement",
    "targets", "itemisation", "targets_validation", "numeral_slogans",
    "analyze", "Analysis", "read_analysis", "iter_corpus",
    "tone", "tone_validation", "read_tone_labels", "snownlp_sentiments", "tone_shares", "tone_disagreements",
    "save_figure", "save_table", "bar_chart", "heatmap", "histogram", "line_chart", "manifest", "versions",
]
