"""Align two articles: which claim segments make the same claim, how strongly, and which phrases carry it.

``compare_articles`` reads the stored vectors (``index.vectors_for``), scores every title/sentence
pair in context (``scoring.context_scores``: cosine, locally weighted lexical evidence, margin over
nearest neighbours), keeps the pairs that clear the sensitivity's threshold and are (near) the best
for one of their two sentences, and explains each with its phrases and reasons. Headings, captions,
metadata and boilerplate never take part: only ``CLAIM_KINDS`` segments are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from narratives.models import Article, Segment

from . import calibration
from .evidence import Evidence, compare
from .features import PairFeatures, pair_features, topic_key
from .index import vectors_for
from .phrases import phrase_pairs
from .scoring import candidate_pairs, context_scores, thresholds
from .text import Word, analyse

DEFAULT_SENSITIVITY = 0.5
Key = tuple[int, int, int, int]


@dataclass(frozen=True)
class SpanRef:
    start: int
    end: int
    text: str

    def as_json(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class PhrasePair:
    a: SpanRef
    b: SpanRef
    score: float

    def as_json(self) -> dict:
        return {"a": self.a.as_json(), "b": self.b.as_json(), "score": self.score}


@dataclass
class Match:
    id: str
    a: SpanRef
    b: SpanRef
    score: float
    tier: str  # "strong" | "possible"
    phrases: list[PhrasePair] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    a_segment_id: int = 0
    b_segment_id: int = 0

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "a": self.a.as_json(),
            "b": self.b.as_json(),
            "score": self.score,
            "tier": self.tier,
            "phrases": [p.as_json() for p in self.phrases],
            "reasons": list(self.reasons),
        }


@dataclass
class Comparison:
    a: Article
    b: Article
    matches: list[Match]
    sensitivity: float

    def as_json(self) -> dict:
        """The compare contract of CONTRACTS.md (plus each match's "id" and "reasons")."""
        return {"a": _article_json(self.a), "b": _article_json(self.b), "matches": [m.as_json() for m in self.matches]}


def _article_json(article: Article) -> dict:
    return {"id": article.pk, "title": article.title, "outlet": article.outlet.name}


def match_id(a: Article, b: Article, key: Key) -> str:
    """Attribute-safe and orientation-free: the lower article id and its offsets come first."""
    a0, a1, b0, b1 = key
    if a.pk > b.pk:
        return f"m{b.pk}-{b0}-{b1}-{a.pk}-{a0}-{a1}"
    return f"m{a.pk}-{a0}-{a1}-{b.pk}-{b0}-{b1}"


def compare_articles(
    a: Article,
    b: Article,
    sensitivity: float | None = None,
    exclude: set[Key] | frozenset[Key] = frozenset(),
) -> Comparison:
    """The machine's matches between ``a`` and ``b``; pairs in ``exclude`` (rejected) never come back."""
    sensitivity = DEFAULT_SENSITIVITY if sensitivity is None else min(1.0, max(0.0, float(sensitivity)))
    segments_a, vectors_a = _with_content(*vectors_for(a))
    segments_b, vectors_b = _with_content(*vectors_for(b))
    matches = align_segments(a, b, segments_a, vectors_a, segments_b, vectors_b, sensitivity, exclude)
    return Comparison(a, b, matches, sensitivity)


MIN_CONTENT_WORDS = 2


def _with_content(segments: list[Segment], vectors: np.ndarray) -> tuple[list[Segment], np.ndarray]:
    """Drop claim segments with fewer than two content words ("(I)", "Of the protests."): a fragment
    left by a broken sentence states no claim of its own, and matching it shows noise."""
    keep = [k for k, s in enumerate(segments) if len(analyse(s.text).content) >= MIN_CONTENT_WORDS]
    return [segments[k] for k in keep], vectors[keep]


def align_segments(
    a: Article,
    b: Article,
    segments_a: list[Segment],
    vectors_a: np.ndarray,
    segments_b: list[Segment],
    vectors_b: np.ndarray,
    sensitivity: float = DEFAULT_SENSITIVITY,
    exclude: set[Key] | frozenset[Key] = frozenset(),
) -> list[Match]:
    if not segments_a or not segments_b:
        return []
    features = pair_features([s.text for s in segments_a], [s.text for s in segments_b])
    weights = calibration.CONTEXT  # read at call time, so a calibration run can try other values
    scores = context_scores(vectors_a @ vectors_b.T, features.lexical_f1, features.number_conflict, weights)
    possible, strong = thresholds(sensitivity, weights)
    matches = []
    for i, j in candidate_pairs(scores.raw, possible, weights.near_best):
        sa, sb = segments_a[i], segments_b[j]
        if (sa.start, sa.end, sb.start, sb.end) in exclude:
            continue
        score = float(scores.score[i, j])
        tier = "strong" if scores.raw[i, j] >= strong else "possible"
        matches.append(_match(a, b, sa, sb, score, tier, float(scores.cosine[i, j]), features))
    return sorted(matches, key=lambda m: (m.a.start, m.b.start))


def _match(
    a: Article, b: Article, sa: Segment, sb: Segment, score: float, tier: str, cosine: float, features: PairFeatures
) -> Match:
    analysis_a, analysis_b = analyse(sa.text), analyse(sb.text)

    def weigh(word: Word) -> float:
        return word.weight * features.weigh.get(topic_key(word), 1.0)

    evidence = compare(analysis_a, analysis_b, weigh, weigh)
    phrases = [
        PhrasePair(_span(a, sa, p.a), _span(b, sb, p.b), p.score)
        for p in phrase_pairs(analysis_a, analysis_b, evidence, weigh)
    ]
    key = (sa.start, sa.end, sb.start, sb.end)
    return Match(
        id=match_id(a, b, key), a=SpanRef(sa.start, sa.end, sa.text), b=SpanRef(sb.start, sb.end, sb.text),
        score=round(score, 3), tier=tier, phrases=phrases, reasons=reasons(evidence, cosine, weigh),
        a_segment_id=sa.pk, b_segment_id=sb.pk,
    )  # fmt: skip


def _span(article: Article, segment: Segment, span: tuple[int, int]) -> SpanRef:
    start, end = segment.start + span[0], segment.start + span[1]
    return SpanRef(start, end, article.clean_text[start:end])


def reasons(evidence: Evidence, cosine: float, weigh) -> list[str]:
    """Why the pair was matched, in the analyst's words, strongest first."""
    found = []
    if evidence.shared_quotes:
        found.append("shared quote")
    if any(weigh(link.a) >= 1.0 for link in evidence.shared_names):
        found.append("same entities")
    if evidence.shared_numbers:
        found.append("same numbers")
    if any(link.kind == "related" for link in evidence.links) or cosine >= 0.6:
        found.append("paraphrase")
    return found or ["similar wording"]
