"""Benchmark code: the metrics against hand-worked values, the converters, and a small fixed sample of
each benchmark on the real model (the full runs are `evaluate_matching` commands, docs/MATCHING.md)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.stats import spearmanr

from narratives.matching import evaluate
from narratives.matching.metrics import accuracy_f1, average_precision_at, reciprocal_rank, retrieval_metrics, spearman
from tests.conftest import EVAL
from tests.matching_support import prepared_model_fixture  # noqa: F401  (fixture)

STSB_TEST = EVAL / "stsb" / "stsb_test.jsonl"
CHECKTHAT = EVAL / "checkthat2020"


def test_spearman_matches_scipy_with_ties():
    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 5, 200).astype(float), rng.normal(size=200)
    assert spearman(a, b) == pytest.approx(100 * spearmanr(a, b).statistic, abs=1e-9)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-100.0)


def test_accuracy_and_f1():
    assert accuracy_f1([True, True, False, False], [True, False, True, False]) == (0.5, 0.5)


def test_average_precision_at_5_as_the_official_scorer():
    assert average_precision_at(["x", "g", "y"], {"g"}) == 0.5
    assert average_precision_at(["g1", "x", "g2"], {"g1", "g2"}) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision_at(["a", "b", "c", "d", "e", "g"], {"g"}) == 0.0  # beyond the fifth
    assert reciprocal_rank(["a", "b", "c", "d", "e", "g"], {"g"}) == pytest.approx(1 / 6)


def test_queries_without_gold_are_not_counted():
    metrics = retrieval_metrics([["g"], ["x"]], [{"g"}, set()])
    assert metrics["n"] == 1 and metrics["map@5"] == 1.0 and metrics["recall@5"] == 1.0


def test_converters_write_the_command_formats(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    assert evaluate.convert_stsb(STSB_TEST, pairs) == 1379
    first = json.loads(pairs.read_text().splitlines()[0])
    assert set(first) == {"sentence1", "sentence2", "score", "label"} and first["label"] == int(first["score"] >= 3)
    corpus, queries = tmp_path / "corpus.jsonl", tmp_path / "queries.jsonl"
    evaluate.convert_checkthat(CHECKTHAT / "verified_claims.jsonl", CHECKTHAT / "queries_test.jsonl", corpus, queries)
    assert set(json.loads(corpus.read_text().splitlines()[0])) == {"id", "text", "title"}
    assert set(json.loads(queries.read_text().splitlines()[0])) == {"id", "text", "gold_ids"}


@pytest.mark.slow
def test_stsb_sample(prepared_model):
    """Every seventh pair of STS-B test, so every genre is in (whole split: Spearman 82.5, docs/MATCHING.md)."""
    result = evaluate.evaluate_pairs(evaluate.read_jsonl(STSB_TEST)[::7], prepared_model)
    assert result["n"] == 197 and result["spearman"] >= SAMPLE_FLOORS["spearman"]
    assert result["accuracy"] >= SAMPLE_FLOORS["accuracy"]


@pytest.mark.slow
def test_checkthat_sample(prepared_model):
    """Every fifth CheckThat! 2020 test tweet (40) against their gold claims among 1,000 others."""
    queries = [q for q in evaluate.read_jsonl(CHECKTHAT / "queries_test.jsonl") if q["gold_vclaim_ids"]][::5]
    gold = {g for q in queries for g in q["gold_vclaim_ids"]}
    claims = evaluate.read_jsonl(CHECKTHAT / "verified_claims.jsonl")
    corpus = [c for c in claims if c["vclaim_id"] in gold] + [c for c in claims[:1000] if c["vclaim_id"] not in gold]
    result = evaluate.evaluate_retrieval(
        [{"id": c["vclaim_id"], "text": c["vclaim"], "title": c["title"]} for c in corpus],
        [{"id": q["tweet_id"], "text": q["tweet"], "gold_ids": q["gold_vclaim_ids"]} for q in queries],
        prepared_model,
    )
    assert result["n"] == 40 and result["map@5"] >= SAMPLE_FLOORS["map@5"]


# Measured on these samples, less a margin for CPU nondeterminism; a real regression falls below.
SAMPLE_FLOORS = {"spearman": 80.5, "accuracy": 0.75, "map@5": 0.95}  # measured 82.6, 0.78, 1.0
