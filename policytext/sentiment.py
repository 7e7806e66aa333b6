"""Tone of policy sentences: snownlp's baseline and a policy-domain tone model.

Two methods fill one ``tone`` table (doc_id, unit_id, method, score, label, evidence):

- ``"policy"`` — a linear classifier over transparent features: cues from the shipped
  lexicon (``resources/tone_lexicon.csv``) and their interactions (a directive or future
  cue before an achievement cue, a negation just before it, 仍/尚 with a problem cue, …),
  the unit's ``part`` (review, plan, other) and word uni- and bigrams from
  :class:`policytext.segment.Segmenter`. Labels are ``achievement`` (a result reported as
  achieved), ``problem`` (a difficulty, shortfall, risk) and ``directive`` (a plan or
  instruction); ``score`` is P(achievement) − P(problem), in [-1, 1]. The model was
  trained by ``scripts/train_tone.py`` on ``data/labels/tone_sentences.csv`` and ships as
  JSON (``resources/tone_model.json``): feature names, coefficients, intercepts, and the
  sha256 of the training data and of the lexicon. Scoring re-implements the linear model
  from that JSON, so scikit-learn is not needed at run time.
- ``"snownlp"`` — snownlp's sentiment score (trained on product reviews), exactly as
  ``SnowNLP(text).sentiments``; label ``positive`` if the score is above 0.5, else
  ``negative``.

:func:`tone_validation` measures either method against labelled sentences.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate, chain, repeat
from operator import itemgetter
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from . import _resources
from ._snownlp import snownlp_sentiments
from .errors import InputError, ModelError, ResourceError, where
from .labels import read_labels
from .schemas import TONE, require_columns
from .segment import default_segmenter

__all__ = ["tone", "tone_validation", "read_tone_labels", "snownlp_sentiments", "tone_shares",
           "tone_disagreements", "TONE_LABELS"]

TONE_LABELS = ("achievement", "directive", "problem")
"""The policy model's labels, in the model's class order."""

LEXICON_FILE = "tone_lexicon.csv"
MODEL_FILE = "tone_model.json"
CATEGORIES = ("achievement", "problem", "directive", "negation", "still", "past", "future")
PARTS = ("review", "plan", "other")
_TONE_CATEGORIES = ("achievement", "problem", "directive")
# Categories crossed with the part, sorted, with the names of their ``cat=`` features.
_PART_CATEGORIES = tuple((c, f"cat={c}") for c in sorted({*_TONE_CATEGORIES, "past", "future"}))
_WORD, _BIGRAM = "w=", "b="  # name prefixes of the word unigram and bigram features
_PUNCT = frozenset("，。；：！？、,.;:!?…—（）()《》“”\"'‘’ \t")
_PAIRED = frozenset({"achievement", "problem"})  # the second cue of every pair feature
_NEGATION_REACH = 2  # tokens between a negation cue and the achievement cue it negates
_MAX_MEMO = 200_000  # tokens whose inner cues a lexicon remembers (then it starts afresh)


# ---------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Cue:
    """One lexicon row: a cue word, its category and weight."""

    cue: str
    category: str
    weight: float

    @cached_property
    def _names(self) -> tuple[str, str, str]:
        """Its names: features ``cat=…`` (weights summed per category) and ``cue=…/…``, and
        its :func:`evidence` ``cue:category``."""
        return f"cat={self.category}", f"cue={self.cue}/{self.category}", f"{self.cue}:{self.category}"


@dataclass(frozen=True)
class ToneLexicon:
    """The tone lexicon: cues by text, the longest cue length, and the file's hash."""

    cues: dict[str, tuple[Cue, ...]]
    max_len: int
    label: str
    sha256: str

    @cached_property
    def _prefixes(self) -> frozenset[str]:
        """Every prefix of every cue, the empty one included: a text outside it begins no cue."""
        return frozenset(cue[:n] for cue in self.cues for n in range(len(cue) + 1))

    @cached_property
    def _inside_memo(self) -> dict[str, tuple[tuple[int, int, Cue], ...]]:
        """token -> the cues strictly inside it (``_cues_inside``), filled as tokens are met.

        Emptied when it reaches ``_MAX_MEMO`` tokens, so that it stays bounded.
        """
        return {}


