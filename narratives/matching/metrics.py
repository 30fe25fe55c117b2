"""Benchmark metrics, written out so that the figures in docs/MATCHING.md can be checked by reading.

- Spearman ×100 with average ranks for ties (what sentence-embedding papers report for STS-B);
- accuracy and F1 of a yes/no decision;
- CheckThat! 2020 task 2: MAP@5 as the official scorer computes it (precision at each relevant hit in
  the top 5, divided by the number of relevant claims), MRR, recall@1 and recall@5.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def average_ranks(values: Sequence[float]) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    order = np.argsort(array, kind="stable")
    ranks = np.empty(len(array), dtype=np.float64)
    sorted_values = array[order]
    start = 0
    while start < len(array):
        stop = start
        while stop + 1 < len(array) and sorted_values[stop + 1] == sorted_values[start]:
            stop += 1
        ranks[order[start : stop + 1]] = (start + stop) / 2.0
        start = stop + 1
    return ranks


def spearman(predicted: Sequence[float], gold: Sequence[float]) -> float:
    """Spearman's rank correlation ×100."""
    if len(predicted) < 2:
        return float("nan")
    a, b = average_ranks(predicted), average_ranks(gold)
    a, b = a - a.mean(), b - b.mean()
    denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return 100.0 * float((a * b).sum()) / denominator if denominator else float("nan")


def precision_recall_f1(right: int, shown: int, listed: int) -> tuple[float, float, float]:
    """From counts: ``right`` of the ``shown`` decisions are among the ``listed`` gold ones (0 when empty)."""
    precision = right / shown if shown else 0.0
    recall = right / listed if listed else 0.0
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def accuracy_f1(decisions: Sequence[bool], labels: Sequence[bool]) -> tuple[float, float]:
    d, g = np.asarray(decisions, dtype=bool), np.asarray(labels, dtype=bool)
    f1 = precision_recall_f1(int((d & g).sum()), int(d.sum()), int(g.sum()))[2]
    return float((d == g).mean()) if len(d) else float("nan"), f1


def average_precision_at(ranked: Sequence[str], gold: set[str], k: int = 5) -> float:
    hits, total = 0, 0.0
    for position, item in enumerate(ranked[:k], start=1):
        if item in gold:
            hits += 1
            total += hits / position
    return total / len(gold) if gold else 0.0


def reciprocal_rank(ranked: Sequence[str], gold: set[str]) -> float:
    for position, item in enumerate(ranked, start=1):
        if item in gold:
            return 1.0 / position
    return 0.0


def recall_at(ranked: Sequence[str], gold: set[str], k: int) -> float:
    return len(gold & set(ranked[:k])) / len(gold) if gold else 0.0


def retrieval_metrics(rankings: Sequence[Sequence[str]], golds: Sequence[set[str]]) -> dict[str, float | int]:
    """Means over the queries that have at least one gold id (queries without one are not counted)."""
    scored = [(r, g) for r, g in zip(rankings, golds) if g]
    n = len(scored)

    def mean(values: list[float]) -> float:
        return round(float(np.mean(values)), 4) if values else float("nan")

    return {
        "n": n,
        "map@5": mean([average_precision_at(r, g, 5) for r, g in scored]),
        "mrr": mean([reciprocal_rank(r, g) for r, g in scored]),
        "recall@1": mean([recall_at(r, g, 1) for r, g in scored]),
        "recall@5": mean([recall_at(r, g, 5) for r, g in scored]),
    }
