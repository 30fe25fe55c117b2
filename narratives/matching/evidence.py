"""Lexical evidence that two sentences make the same claim: words they share, by kind of link.

Each content word of one sentence is linked to its best counterpart in the other: the same word or
lemma, the same name spelt another way (Kasim-Yomart / Kassym-Jomart), the same number, or a WordNet
relative (hike / increase). Links are weighted by how informative the word is, so "Kazakhstan" shared
by every sentence of two articles counts less than "liquefied" shared by two of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .lexicon import related
from .text import Analysis, Word, same_name

# Credit for each kind of link (a same-lemma link is full evidence; a WordNet relative is weaker, since
# it may be a different sense). Fitted values would overfit STS-B's captions; these were checked on
# STS-B dev (docs/MATCHING.md).
LINK_CREDIT = {"same": 1.0, "number": 1.0, "name": 0.9, "related": 0.6}

Weigh = Callable[[Word], float]


@dataclass(frozen=True)
class Link:
    a: Word
    b: Word
    kind: str  # "same" | "name" | "number" | "related"

    @property
    def credit(self) -> float:
        return LINK_CREDIT[self.kind]


@dataclass(frozen=True)
class Evidence:
    recall_a: float  # share of A's (weighted) content found in B
    recall_b: float
    links: tuple[Link, ...]
    shared_quotes: tuple[tuple[tuple[int, int], tuple[int, int]], ...]  # (span in A, span in B)
    number_conflict: bool  # both give numbers and none agree

    @property
    def f1(self) -> float:
        total = self.recall_a + self.recall_b
        return 0.0 if total == 0 else 2 * self.recall_a * self.recall_b / total

    @property
    def shared_names(self) -> tuple[Link, ...]:
        return tuple(link for link in self.links if link.a.is_name and link.kind in {"same", "name"})

    @property
    def shared_numbers(self) -> tuple[Link, ...]:
        return tuple(link for link in self.links if link.kind == "number")


# A WordNet relative links two words only when both are this informative: common words have many
# senses, and WordNet relates them through senses the sentence does not use (force ~ intensity).
RELATED_MIN_WEIGHT = 1.5


def link_kind(u: Word, v: Word) -> str | None:
    if u.number is not None or v.number is not None:
        return "number" if u.number == v.number else None
    if u.is_name != v.is_name:
        return None  # "Foreign Ministry" is not "foreign-backed"
    if u.norm == v.norm or u.lemma == v.lemma:
        return "same"
    if u.is_name:
        return "name" if same_name(u.norm, v.norm) else None
    if min(u.weight, v.weight) >= RELATED_MIN_WEIGHT and related(u.norm, v.norm):
        return "related"
    return None


def global_weight(word: Word) -> float:
    return word.weight


def compare(a: Analysis, b: Analysis, weigh_a: Weigh = global_weight, weigh_b: Weigh = global_weight) -> Evidence:
    """Link the content words of ``a`` and ``b`` and measure how much of each the other covers."""
    words_a, words_b = a.content, b.content
    best_a: dict[int, Link] = {}
    best_b: dict[int, Link] = {}
    for i, u in enumerate(words_a):
        for j, v in enumerate(words_b):
            kind = link_kind(u, v)
            if kind is None:
                continue
            link = Link(u, v, kind)
            if i not in best_a or link.credit > best_a[i].credit:
                best_a[i] = link
            if j not in best_b or link.credit > best_b[j].credit:
                best_b[j] = link
    recall_a = _recall(words_a, best_a, weigh_a)
    recall_b = _recall(words_b, best_b, weigh_b)
    links = tuple(sorted({*best_a.values(), *best_b.values()}, key=lambda k: (k.a.start, k.b.start)))
    numbers_a = {w.number for w in words_a if w.number}
    numbers_b = {w.number for w in words_b if w.number}
    conflict = bool(numbers_a and numbers_b and not numbers_a & numbers_b)
    return Evidence(recall_a, recall_b, links, _shared_quotes(a, b), conflict)


def _recall(words: tuple[Word, ...], best: dict[int, Link], weigh: Weigh) -> float:
    total = sum(weigh(w) for w in words)
    if total <= 0:
        return 0.0
    return sum(weigh(words[i]) * link.credit for i, link in best.items()) / total


def _shared_quotes(a: Analysis, b: Analysis) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """Quoted phrases of one sentence whose words appear, in order, in the other (quoted or not)."""
    found = []
    for quote in a.quotes:
        span = _find_words(a, quote, b)
        if span:
            found.append((quote, span))
    for quote in b.quotes:
        span = _find_words(b, quote, a)
        if span and not any(pair[1] == quote for pair in found):
            found.append((span, quote))
    return tuple(found)


def _find_words(source: Analysis, span: tuple[int, int], target: Analysis) -> tuple[int, int] | None:
    """Where the words of ``source[span]`` occur consecutively in ``target`` (case-insensitive)."""
    wanted = [w.norm for w in source.words if span[0] <= w.start and w.end <= span[1]]
    if not wanted or sum(1 for w in source.words if span[0] <= w.start and w.end <= span[1] and w.is_content) == 0:
        return None
    norms = [w.norm for w in target.words]
    for k in range(len(norms) - len(wanted) + 1):
        if norms[k : k + len(wanted)] == wanted:
            return target.words[k].start, target.words[k + len(wanted) - 1].end
    return None