@lru_cache(maxsize=8)
def tone_lexicon(path: str | Path | None = None) -> ToneLexicon:
    """Read and validate a tone lexicon (default: the shipped ``tone_lexicon.csv``).

    The file has ``#`` header lines (version, source, how built), then CSV with columns
    ``cue,category,weight,note``; ``category`` is one of :data:`CATEGORIES`.

    Raises:
        ResourceError: naming the file and line of a malformed row.

    Example:
        >>> [c.category for c in tone_lexicon().cues["将"]]
        ['directive', 'future']
    """
    path = Path(path) if path is not None else _resources.resource_file(LEXICON_FILE)
    if not path.is_file():
        raise ResourceError(f"{path}: no such tone lexicon file")
    resource = _resources.read_resource(path)
    numbers = [number for number, _ in resource.lines]
    rows = list(csv.reader(line for _, line in resource.lines))
    if not rows or rows[0][:3] != ["cue", "category", "weight"]:
        raise ResourceError(f"{where(path, numbers[0] if numbers else None)}: expected the column "
                            "header 'cue,category,weight,note'")
    cues: dict[str, list[Cue]] = {}
    for number, row in zip(numbers[1:], rows[1:]):
        cue = _lexicon_row(path, number, row)
        if any(c.category == cue.category for c in cues.get(cue.cue, [])):
            raise ResourceError(f"{where(path, number)}: '{cue.cue}' is listed twice as "
                                f"{cue.category}; keep one row per (cue, category)")
        cues.setdefault(cue.cue, []).append(cue)
    return ToneLexicon({k: tuple(v) for k, v in cues.items()}, max(map(len, cues), default=0),
                       resource.label, resource.sha256)


def _lexicon_row(path: Path, number: int, row: list[str]) -> Cue:
    if len(row) != 4 or not row[0].strip():
        raise ResourceError(f"{where(path, number)}: expected 4 fields cue,category,weight,note, "
                            f"got {row!r}")
    cue, category, weight = row[0].strip(), row[1].strip(), row[2].strip()
    if category not in CATEGORIES:
        raise ResourceError(f"{where(path, number)}: unknown category {category!r} for '{cue}' "
                            f"(use one of {', '.join(CATEGORIES)})")
    try:
        value = float(weight)
    except ValueError:
        value = math.nan
    if not 0 < value <= 1:
        raise ResourceError(f"{where(path, number)}: weight of '{cue}' must be a number in (0, 1], "
                            f"got {weight!r}")
    return Cue(cue, category, value)


# ---------------------------------------------------------------- features


@dataclass(frozen=True, init=False)
class Match:
    """A lexicon cue found in a token list.

    ``first``/``last``: the tokens it spans; ``start``/``end``: its characters in the
    concatenated tokens; ``clause``: the clause (between punctuation tokens) it stands in.
    """

    cue: Cue
    first: int
    last: int
    start: int
    end: int
    clause: int

    def __init__(self, cue: Cue, first: int, last: int, start: int, end: int, clause: int) -> None:
        # The fields are set once, straight into the instance dict: a frozen dataclass's own
        # __init__ calls object.__setattr__ per field, and tone() makes one Match per cue found.
        vars(self).update(cue=cue, first=first, last=last, start=start, end=end, clause=clause)


def cue_matches(tokens: Sequence[str], lexicon: ToneLexicon) -> list[Match]:
    """Lexicon cues in ``tokens``, in text order.

    A cue matches one token or a run of adjacent tokens whose concatenation equals it
    (不平衡 matches 不 + 平衡). A cue of two or more characters also matches inside a
    longer token (提高 in 进一步提高, 薄弱 in 薄弱环节: the policy dictionary keeps such
    compounds whole); a one-character cue never does (不 does not match in 不断).

    Example:
        >>> [(m.cue.cue, m.cue.category) for m in cue_matches(["尚未", "完成"], tone_lexicon())]
        [('尚未', 'negation'), ('完成', 'achievement')]
    """
    offsets = list(accumulate(map(len, tokens), initial=0))
    found = []  # (start, end, first token, last token, cue)
    prefixes, cues_of = lexicon._prefixes, lexicon.cues
    inside = lexicon._inside_memo
    for first, token in enumerate(tokens):
        if len(token) > 2:
            spans = inside.get(token)
            if spans is None:
                spans = _inside_token(token, lexicon)
            if spans:
                at = offsets[first]
                found += [(at + i, at + j, first, first, cue) for i, j, cue in spans]
        if token not in prefixes:
            continue
        text = ""
        for last in range(first, len(tokens)):
            text += tokens[last]
            if text not in prefixes:
                break
            cues = cues_of.get(text)
            if cues:
                found += [(offsets[first], offsets[last + 1], first, last, cue) for cue in cues]
    if not found:
        return []
    found.sort(key=itemgetter(0, 1))  # stable: cues of one span stay in the lexicon's order
    # Separators up to and including each token: clauses[first + 1] is the clause of token first.
    clauses = list(accumulate([tok in _PUNCT or not tok.strip() for tok in tokens], initial=0))
    return [Match(cue, first, last, start, end, clauses[first + 1]) for start, end, first, last, cue in found]


