"""The phrases inside a matched sentence pair that carry the shared claim, as character spans.

Built from the lexical links between the two sentences (same word, name variant, number, WordNet
relative) rather than from token vectors: all-MiniLM-L6-v2's token vectors relate "outside" to
"foreign" at 0.35 and "increase" to "hike" at 0.29, no better than unrelated words in the same
sentences, while the links name the relation an analyst can check (docs/MATCHING.md).

Links close to each other on both sides form a cluster; a cluster's span is widened to the quotation
it sits in, to a hyphenated compound ("foreign-backed"), to the noun it modifies ("peacekeeping
mission") and to the word a preposition attaches it to ("inspired from abroad").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .evidence import Evidence, Link
from .lexicon import entry
from .text import Analysis, Word

MAX_GAP = 3  # words between two links of one cluster, on each side
MAX_WORDS = 8  # a phrase longer than this is a clause, not a phrase
MIN_LINK_WEIGHT = 0.8  # a link on a topic word ("Kazakhstan" in every sentence) neither starts nor joins a cluster
MIN_CLUSTER_WEIGHT = 0.7  # total (locally weighted) information a cluster needs to be shown
MAX_PHRASES = 2  # the strongest few; more would hide the claim in highlights
_ATTACHING = {"from", "by", "in", "of", "on", "with", "against", "for"}


@dataclass(frozen=True)
class Phrase:
    a: tuple[int, int]  # character span in sentence A
    b: tuple[int, int]
    score: float


def phrase_pairs(a: Analysis, b: Analysis, evidence: Evidence, weigh: Callable[[Word], float]) -> list[Phrase]:
    anchors = [link for link in evidence.links if max(weigh(link.a), weigh(link.b)) >= MIN_LINK_WEIGHT]
    clusters = _clusters(a, b, anchors)
    phrases = []
    for cluster in clusters:
        weight = sum(max(weigh(link.a), weigh(link.b)) * link.credit for link in cluster)
        if weight < MIN_CLUSTER_WEIGHT:
            continue
        span_a = _widen(a, _cover(cluster, "a"))
        span_b = _widen(b, _cover(cluster, "b"))
        total = sum(max(weigh(link.a), weigh(link.b)) for link in cluster)
        phrases.append((weight, Phrase(span_a, span_b, round(weight / total, 3) if total else 0.0)))
    for quote_a, quote_b in evidence.shared_quotes:
        phrases.append((float("inf"), Phrase(quote_a, quote_b, 1.0)))
    strongest = [phrase for _, phrase in sorted(phrases, key=lambda p: -p[0])[:MAX_PHRASES]]
    return _merge(strongest)


def _clusters(a: Analysis, b: Analysis, links: list[Link]) -> list[list[Link]]:
    position_a = {id(w): k for k, w in enumerate(a.words)}
    position_b = {id(w): k for k, w in enumerate(b.words)}
    ordered = sorted(links, key=lambda link: position_a[id(link.a)])
    clusters: list[list[Link]] = []
    for link in ordered:
        pa, pb = position_a[id(link.a)], position_b[id(link.b)]
        for cluster in clusters:
            near_a = min(abs(pa - position_a[id(other.a)]) for other in cluster) <= MAX_GAP + 1
            near_b = min(abs(pb - position_b[id(other.b)]) for other in cluster) <= MAX_GAP + 1
            if near_a and near_b:
                cluster.append(link)
                break
        else:
            clusters.append([link])
    return clusters


def _cover(cluster: list[Link], side: str) -> tuple[int, int]:
    words = [getattr(link, side) for link in cluster]
    return min(w.start for w in words), max(w.end for w in words)


def _widen(analysis: Analysis, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    for quote in analysis.quotes:
        inside = [w for w in analysis.words if quote[0] <= w.start and w.end <= quote[1]]
        if quote[0] <= start and end <= quote[1] and len(inside) <= MAX_WORDS:
            return quote
    words = analysis.words
    first = next(k for k, w in enumerate(words) if w.start >= start)
    last = max(k for k, w in enumerate(words) if w.end <= end)
    text = analysis.text
    # Hyphenated compounds are one unit: "foreign-backed", "Kassym-Jomart".
    while first > 0 and text[words[first - 1].end : words[first].start] == "-":
        first -= 1
    while last + 1 < len(words) and text[words[last].end : words[last + 1].start] == "-":
        last += 1
    # The noun a linked modifier qualifies: "peacekeeping" -> "peacekeeping mission" (but "prices" is
    # not extended to "prices turned": "turned" cannot be a noun).
    if last + 1 < len(words) and _modifies(words[last], words[last + 1], text[words[last].end : words[last + 1].start]):
        last += 1
    # The word a preposition attaches the phrase to: "abroad" -> "inspired from abroad".
    if first >= 2 and words[first - 1].norm in _ATTACHING and words[first - 2].is_content:
        if text[words[first - 2].end : words[first].start].strip(" ").isalpha():
            first -= 2
    if last - first + 1 > MAX_WORDS:
        return span
    return words[first].start, words[last].end


def _modifies(word: Word, following: Word, between: str) -> bool:
    if between.strip() or not following.is_content or following.is_name:
        return False
    return bool(set(entry(word.norm).pos) & {"a", "n"}) and "n" in entry(following.norm).pos


def _merge(phrases: list[Phrase]) -> list[Phrase]:
    """Overlapping phrase pairs become one, keeping the better score."""
    merged: list[Phrase] = []
    for phrase in sorted(phrases, key=lambda p: (p.a[0], p.b[0])):
        for k, other in enumerate(merged):
            if _overlap(phrase.a, other.a) and _overlap(phrase.b, other.b):
                merged[k] = Phrase(
                    (min(phrase.a[0], other.a[0]), max(phrase.a[1], other.a[1])),
                    (min(phrase.b[0], other.b[0]), max(phrase.b[1], other.b[1])),
                    max(phrase.score, other.score),
                )
                break
        else:
            merged.append(phrase)
    return merged


def _overlap(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]
