"""Find the known claims a text repeats: BM25 over words fused with embedding cosine.

Used by ``evaluate_matching --corpus/--queries`` (CheckThat! 2020 task 2: tweets against verified
claims). A corpus line may carry a ``title`` beside its ``text``; both fields are searched, because a
fact-check's headline often words the claim the way social media does. The fusion weights are fitted
on the train and dev queries only (calibration.RETRIEVAL_WEIGHTS, docs/MATCHING.md). Queries are
used as given: removing links and the "— name (@handle) date" signature of pasted tweets was tried
and lowered MAP@5 on dev (0.785 -> 0.768 for cosine alone).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .calibration import RETRIEVAL_WEIGHTS, RetrievalWeights
from .embed import Backend
from .text import analyse


def terms(text: str) -> list[str]:
    """Lemmas of the words of ``text`` that carry content (numbers included)."""
    return [w.lemma for w in analyse(text).words if w.is_content]


class BM25:
    def __init__(self, documents: Sequence[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.size = len(documents)
        self.lengths = np.array([len(d) for d in documents], dtype=np.float32)
        self.average = float(self.lengths.mean()) if self.size else 0.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, document in enumerate(documents):
            for term, count in Counter(document).items():
                self.postings[term].append((index, count))

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query: list[str]) -> np.ndarray:
        result = np.zeros(self.size, dtype=np.float32)
        norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.average, 1e-9))
        for term in set(query):
            idf = self.idf(term)
            for index, count in self.postings.get(term, ()):
                result[index] += idf * count * (self.k1 + 1) / (count + norm[index])
        return result


@dataclass
class ClaimIndex:
    ids: list[str]
    text_vectors: np.ndarray
    title_vectors: np.ndarray | None
    bm25: BM25

    @classmethod
    def build(cls, corpus: Sequence[dict], backend: Backend) -> "ClaimIndex":
        texts = [row["text"] for row in corpus]
        titles = [row.get("title") or "" for row in corpus]
        has_titles = any(titles)
        return cls(
            ids=[str(row["id"]) for row in corpus],
            text_vectors=backend.encode(texts),
            title_vectors=backend.encode(titles) if has_titles else None,
            bm25=BM25([terms(f"{title} {text}") for text, title in zip(texts, titles)]),
        )

    def rank(self, query_vectors: np.ndarray, queries: Sequence[str], weights: RetrievalWeights = RETRIEVAL_WEIGHTS,
             depth: int = 100) -> list[list[str]]:  # fmt: skip
        """Corpus ids ranked for each query, best first (``depth`` of them)."""
        semantic = query_vectors @ self.text_vectors.T
        if self.title_vectors is not None:
            titles = query_vectors @ self.title_vectors.T
            semantic = (1 - weights.title) * semantic + weights.title * titles
        rankings = []
        for row, query in enumerate(queries):
            lexical = self.bm25.scores(terms(query))
            # BM25 is unbounded and its scale varies with the query's length: standardise it per
            # query so one weight fits short and long queries alike.
            spread = float(lexical.std())
            standard = (lexical - lexical.mean()) / spread if spread > 0 else np.zeros_like(lexical)
            fused = semantic[row] + weights.bm25 * standard
            top = np.argsort(-fused)[:depth]
            rankings.append([self.ids[i] for i in top])
        return rankings