def _inside_token(token: str, lexicon: ToneLexicon) -> tuple[tuple[int, int, Cue], ...]:
    """``(start, end, cue)`` of the cues of 2+ characters strictly inside ``token``, remembered
    in ``lexicon._inside_memo``."""
    memo = lexicon._inside_memo
    if len(memo) >= _MAX_MEMO:
        memo.clear()
    spans = memo[token] = tuple(_cues_inside(token, lexicon))
    return spans


def _cues_inside(token: str, lexicon: ToneLexicon) -> Iterator[tuple[int, int, Cue]]:
    """``(start, end, cue)`` of every cue of 2+ characters strictly inside ``token``."""
    for i in range(len(token)):
        for j in range(i + 2, len(token) + 1):
            piece = token[i:j]
            if piece not in lexicon._prefixes:
                break
            if j - i < len(token):
                for cue in lexicon.cues.get(piece, ()):
                    yield i, j, cue


def features(tokens: Sequence[str], part: str, lexicon: ToneLexicon) -> dict[str, float]:
    """The policy model's feature dict of one sentence.

    Args:
        tokens: the sentence's words (punctuation included, as ``Segmenter().cut`` gives).
        part: ``review``, ``plan`` or ``other``.
        lexicon: the tone lexicon.

    Returns:
        feature name -> value: ``part=…``; ``cat=…`` (sum of matched cue weights per category);
        ``cue=…/…`` per matched cue; ``part=…&cat=…``; clause-level interactions
        (``dir>ach``, ``fut>ach``, ``neg>ach``, ``still>ach``, ``past&ach``, ``still&prob``,
        ``neg&prob``, ``dir>prob``; ``lead=…`` for the first word's cue, ``last=…`` for cues
        in the last clause); ``has_number``; word unigrams ``w=…`` and bigrams ``b=…|…``.

    Example:
        >>> f = features(["要", "完成", "任务"], "plan", tone_lexicon())
        >>> f["dir>ach"], f["cue=完成/achievement"], f["b=要|完成"]
        (1.0, 1.0, 1.0)
    """
    return _features(tokens, part, cue_matches(tokens, lexicon))


def _features(tokens: Sequence[str], part: str, matches: list[Match]) -> dict[str, float]:
    """:func:`features` of a sentence whose cue matches are known."""
    words = _words(tokens)
    feats = _cue_features(tokens, part, matches, words)
    feats.update({_WORD + w: 1.0 for w in words})
    feats.update({_BIGRAM + pair: 1.0 for pair in _bigrams(words)})
    return feats


def _words(tokens: Sequence[str]) -> list[str]:
    """The tokens that are neither punctuation nor blank."""
    return [tok for tok in tokens if tok not in _PUNCT and tok.strip()]


def _bigrams(words: list[str]) -> Iterator[str]:
    """``"a|b"`` for each word ``a`` and the word ``b`` after it."""
    return map("|".join, zip(words, words[1:]))


def _cue_features(tokens: Sequence[str], part: str, matches: list[Match],
                  words: list[str]) -> dict[str, float]:
    """The features of :func:`features` before the word uni- and bigrams."""
    feats: dict[str, float] = {f"part={part}": 1.0}
    if matches:
        for m in matches:
            category, name, _ = m.cue._names
            feats[category] = feats.get(category, 0.0) + m.cue.weight
            feats[name] = 1.0
        for category, matched in _PART_CATEGORIES:
            if matched in feats:
                feats[f"part={part}&cat={category}"] = 1.0
        feats.update(_interactions(matches, tokens))
    joined = "".join(words)
    if not joined.isalpha() and any(map(str.isdigit, joined)):  # letters are no digits
        feats["has_number"] = 1.0
    return feats


