"""Benchmarks of the matcher: sentence pairs (STS-B) and claim retrieval (CheckThat! 2020 task 2).

File formats are those of ``evaluate_matching`` (CONTRACTS.md): pairs lines carry ``sentence1``,
``sentence2`` and ``score`` (0-5) and/or ``label`` (0/1); corpus lines ``{"id", "text"}`` (an optional
``title`` is searched too); query lines ``{"id", "text", "gold_ids"}``. ``convert_stsb`` and
``convert_checkthat`` write them from the files in ../shared/eval.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from . import calibration
from .calibration import LABEL_STS, PairModel
from .embed import Backend
from .evidence import compare
from .metrics import accuracy_f1, retrieval_metrics, spearman
from .reader import PairReader, get_reader
from .retrieval import ClaimIndex
from .scoring import PAIR_FEATURES, blend_reader, features_of, pair_scores
from .text import analyse


def read_jsonl(path: Path | str, limit: int | None = None) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
                if limit is not None and len(rows) >= limit:
                    break
    return rows


def write_jsonl(path: Path | str, rows: Iterable[dict]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def convert_stsb(source: Path | str, target: Path | str) -> int:
    """STS-B jsonl -> pairs file; ``label`` is 1 from STS 3 ("roughly equivalent") up (calibration.LABEL_STS)."""
    rows = (
        {
            "sentence1": r["sentence1"],
            "sentence2": r["sentence2"],
            "score": r["score"],
            "label": int(r["score"] >= LABEL_STS),
        }
        for r in read_jsonl(source)
    )
    return write_jsonl(target, rows)


def convert_checkthat(claims: Path | str, queries: Path | str, corpus_out: Path | str, queries_out: Path | str) -> int:
    """CheckThat! 2020 task 2 files -> corpus (claim + fact-check title) and queries (tweets with gold ids)."""
    write_jsonl(
        corpus_out, ({"id": r["vclaim_id"], "text": r["vclaim"], "title": r["title"]} for r in read_jsonl(claims))
    )
    return write_jsonl(
        queries_out,
        ({"id": r["tweet_id"], "text": r["tweet"], "gold_ids": r["gold_vclaim_ids"]} for r in read_jsonl(queries)),
    )


def pair_features(rows: Sequence[dict], backend: Backend) -> np.ndarray:
    """(len(rows), len(PAIR_FEATURES)): each pair's cosine, lexical evidence (global word weights) and sizes."""
    left = backend.encode([r["sentence1"] for r in rows])
    right = backend.encode([r["sentence2"] for r in rows])
    cosines = np.sum(left * right, axis=1)
    features = []
    for row, cosine in zip(rows, cosines):
        a, b = analyse(row["sentence1"]), analyse(row["sentence2"])
        features.append(features_of(float(cosine), compare(a, b), a, b))
    return np.stack(features) if features else np.zeros((0, len(PAIR_FEATURES)), dtype=np.float32)


def sentence_pairs(rows: Sequence[dict]) -> list[tuple[str, str]]:
    return [(r["sentence1"], r["sentence2"]) for r in rows]


def gold_scores(rows: Sequence[dict]) -> np.ndarray:
    return np.array([float(r["score"]) if "score" in r else float(r["label"]) for r in rows])


def pair_scores_of(
    rows: Sequence[dict], backend: Backend, model: PairModel | None = None, reader: PairReader | None = None
) -> np.ndarray:
    """The pair score of each row: the feature model's, blended with the pair reader's when one is configured."""
    scores = pair_scores(pair_features(rows, backend), model)
    if reader is None:
        return scores
    return blend_reader(reader.score(sentence_pairs(rows)), scores)


def evaluate_pairs(rows: Sequence[dict], backend: Backend, model: PairModel | None = None) -> dict:
    """Spearman ×100 of the pair score against the gold score (or label), accuracy and F1 of the decision."""
    scores = pair_scores_of(rows, backend, model, get_reader())
    labels = [bool(r["label"]) if "label" in r else float(r["score"]) >= LABEL_STS for r in rows]
    # The decision at the default sensitivity: predicted similarity of at least LABEL_STS out of 5.
    decisions = [s >= LABEL_STS / 5.0 for s in scores]
    accuracy, f1 = accuracy_f1(decisions, labels)
    return {
        "n": len(rows),
        "spearman": round(spearman(scores, gold_scores(rows)), 2),
        "accuracy": round(accuracy, 4),
        "f1": round(f1, 4),
    }


def fit_pair_model(rows: Sequence[dict], backend: Backend, fitted_on: str) -> PairModel:
    """The pair model fitted on these pairs' STS scores (calibration.fit_pair_model)."""
    return calibration.fit_pair_model(pair_features(rows, backend), gold_scores(rows), PAIR_FEATURES, fitted_on)


def evaluate_retrieval(corpus: Sequence[dict], queries: Sequence[dict], backend: Backend) -> dict:
    index = ClaimIndex.build(corpus, backend)
    texts = [q["text"] for q in queries]
    rankings = index.rank(backend.encode(texts), texts)
    return retrieval_metrics(rankings, [{str(g) for g in q.get("gold_ids", [])} for q in queries])
