"""Which words an outlet uses distinctively: weighted log-odds ratios with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' Words", Political Analysis 16(4), eq. 16–22. Each outlet is
compared with all other outlets together; the prior is the whole corpus's word frequencies, which
shrinks rare words towards "not distinctive" instead of letting one-off words top the list the way
raw ratios do. The score is the z-score of the log-odds ratio (estimate over its standard deviation).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

# Strength of the prior in pseudo-counts. Monroe et al. scale the corpus frequencies to a chosen
# total; 1,000 keeps a word seen a handful of times in one outlet from outranking steady usage. A
# corpus smaller than that gets a prior as large as itself, so the data still speak.
ALPHA0 = 1000.0
# |z| > 1.96 is the 95% level the paper reports against; words above it are marked significant.
Z_THRESHOLD = 1.96


@dataclass(frozen=True)
class Distinctive:
    text: str
    z: float
    count: int  # uses in this outlet
    other: int  # uses in all other outlets

    @property
    def significant(self) -> bool:
        return self.z > Z_THRESHOLD


def log_odds_z(
    counts: Counter[str], others: Counter[str], prior: Counter[str], alpha0: float = ALPHA0
) -> dict[str, float]:
    """z-score of the log-odds ratio of every word in ``counts``: positive means more typical of ``counts``."""
    n_i, n_j, n_prior = sum(counts.values()), sum(others.values()), sum(prior.values())
    if not n_i or not n_prior:
        return {}
    alpha0 = min(alpha0, n_prior)
    scale = alpha0 / n_prior
    scores = {}
    for word, y_i in counts.items():
        a_w = prior[word] * scale
        if a_w <= 0:
            continue
        y_j = others.get(word, 0)
        delta = math.log((y_i + a_w) / (n_i + alpha0 - y_i - a_w)) - math.log((y_j + a_w) / (n_j + alpha0 - y_j - a_w))
        variance = 1.0 / (y_i + a_w) + 1.0 / (y_j + a_w)
        scores[word] = delta / math.sqrt(variance)
    return scores


def most_distinctive(
    by_outlet: dict[int, Counter[str]], *, top: int = 15, min_count: int = 2
) -> dict[int, list[Distinctive]]:
    """Per outlet, its ``top`` most distinctive items against all other outlets, highest z first.

    Every item with a positive z is ranked, so a small corpus still shows its leanings; whether an
    item clears the 95% level is part of the answer (``significant``), not a filter.
    """
    total: Counter[str] = Counter()
    for counts in by_outlet.values():
        total.update(counts)
    result = {}
    for outlet_id, counts in by_outlet.items():
        others = total.copy()
        others.subtract(counts)
        others = +others  # drops the zeros the subtraction leaves
        scores = log_odds_z(counts, others, total)
        ranked = sorted(
            (w for w, z in scores.items() if z > 0 and counts[w] >= min_count),
            key=lambda w: (-scores[w], w),
        )
        result[outlet_id] = [Distinctive(w, round(scores[w], 2), counts[w], others.get(w, 0)) for w in ranked[:top]]
    return result