def _known_features(model: ToneModel, tokens: Sequence[str], part: str,
                    matches: list[Match]) -> dict[int, float]:
    """``model``'s index -> value of the known features of a sentence, in :func:`features`' order.

    Equal to ``model.known(features(...))``, but the names of the word features are not
    built: words and pairs of words are looked up in the model's own word and bigram indices.
    """
    words = _words(tokens)
    row = model.known(_cue_features(tokens, part, matches, words))
    row.update(dict.fromkeys(chain(map(model.word_index.get, words, repeat(-1)),
                                   map(model.pair_index.get, zip(words, words[1:]), repeat(-1))), 1.0))
    row.pop(-1, None)
    return row


def _interactions(matches: list[Match], tokens: Sequence[str]) -> dict[str, float]:
    """Clause-level cue interactions that single cue words cannot express."""
    out = {}
    by_clause: dict[int, list[Match]] = {}
    for m in matches:
        by_clause.setdefault(m.clause, []).append(m)
    if len(by_clause) < len(matches):  # a clause with two cues or more
        for clause in by_clause.values():
            for m in clause:
                if m.cue.category not in _PAIRED:  # no pair feature ends with it
                    continue
                for other in clause:
                    name = _pair_feature(other, m) if other is not m else None  # a cue never pairs with itself
                    if name:
                        out[name] = 1.0
    if matches:
        last_clause = max(by_clause)
        first_word = next((i for i, tok in enumerate(tokens) if tok.strip() and tok not in _PUNCT), -1)
        lead = next((m.start for m in matches if m.first == first_word), -1)  # matches are by start
        for m in matches:
            category = m.cue.category
            if category in _TONE_CATEGORIES:
                if m.start == lead:
                    out[f"lead={category}"] = 1.0
                if m.clause == last_clause:
                    out[f"last={category}"] = 1.0
    return out


def _pair_feature(before: Match, after: Match) -> str | None:
    """Name of the interaction of two cues in one clause (``before`` first), or None."""
    pair = (before.cue.category, after.cue.category)
    precedes = before.end <= after.start
    if after.cue.category == "achievement" and precedes:
        if before.cue.category == "directive":
            return "dir>ach"
        if before.cue.category == "future":
            return "fut>ach"
        if before.cue.category == "negation" and after.first - before.last <= _NEGATION_REACH:
            return "neg>ach"
        if before.cue.category == "still":
            return "still>ach"
    if pair == ("past", "achievement"):
        return "past&ach"
    if pair == ("still", "problem"):
        return "still&prob"
    if pair == ("negation", "problem"):
        return "neg&prob"
    if pair == ("directive", "problem") and precedes:
        return "dir>prob"
    return None


def evidence(matches: Iterable[Match]) -> str:
    """Matched cues as ``cue:category`` in text order, space-separated, without repeats."""
    seen = dict.fromkeys([m.cue._names[2] for m in matches])
    return " ".join(seen)


# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class ToneModel:
    """A linear tone model read from JSON: feature index, weights, probability link.

    ``probability`` is ``"softmax"`` (multinomial logistic regression) or ``"sigmoid"``
    (one-vs-rest decision values, each through ``1 / (1 + exp(a*z + b))``, then normalised —
    scikit-learn's ``CalibratedClassifierCV(method="sigmoid", ensemble=False)``).
    """

    classes: tuple[str, ...]
    index: dict[str, int]
    coef: np.ndarray  # (n_features, n_classes)
    intercept: np.ndarray  # (n_classes,)
    probability: str
    calibration: np.ndarray | None  # (2, n_classes): rows a, b
    config: dict

    def decision(self, feats: Iterable[dict[str, float]]) -> np.ndarray:
        """Decision values (n_samples, n_classes) of feature dicts; unknown features ignored."""
        return self.decision_of_known(map(self.known, feats))

    def known(self, feats: dict[str, float]) -> dict[int, float]:
        """Feature index -> value of the known features of a feature dict, in its order."""
        row = dict(zip(map(self.index.get, feats, repeat(-1)), feats.values()))
        row.pop(-1, None)
        return row

    def decision_of_known(self, rows: Iterable[dict[int, float]]) -> np.ndarray:
        """Decision values (n_samples, n_classes) of rows of :meth:`known` features."""
        ids: list[int] = []
        values: list[float] = []
        bounds = [0]
        for row in rows:
            ids += row
            values += row.values()
            bounds.append(len(ids))
        # Each row's sum is exactly rounded (math.fsum of the rounded products), so it does not
        # depend on the order of the features or on how a BLAS kernel of this machine would
        # split the sum: the decision values are the same bits on every IEEE-754 machine.
        products = np.array(values, dtype=np.float64)[:, None] * self.coef[np.array(ids, dtype=np.int64)]
        per_class = products.T.tolist()
        sums = [[math.fsum(column[i:j]) for i, j in zip(bounds, bounds[1:])] for column in per_class]
        return np.array(sums, dtype=np.float64).T.reshape(-1, len(self.classes)) + self.intercept

    @cached_property
    def word_index(self) -> dict[str, int]:
        """word -> index of its unigram feature."""
        return {name[len(_WORD):]: i for name, i in self.index.items() if name.startswith(_WORD)}

    @cached_property
    def pair_index(self) -> dict[tuple[str, str], int]:
        """``(a, b)`` -> index of the bigram feature ``b=a|b`` of words a, b.

        A name with several ``|`` is entered at each of them: word pairs that join into
        the same name are all found (a pair joins into one name only).
        """
        pairs = {}
        for name, i in self.index.items():
            if name.startswith(_BIGRAM):
                joined = name[len(_BIGRAM):]
                pairs.update(((joined[:k], joined[k + 1:]), i) for k, c in enumerate(joined) if c == "|")
        return pairs

    def proba(self, feats: Iterable[dict[str, float]]) -> np.ndarray:
        """Class probabilities (n_samples, n_classes), rows summing to 1."""
        return self.probabilities(self.decision(feats))

    def probabilities(self, z: np.ndarray) -> np.ndarray:
        """Class probabilities of decision values ``z`` (see :meth:`proba`)."""
        if self.probability == "softmax":
            e = _exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        a, b = self.calibration
        p = 1.0 / (1.0 + _exp(a * z + b))
        total = p.sum(axis=1, keepdims=True)
        return np.divide(p, total, out=np.full_like(p, 1 / len(self.classes)), where=total != 0)


def _exp(x: np.ndarray) -> np.ndarray:
    """``exp`` of each value by the C library's ``exp`` (``math.exp``; inf above its range).

    numpy's ``exp`` picks a SIMD implementation by CPU (e.g. AVX-512) whose last bits can
    differ from the C library's; this one gives the same bits wherever the C library is the same.
    """
    flat = [math.inf if v > _EXP_MAX else math.exp(v) for v in x.ravel().tolist()]
    return np.array(flat, dtype=np.float64).reshape(x.shape)


_EXP_MAX = math.log(np.finfo(np.float64).max)  # the largest value whose exp is finite


def model_from_json(data: dict, source: str = "<model>") -> ToneModel:
    """Build a :class:`ToneModel` from the parsed model JSON (see ``scripts/train_tone.py``).

    Raises:
        ModelError: naming ``source`` and the missing or inconsistent key.
    """
    try:
        classes = tuple(data["classes"])
        vocabulary = data["vocabulary"]
        coef = np.array([data["coef"][c] for c in classes], dtype=np.float64).T
        intercept = np.array([data["intercept"][c] for c in classes], dtype=np.float64)
        probability = data["estimator"]["probability"]
        calibration = data.get("calibration")
        config = data["features"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{source}: malformed tone model ({type(exc).__name__}: {exc}); "
                         "rebuild it with scripts/train_tone.py") from None
    if coef.shape != (len(vocabulary), len(classes)) or set(classes) != set(TONE_LABELS):
        raise ModelError(f"{source}: coef must have one row per vocabulary entry and one column "
                         f"per class {TONE_LABELS}")
    if probability not in ("softmax", "sigmoid") or (probability == "sigmoid") != bool(calibration):
        raise ModelError(f"{source}: estimator.probability must be 'softmax', or 'sigmoid' with a "
                         "calibration entry")
    cal = (np.array([[calibration[k][c] for c in classes] for k in ("a", "b")])
           if calibration else None)
    return ToneModel(classes, {name: i for i, name in enumerate(vocabulary)}, coef, intercept,
                     probability, cal, config)


