"""The matching commands print JSON only on standard output, in the contract's shape."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import EVAL
from tests.matching_support import prepared_model_fixture  # noqa: F401  (fixture)


def _run(*args: str) -> dict:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return json.loads(out.getvalue())


def test_evaluate_pairs_prints_the_contract(tmp_path, prepared_model):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {"sentence1": "A man is playing a guitar.", "sentence2": "A man plays the guitar.", "score": 4.8},
                {"sentence1": "A man is playing a guitar.", "sentence2": "A woman is slicing onions.", "score": 0.2},
                {
                    "sentence1": "Bread prices rose sharply in May.",
                    "sentence2": "In May the price of bread rose sharply.",
                    "label": 1,
                },
                {"sentence1": "Prices rose sharply.", "sentence2": "The match was cancelled.", "label": 0},
            ]
        )
    )
    result = _run("evaluate_matching", "--pairs", str(pairs), "--json")
    assert set(result) == {"n", "spearman", "accuracy", "f1"} and result["n"] == 4
    assert result["accuracy"] == 1.0 and result["spearman"] > 50


def test_evaluate_retrieval_prints_the_contract(tmp_path, prepared_model):
    corpus, queries = tmp_path / "corpus.jsonl", tmp_path / "queries.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {"id": "c1", "text": "A photo shows a shark swimming on a flooded highway."},
                {"id": "c2", "text": "The senator voted against funding for veterans' hospitals."},
                {"id": "c3", "text": "Drinking hot water cures the flu."},
            ]
        )
    )
    queries.write_text(
        json.dumps({"id": "q1", "text": "Shark on the highway after the hurricane!!", "gold_ids": ["c1"]})
    )
    result = _run("evaluate_matching", "--corpus", str(corpus), "--queries", str(queries), "--json")
    assert result == {"n": 1, "map@5": 1.0, "mrr": 1.0, "recall@1": 1.0, "recall@5": 1.0}


def test_convert_stsb(tmp_path):
    out = tmp_path / "stsb_dev.jsonl"
    assert _run("evaluate_matching", "--convert", "stsb", str(EVAL / "stsb" / "stsb_dev.jsonl"), str(out)) == {
        "written": 1500
    }


@pytest.mark.django_db
def test_prepare_model_is_idempotent(prepared_model):
    out, err = StringIO(), StringIO()
    call_command("prepare_model", stdout=out, stderr=err)
    assert "Already prepared" in err.getvalue() and out.getvalue() == ""


@pytest.mark.django_db
def test_bench_matching_prints_its_figures(tmp_path, prepared_model):
    sentences = tmp_path / "sentences.txt"
    rows = [json.loads(line) for line in (EVAL / "stsb" / "stsb_dev.jsonl").read_text().splitlines()[:120]]
    sentences.write_text("\n".join(row["sentence1"] for row in rows))
    result = _run("bench_matching", "--sentences", str(sentences), "--limit", "120", "--repeats", "2", "--json")
    assert result["sentences"] == 120 and result["raw_sentences_per_s"] > 0 and 0 < result["ingest_vs_raw"]
    assert result["compare_median_ms"] > 0 and result["peak_rss_mb"] >= result["rss_mb"] > 0
