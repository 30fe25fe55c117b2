"""Pair features for every sentence of one article against every sentence of another, fast.

Comparing two 60-sentence articles means 3,600 sentence pairs; linking their words pair by pair
in Python would take a second. Instead the words of each article are reduced to distinct types,
types are linked once through inverted indexes (lemma, number, name skeleton, WordNet concept), and
the per-pair lexical recall is accumulated from those links. ``evidence.link_kind`` decides every link,
so the fast path and ``evidence.compare`` agree by construction.

Within a pair of articles a word's weight is its global information times a local factor: a word
found in many sentences of the two articles ("Kazakhstan", "CSTO" in the seeds) is the shared topic,
not a shared claim, and counts for little.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .evidence import LINK_CREDIT, link_kind
from .lexicon import entry
from .text import Analysis, Word, analyse, name_key


def topic_key(word: Word) -> str:
    """What counts as "the same word" when counting in how many sentences it occurs."""
    return _topic_key(word.is_name, word.norm, word.lemma)


@functools.lru_cache(maxsize=65536)
def _topic_key(is_name: bool, norm: str, lemma: str) -> str:
    return f"n:{name_key(norm)}" if is_name else f"w:{lemma}"


def local_factor(document_frequency: int, sentences: int) -> float:
    """1 for a word in one or two sentences of the pair, falling towards 0 as it appears in most of them."""
    if sentences <= 2 or document_frequency <= 2:
        return 1.0
    return max(0.05, min(1.0, math.log(sentences / document_frequency) / math.log(sentences / 2)))


@dataclass
class Side:
    analyses: list[Analysis]

    @property
    def size(self) -> int:
        return len(self.analyses)


@dataclass
class PairFeatures:
    recall_a: np.ndarray  # (n, m) weighted share of sentence i's content linked into sentence j
    recall_b: np.ndarray
    number_conflict: np.ndarray  # (n, m) bool
    weigh: dict[str, float]  # topic key -> local factor, for detailed evidence on chosen pairs

    @property
    def lexical_f1(self) -> np.ndarray:
        total = self.recall_a + self.recall_b
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, 2 * self.recall_a * self.recall_b / np.maximum(total, 1e-12), 0.0)


def pair_features(texts_a: list[str], texts_b: list[str]) -> PairFeatures:
    side_a = Side([analyse(t) for t in texts_a])
    side_b = Side([analyse(t) for t in texts_b])
    factors = _local_factors(side_a, side_b)
    recall_a = _recall(side_a, side_b, factors)
    recall_b = _recall(side_b, side_a, factors).T
    return PairFeatures(recall_a, recall_b, _number_conflicts(side_a, side_b), factors)


def _local_factors(side_a: Side, side_b: Side) -> dict[str, float]:
    frequency: dict[str, int] = defaultdict(int)
    for analysis in side_a.analyses + side_b.analyses:
        for key in {topic_key(w) for w in analysis.content}:
            frequency[key] += 1
    sentences = side_a.size + side_b.size
    return {key: local_factor(count, sentences) for key, count in frequency.items()}


def _recall(source: Side, target: Side, factors: dict[str, float]) -> np.ndarray:
    """(n_source, n_target) weighted recall of each source sentence's content in each target sentence."""
    result = np.zeros((source.size, target.size), dtype=np.float32)
    target_types = _types(target)
    linker = _Linker(target_types)
    for i, analysis in enumerate(source.analyses):
        content = analysis.content
        weights = [w.weight * factors.get(topic_key(w), 1.0) for w in content]
        total = sum(weights)
        if total <= 0:
            continue
        best: dict[tuple[int, int], float] = {}  # (word index, target sentence) -> best credit
        for k, word in enumerate(content):
            for target_type, credit in linker.links(word):
                for j in target_types.postings[target_type]:
                    if credit > best.get((k, j), 0.0):
                        best[(k, j)] = credit
        for (k, j), credit in best.items():
            result[i, j] += weights[k] * credit / total
    return result


@dataclass
class _Types:
    words: list[Word]  # one representative per type
    postings: list[set[int]]  # sentences where each type occurs
    by_text: dict[str, list[int]]  # norm, lemma and number -> types (inverted index)
    by_concept: dict[int, list[int]]  # WordNet concept -> types having it
    by_parent: dict[int, list[int]]  # WordNet concept -> types having it as a direct hypernym
    names: dict[str, list[int]]  # first letter of the name's skeleton -> types: spelling-variant candidates


def _type_id(word: Word) -> str:
    # lemma and number follow from the normalised form; a name and a common word stay apart.
    return f"N{word.norm}" if word.is_name else word.norm


def _types(side: Side) -> _Types:
    return _types_of(tuple(analysis.text for analysis in side.analyses))


@functools.lru_cache(maxsize=128)
def _types_of(texts: tuple[str, ...]) -> _Types:
    """An article's word types and indexes, kept for its next comparisons (the compare page, the grid)."""
    side = Side([analyse(text) for text in texts])
    ids: dict[str, int] = {}
    types = _Types([], [], defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list))
    for j, analysis in enumerate(side.analyses):
        for word in analysis.content:
            key = _type_id(word)
            if key not in ids:
                ids[key] = len(types.words)
                types.words.append(word)
                types.postings.append(set())
            types.postings[ids[key]].add(j)
    for t, word in enumerate(types.words):
        for text in {word.norm, word.lemma, f"#{word.number}" if word.number is not None else ""} - {""}:
            types.by_text[text].append(t)
        if word.is_name:
            types.names[name_key(word.norm)[:1]].append(t)  # variants keep their first letter (same_name)
            continue
        info = entry(word.norm)
        for concept in info.concepts:
            types.by_concept[concept].append(t)
        for concept in info.hypernyms:
            types.by_parent[concept].append(t)
    return types


class _Linker:
    """Links a word to the target's types, through the indexes, and caches by word type."""

    def __init__(self, types: _Types) -> None:
        self.types = types
        self.cache: dict[str, list[tuple[int, float]]] = {}

    def links(self, word: Word) -> list[tuple[int, float]]:
        key = _type_id(word)
        if key not in self.cache:
            self.cache[key] = self._find(word)
        return self.cache[key]

    def _find(self, word: Word) -> list[tuple[int, float]]:
        types = self.types
        candidates: list[int] = [*types.by_text.get(word.norm, ()), *types.by_text.get(word.lemma, ())]
        if word.number is not None:
            candidates += types.by_text.get(f"#{word.number}", ())
        if word.is_name:
            candidates += types.names.get(name_key(word.norm)[:1], ())
        else:
            info = entry(word.norm)
            for concept in info.concepts:
                candidates += types.by_concept.get(concept, ())
                candidates += types.by_parent.get(concept, ())
            for concept in info.hypernyms:
                candidates += types.by_concept.get(concept, ())
        found = []
        for t in set(candidates):
            kind = link_kind(word, types.words[t])
            if kind is not None:
                found.append((t, LINK_CREDIT[kind]))
        return found


def _number_conflicts(side_a: Side, side_b: Side) -> np.ndarray:
    numbers_a = [{w.number for w in a.content if w.number} for a in side_a.analyses]
    numbers_b = [{w.number for w in b.content if w.number} for b in side_b.analyses]
    conflict = np.zeros((side_a.size, side_b.size), dtype=bool)
    for i, na in enumerate(numbers_a):
        for j, nb in enumerate(numbers_b):
            conflict[i, j] = bool(na and nb and not na & nb)
    return conflict
