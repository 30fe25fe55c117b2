"""Scores for sentence pairs: alone (STS-like, used by the pair benchmark) and inside two articles.

Alone, a pair's score is the STS-B-fitted linear model of its cosine and lexical evidence, scaled to
0..1. Inside two articles every sentence pair is about the same event, so the absolute cosine says
little; what tells a shared claim is (a) rare words or their WordNet relatives in common, weighted by
how rare they are *in these two articles*, and (b) how much the pair stands out from each sentence's
nearest neighbours in the other article (the margin of Artetxe & Schwenk 2019).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calibration import CONTEXT, PAIR_WEIGHTS, ContextWeights, PairWeights
from .evidence import Evidence


def pair_score(cosine: float, evidence: Evidence, weights: PairWeights = PAIR_WEIGHTS) -> float:
    """Predicted STS-B similarity / 5, clipped to 0..1."""
    sts = (
        weights.intercept
        + weights.cosine * cosine
        + weights.cosine_squared * cosine * cosine
        + weights.lexical * evidence.f1
        + weights.number_conflict * float(evidence.number_conflict)
    )
    return float(np.clip(sts / 5.0, 0.0, 1.0))


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
    # Two sentences giving different figures for the same thing are less likely one claim.
    raw = cosines + weights.lexical * lexical + weights.margin * margin - 0.1 * conflicts
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
