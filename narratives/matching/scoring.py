"""Scores for sentence pairs: alone (STS-like, used by the pair benchmark) and inside two articles.

Alone, a pair's score is the STS-B-fitted pair model (a small network over its cosine, lexical
evidence and sentence lengths; ``calibration.PairModel``) scaled to 0..1. Inside two articles every
sentence pair is about the same event, so the absolute cosine says little; what tells a shared claim
is (a) rare words or their WordNet relatives in common, weighted by how rare they are *in these two
articles*, and (b) how much the pair stands out from each sentence's nearest neighbours in the other
article (the margin of Artetxe & Schwenk 2019).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import calibration
from .calibration import CONTEXT, ContextWeights, PairModel, pair_model
from .evidence import Evidence
from .text import Analysis

# What the pair model reads, in order (calibration.PairModel.features must say the same).
PAIR_FEATURES = (
    "cosine",
    "lexical_f1",
    "recall_min",  # the less covered sentence's share of its content found in the other
    "recall_max",
    "number_conflict",
    "length_ratio",  # shorter / longer, in words
    "log_length",  # log of the longer sentence's words: tells a caption from a news or forum sentence
    "log_content",  # log(1 + distinct content lemmas of the poorer sentence)
)


@dataclass(frozen=True)
class Size:
    """What the pair features need of one sentence, computed once per sentence."""

    words: int
    content: int  # distinct content lemmas

    @classmethod
    def of(cls, analysis: Analysis) -> Size:
        return cls(len(analysis.words), len({w.lemma for w in analysis.content}))


def pair_feature_array(
    cosine: np.ndarray | float,
    recall_a: np.ndarray | float,
    recall_b: np.ndarray | float,
    conflict: np.ndarray | float,
    words: tuple[np.ndarray, np.ndarray],
    content: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """(..., len(PAIR_FEATURES)); every argument broadcasts, so one pair or an (n, m) grid of pairs.

    For a grid pass per-sentence sizes shaped (n, 1) and (1, m): nothing is computed per pair but
    a few array operations.
    """
    recall_a, recall_b = np.asarray(recall_a, dtype=np.float32), np.asarray(recall_b, dtype=np.float32)
    total = recall_a + recall_b
    f1 = np.where(total > 0, 2 * recall_a * recall_b / np.maximum(total, 1e-12), 0.0)
    shorter, longer = np.minimum(*words), np.maximum(*words)
    columns = (
        cosine,
        f1,
        np.minimum(recall_a, recall_b),
        np.maximum(recall_a, recall_b),
        np.asarray(conflict, dtype=np.float32),
        shorter / np.maximum(longer, 1),
        np.log(np.maximum(longer, 1)),
        np.log1p(np.minimum(*content)),
    )
    return np.stack(np.broadcast_arrays(*columns), axis=-1).astype(np.float32)


def pair_scores(features: np.ndarray, model: PairModel | None = None) -> np.ndarray:
    """Predicted STS-B similarity / 5, clipped to 0..1, for an array of pair features."""
    model = model or pair_model()
    return np.clip(model.predict(features) / 5.0, 0.0, 1.0)


def blend_reader(reader: np.ndarray | float, features: np.ndarray | float) -> np.ndarray:
    """The pair reader's score (reader.PairReader) and the feature model's, weighted as fitted on STS-B dev."""
    weight = calibration.READER_WEIGHT
    return weight * np.asarray(reader, dtype=np.float64) + (1 - weight) * np.asarray(features, dtype=np.float64)


def features_of(cosine: float, evidence: Evidence, a: Analysis, b: Analysis) -> np.ndarray:
    """The pair features of two sentences on their own (global word weights, no article around them)."""
    size_a, size_b = Size.of(a), Size.of(b)
    return pair_feature_array(
        cosine, evidence.recall_a, evidence.recall_b, float(evidence.number_conflict),
        (np.float32(size_a.words), np.float32(size_b.words)), (np.float32(size_a.content), np.float32(size_b.content)),
    )  # fmt: skip


def pair_score(cosine: float, evidence: Evidence, a: Analysis, b: Analysis, model: PairModel | None = None) -> float:
    """The pair score of two sentences on their own: predicted STS-B similarity / 5."""
    return float(pair_scores(features_of(cosine, evidence, a, b), model))


def margins(cosines: np.ndarray, k: int) -> np.ndarray:
    """cos(i, j) minus the mean of the two sentences' k best cosines in the other article."""
    n, m = cosines.shape
    if n == 0 or m == 0:
        return np.zeros_like(cosines)
    k_rows, k_cols = min(k, m), min(k, n)
    row_knn = np.sort(cosines, axis=1)[:, -k_rows:].mean(axis=1)
    col_knn = np.sort(cosines, axis=0)[-k_cols:, :].mean(axis=0)
    return cosines - (row_knn[:, None] + col_knn[None, :]) / 2


@dataclass
class ContextScores:
    raw: np.ndarray  # (n, m) evidence on the raw scale of ContextWeights
    score: np.ndarray  # (n, m) in 0..1; 0.5 = the "possible" threshold at the default sensitivity
    cosine: np.ndarray
    lexical: np.ndarray
    margin: np.ndarray


def context_scores(
    cosines: np.ndarray, lexical: np.ndarray, conflicts: np.ndarray, weights: ContextWeights = CONTEXT
) -> ContextScores:
    margin = margins(cosines, weights.neighbours)
    # Two sentences giving different figures ("31 killed" / "48 dead") state different claims.
    raw = cosines + weights.lexical * lexical + weights.margin * margin - weights.conflict * conflicts
    # MiniLM puts unrelated news sentences at 0.05-0.1 and same-event, different-claim ones at 0.3-0.45;
    # a shared word or two must not lift such a pair into a match.
    raw = np.where(cosines >= weights.min_cosine, raw, np.minimum(raw, cosines))
    return ContextScores(raw, to_score(raw, weights), cosines, lexical, margin)


def to_score(raw: np.ndarray | float, weights: ContextWeights = CONTEXT) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.asarray(raw, dtype=np.float64) - weights.possible) / weights.width))


def thresholds(sensitivity: float, weights: ContextWeights = CONTEXT) -> tuple[float, float]:
    """(possible, strong) thresholds on the raw scale; sensitivity 0.5 is the calibrated default."""
    shift = (sensitivity - 0.5) * weights.sensitivity_span
    return weights.possible - shift, weights.strong - shift


def candidate_pairs(score: np.ndarray, threshold: float, near_best: float) -> list[tuple[int, int]]:
    """Pairs above ``threshold`` that are (near) the best for their row or their column.

    Near-best rather than strictly mutual-best, because a claim an article repeats should match every
    sentence that repeats it, and one sentence may carry two claims matched in different places.
    """
    if score.size == 0:
        return []
    row_best = score.max(axis=1, keepdims=True)
    col_best = score.max(axis=0, keepdims=True)
    near = (score >= row_best - near_best) | (score >= col_best - near_best)
    rows, cols = np.nonzero((score >= threshold) & near)
    return [(int(i), int(j)) for i, j in zip(rows, cols)]
