"""Every fitted or chosen constant of the matcher, with where it came from (see docs/MATCHING.md).

Change a value here only with a measurement: ``evaluate_matching --fit-pairs`` refits the pair
weights on STS-B train, ``--fit-retrieval`` the retrieval fusion on CheckThat! train+dev.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PairWeights:
    """Linear model of STS-B similarity (0-5) from pair features, least squares on STS-B train."""

    intercept: float
    cosine: float
    cosine_squared: float
    lexical: float
    number_conflict: float


# `evaluate_matching --fit-pairs` on STS-B train (5,749 pairs), int8 ONNX all-MiniLM-L6-v2.
PAIR_WEIGHTS = PairWeights(
    intercept=-0.1201, cosine=2.6984, cosine_squared=1.528, lexical=0.7475, number_conflict=-0.7382
)

# STS-B levels a decision is about: 3 = "roughly equivalent, some important information differs",
# 4 = "mostly equivalent, unimportant details differ". Shown at default sensitivity = 3 or more.
LABEL_STS = 3.0
STRONG_STS = 4.0


@dataclass(frozen=True)
class ContextWeights:
    """How a sentence pair inside two articles is scored and chosen (docs/MATCHING.md, "In context").

    raw = cosine + lexical * locally-weighted lexical F1 + margin * (cosine - mean of the k best
    cosines of both sentences); score = logistic((raw - possible) / width), so 0.5 is the default
    threshold of "possible" and the score does not depend on the sensitivity.
    """

    lexical: float
    margin: float
    neighbours: int  # k of the margin
    possible: float  # raw threshold of "possible" at the default sensitivity
    strong: float  # raw threshold of "strong" at the default sensitivity
    width: float  # raw units per logit of the score
    near_best: float  # raw distance to its row's or column's best within which a pair counts as best
    min_cosine: float  # below this the sentences are about different things, whatever words they share
    sensitivity_span: float  # raw distance the thresholds move between sensitivity 0 and 1


# Tuned on the two seed articles (the only article pair with judged matches we have): a grid over
# lexical 0.75-2, margin 0-1, near_best 0.03-0.1, k 2-3 and the threshold; chosen for the highest
# share of acceptable pairs with the listed claims all found (docs/MATCHING.md gives the grid's results).
CONTEXT = ContextWeights(
    lexical=1.5,
    margin=0.5,
    neighbours=2,
    possible=0.63,
    strong=0.88,
    width=0.2,
    near_best=0.1,
    min_cosine=0.4,
    sensitivity_span=0.5,
)


@dataclass(frozen=True)
class RetrievalWeights:
    title: float  # share of the title's cosine in the semantic score
    bm25: float  # weight of BM25 (standardised per query) added to the semantic score


# Grid title 0-0.6 x bm25 0-0.07 on CheckThat! 2020 train+dev, best mean MAP@5 (0.884 train,
# 0.848 dev); the test split was scored with these values only.
RETRIEVAL_WEIGHTS = RetrievalWeights(title=0.4, bm25=0.02)