@lru_cache(maxsize=1)
def shipped_model() -> tuple[ToneModel, dict]:
    """The shipped tone model and its full JSON record, loaded once (see :func:`load_tone_model`)."""
    return load_tone_model(_resources.resource_file(MODEL_FILE))


def load_tone_model(path: str | Path) -> tuple[ToneModel, dict]:
    """A tone model file and its full JSON record.

    Raises:
        ModelError: when the file is missing or malformed, or was trained with a
            different lexicon than the shipped one.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: tone model missing; build it with scripts/train_tone.py") from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"{where(path, exc.lineno)}: not valid JSON ({exc.msg})") from None
    recorded = data.get("lexicon", {}).get("sha256") if isinstance(data, dict) else None
    if recorded != tone_lexicon().sha256:
        raise ModelError(f"{path}: trained with lexicon sha256 {recorded}, but the shipped "
                         f"{LEXICON_FILE} has {tone_lexicon().sha256}; retrain with "
                         "scripts/train_tone.py")
    return model_from_json(data, str(path)), data


# ---------------------------------------------------------------- public API


def tone(units: pd.DataFrame, *, method: Literal["policy", "snownlp"] = "policy",
         segmenter=None) -> pd.DataFrame:
    """Tone of every unit: the policy model's label and score, or snownlp's score.

    Args:
        units: a units table; needs ``doc_id``, ``unit_id``, ``text`` and, for
            ``method="policy"``, ``part`` (review, plan or other).
        method: ``"policy"`` (the shipped policy-domain model) or ``"snownlp"``.
        segmenter: a :class:`policytext.segment.Segmenter` (policy method only; default:
            the shipped policy dictionary — the one the model was trained with).

    Returns:
        ``tone``: doc_id, unit_id, method, score, label, evidence. Policy: label
        achievement | problem | directive, score = P(achievement) − P(problem) in [-1, 1],
        evidence = lexicon cues found (``cue:category`` …). snownlp: score =
        ``SnowNLP(text).sentiments`` in [0, 1], label positive (> 0.5) or negative,
        evidence ``""``. ``attrs`` record the method and the model or lexicon versions.

    Example:
        >>> u = pd.DataFrame({"doc_id": ["d", "d"], "unit_id": [0, 1], "part": ["plan", "review"],
        ...                   "text": ["要加快推进园区建设。", "招商成效较为显著。"]})
        >>> tone(u).label.tolist()
        ['directive', 'achievement']
    """
    needed = ["doc_id", "unit_id", "text"] + (["part"] if method == "policy" else [])
    require_columns(units, needed, "units", "tone")
    if method == "policy":
        table, attrs = _policy_tone(units, segmenter)
    elif method == "snownlp":
        table, attrs = _snownlp_tone(units)
    else:
        raise InputError(f"tone: unknown method {method!r} (use 'policy' or 'snownlp')")
    table = table.astype(TONE)
    table.attrs.update(attrs)
    return table


def _policy_tone(units: pd.DataFrame, segmenter) -> tuple[pd.DataFrame, dict]:
    parts = units["part"].astype(str).tolist()
    bad = sorted(set(parts) - set(PARTS))
    if bad:
        raise InputError(f"<units>: column part has {bad}; expected review, plan or other")
    model, record = shipped_model()
    lexicon = tone_lexicon()
    seg = segmenter or default_segmenter()
    with _resources.gc_paused():  # many small lists and dicts: collections would only cost time
        token_lists = [seg.cut(text) for text in units["text"].tolist()]
        match_lists = [cue_matches(toks, lexicon) for toks in token_lists]
        rows = (_known_features(model, *sentence) for sentence in zip(token_lists, parts, match_lists))
        proba = model.probabilities(model.decision_of_known(rows))
        evidences = [evidence(matches) for matches in match_lists]
    col = {c: i for i, c in enumerate(model.classes)}
    table = pd.DataFrame({
        "doc_id": units["doc_id"].astype(str).to_numpy(),
        "unit_id": units["unit_id"].to_numpy(),
        "method": "policy",
        "score": proba[:, col["achievement"]] - proba[:, col["problem"]],
        "label": np.array(model.classes)[proba.argmax(axis=1)],
        "evidence": evidences,
    })
    attrs = {"method": "policy", "model": f"{MODEL_FILE} v{record.get('version', '?')}",
             "lexicon": lexicon.label, "segmenter": getattr(seg, "info", {})}
    return table, attrs


def _snownlp_tone(units: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    scores = np.array(snownlp_sentiments(units["text"].astype(str).tolist()), dtype=np.float64)
    table = pd.DataFrame({
        "doc_id": units["doc_id"].astype(str).to_numpy(),
        "unit_id": units["unit_id"].to_numpy(),
        "method": "snownlp",
        "score": scores,
        "label": np.where(scores > 0.5, "positive", "negative"),
        "evidence": "",
    })
    return table, {"method": "snownlp"}


def snownlp_tone_labels(scores: Sequence[float], mapping: dict) -> list[str]:
    """Map snownlp scores to the three tone labels with the cut points stored in the model.

    ``mapping`` is the model record's ``snownlp_baseline`` entry: ``thresholds`` [low, high]
    and ``labels`` for (score < low, low <= score < high, score >= high).
    """
    low, high = mapping["thresholds"]
    labels = mapping["labels"]
    return [labels[0] if s < low else labels[1] if s < high else labels[2] for s in scores]


def read_tone_labels(path: str | Path, split_file: str | Path | None = None) -> pd.DataFrame:
    """Read a labelled-sentence CSV (leading ``#`` header lines), optionally with its split.

    Args:
        path: e.g. ``data/labels/tone_sentences.csv`` with columns item_id, doc, year,
            section, text, label, hard_case.
        split_file: e.g. ``data/labels/tone_split.csv`` (item_id, split); merged on item_id.

    Returns:
        The labelled sentences as a DataFrame (plus ``split`` when a split file is given).

    Raises:
        InputError: missing file or columns, or items without a split.
    """
    labels = read_labels(path)
    require_columns(labels, ["item_id", "section", "text", "label"], "labels", "read_tone_labels")
    if split_file is None:
        return labels
    split = read_labels(split_file)
    require_columns(split, ["item_id", "split"], "split", "read_tone_labels")
    merged = labels.merge(split, on="item_id", how="left", validate="one_to_one")
    if merged["split"].isna().any():
        missing = merged.loc[merged["split"].isna(), "item_id"].head(3).tolist()
        raise InputError(f"{split_file}: no split for item_id {missing}…; rerun scripts/train_tone.py")
    return merged


def tone_validation(labels: pd.DataFrame, *, method: Literal["policy", "snownlp"] = "policy",
                    split: str | None = "test", segmenter=None) -> pd.DataFrame:
    """Precision, recall and F1 per tone label of a method against labelled sentences.

    Args:
        labels: labelled sentences with columns ``text``, ``label`` (achievement, problem,
            directive), ``section`` or ``part`` (review, plan, other) and optionally ``split``
            (as :func:`read_tone_labels` returns with a split file).
        method: ``"policy"``, or ``"snownlp"`` — snownlp's score mapped to three labels with
            the cut points tuned on the training split (stored in the model record).
        split: score only rows whose ``split`` equals this (default ``"test"``, the held-back
            split); ``None`` scores every row.
        segmenter: passed to :func:`tone`.

    Returns:
        Columns label, precision, recall, f1, support: one row per label, then a row
        ``macro`` (unweighted means; support = all rows). ``attrs``: method, n, accuracy,
        macro_f1.

    Example:
        >>> lab = pd.DataFrame({"text": ["要加快推进园区建设。"], "label": ["directive"],
        ...                     "part": ["plan"]})
        >>> table = tone_validation(lab, split=None)
        >>> table["label"].tolist(), table.attrs["accuracy"]
        (['achievement', 'directive', 'problem', 'macro'], 1.0)
    """
    if split is not None and "split" not in labels:
        raise InputError("<labels>: no split column; pass split=None or read the labels with "
                         "read_tone_labels(path, split_file)")
    rows = labels if split is None else labels[labels["split"] == split]
    units = pd.DataFrame({"doc_id": "labels", "unit_id": np.arange(len(rows)),
                          "part": rows["part" if "part" in rows else "section"].to_numpy(),
                          "text": rows["text"].to_numpy()})
    predicted = _predicted_labels(units, method, segmenter)
    table = label_scores(rows["label"].tolist(), predicted)
    table.attrs["method"] = method
    return table


def _predicted_labels(units: pd.DataFrame, method: str, segmenter) -> list[str]:
    if method == "snownlp":
        scores = snownlp_sentiments(units["text"].astype(str).tolist())
        return snownlp_tone_labels(scores, shipped_model()[1]["snownlp_baseline"])
    return tone(units, method="policy", segmenter=segmenter)["label"].tolist()


def label_scores(gold: Sequence[str], predicted: Sequence[str]) -> pd.DataFrame:
    """Per-label precision/recall/F1 and their macro average (see :func:`tone_validation`).

    Example:
        >>> t = label_scores(["problem", "directive"], ["problem", "problem"])
        >>> round(t.attrs["macro_f1"], 3), t.attrs["accuracy"]
        (0.222, 0.5)
    """
    rows = []
    for label in TONE_LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        n_pred = sum(p == label for p in predicted)
        n_gold = sum(g == label for g in gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append((label, precision, recall, f1, n_gold))
    table = pd.DataFrame(rows, columns=["label", "precision", "recall", "f1", "support"])
    macro = table[["precision", "recall", "f1"]].mean()
    table.loc[len(table)] = ["macro", macro["precision"], macro["recall"], macro["f1"], len(gold)]
    table.attrs.update({
        "n": len(gold),
        "accuracy": sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else math.nan,
        "macro_f1": float(macro["f1"]),
    })
    return table


def tone_shares(tone: pd.DataFrame, units: pd.DataFrame, *, by: str | Sequence[str] = "part") -> pd.DataFrame:
    """Share of units per tone label, per group of units (e.g. review vs plan, or year).

    Args:
        tone: a tone table of one method (from :func:`tone`).
        units: the units table it came from (or any table with doc_id, unit_id and the
            ``by`` columns, e.g. units merged with the documents' ``year``).
        by: column(s) to group by.

    Returns:
        Columns ``[*by, label, units, share]`` — every label of the method in every group
        (zeros included), groups in order of first appearance, labels in a fixed order.

    Example:
        >>> t = pd.DataFrame({"doc_id": ["d", "d"], "unit_id": [0, 1], "method": ["policy"] * 2,
        ...                   "score": [0.9, 0.0], "label": ["achievement", "directive"], "evidence": ["", ""]})
        >>> u = pd.DataFrame({"doc_id": ["d", "d"], "unit_id": [0, 1], "part": ["review", "review"]})
        >>> tone_shares(t, u)["share"].tolist()
        [0.5, 0.5, 0.0]
    """
    keys = [by] if isinstance(by, str) else list(by)
    require_columns(units, ["doc_id", "unit_id", *keys], "units", "tone_shares")
    require_columns(tone, ["doc_id", "unit_id", "label", "method"], "tone", "tone_shares")
    labels = list(TONE_LABELS) if (tone["method"] == "policy").all() else ["positive", "negative"]
    joined = tone.merge(units[["doc_id", "unit_id", *keys]], on=["doc_id", "unit_id"])
    counts = joined.groupby(keys, sort=False)["label"].value_counts().unstack(fill_value=0)
    counts = counts.reindex(columns=labels, fill_value=0)
    long = counts.stack().rename("units").reset_index()
    long["share"] = long["units"] / long.groupby(keys, sort=False)["units"].transform("sum")
    return long[[*keys, "label", "units", "share"]].astype({"units": "int64"})


def tone_disagreements(policy: pd.DataFrame, snownlp: pd.DataFrame, *, top: int | None = 10) -> pd.DataFrame:
    """Units where the policy tone model and snownlp disagree most.

    Both scores are put on [−1, 1]: the policy score as it is (P(achievement) −
    P(problem)), snownlp's as ``2·s − 1``; ``gap`` is the absolute difference.

    Returns:
        Columns doc_id, unit_id, policy_label, policy_score, snownlp_score, gap — largest
        gap first (ties by doc_id, unit_id), at most ``top`` rows.
    """
    both = policy.merge(snownlp, on=["doc_id", "unit_id"], suffixes=("_policy", "_snownlp"))
    table = pd.DataFrame({
        "doc_id": both["doc_id"], "unit_id": both["unit_id"], "policy_label": both["label_policy"],
        "policy_score": both["score_policy"], "snownlp_score": both["score_snownlp"],
        "gap": (both["score_policy"] - (2 * both["score_snownlp"] - 1)).abs(),
    })
    table = table.sort_values(["gap", "doc_id", "unit_id"], ascending=[False, True, True], kind="mergesort")
    return table.head(top).reset_index(drop=True) if top else table.reset_index(drop=True)
