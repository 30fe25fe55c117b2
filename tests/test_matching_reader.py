"""The pair reader (a cross-encoder fitted on STS-B, shipped as int8 ONNX) and its stored readings.

Real model: the packaged reader in narratives/matching/data/pair_reader/, on our own sentences.
"""

from __future__ import annotations

import json
from io import StringIO

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from narratives.matching import reader as reader_module
from narratives.matching.reader import PACKAGED_READER, PairReader, get_reader
from narratives.matching.source import resolve_source
from tests.conftest import EVAL

STSB_TRAIN, STSB_DEV = EVAL / "stsb" / "stsb_train.jsonl", EVAL / "stsb" / "stsb_dev.jsonl"

CLAIM = "The interior minister said the unrest was organised from abroad."
PARAPHRASE = "According to the minister, foreign backers were behind the riots."
SAME_TOPIC = "The interior minister said the curfew in the capital would end on Friday."
UNRELATED = "A new bridge over the river opened to traffic this morning."


@pytest.fixture(scope="module")
def reader() -> PairReader:
    found = get_reader()
    assert found is not None, "the packaged reader is on by default"
    return found


def test_a_paraphrase_reads_closer_than_the_same_topic_and_that_closer_than_unrelated(reader):
    paraphrase, same_topic, unrelated = reader.score([(CLAIM, PARAPHRASE), (CLAIM, SAME_TOPIC), (CLAIM, UNRELATED)])
    assert paraphrase > same_topic > unrelated
    assert paraphrase >= 0.6, "roughly equivalent or better (STS 3 of 5)"
    assert unrelated <= 0.2


def test_scores_lie_between_0_and_1_as_float32(reader):
    scores = reader.score([(CLAIM, CLAIM), (CLAIM, UNRELATED)])
    assert scores.dtype == np.float32 and np.all((scores >= 0) & (scores <= 1))
    assert scores[0] > 0.9, "a sentence reads as equivalent to itself"


def test_the_score_does_not_depend_on_which_sentence_is_first(reader):
    forward, backward = reader.score([(CLAIM, PARAPHRASE), (PARAPHRASE, CLAIM)])
    assert forward == pytest.approx(backward, abs=1e-6)


def test_a_pair_scores_the_same_alone_and_among_others(reader):
    alone = reader.score([(CLAIM, PARAPHRASE)])[0]
    among = reader.score([(SAME_TOPIC, UNRELATED), (CLAIM, PARAPHRASE), (UNRELATED, CLAIM)])[1]
    assert among == alone


def test_nothing_to_read_is_an_empty_array(reader):
    assert reader.score([]).shape == (0,)


def test_the_manifest_says_what_the_reader_was_made_from():
    manifest = json.loads((PACKAGED_READER / "manifest.json").read_text())
    assert manifest["base_weights_sha256"] == resolve_source("all-MiniLM-L6-v2").weights_sha256
    assert "stsb_train" in manifest["fitted_on"] and "stsb_test" not in manifest["fitted_on"]
    assert manifest["dev_spearman_int8"] >= 85, "measured when it was fitted (docs/MATCHING.md)"


def test_the_reader_can_be_switched_off(settings):
    settings.NARRATIVES_PAIR_READER = "none"
    assert get_reader() is None


def test_a_directory_without_a_reader_is_a_clear_configuration_error(settings, tmp_path):
    settings.NARRATIVES_PAIR_READER = str(tmp_path)
    reader_module._load_reader.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="no pair reader"):
        get_reader()


@pytest.mark.slow
def test_fit_reader_writes_a_reader_that_loads_and_says_how_it_was_made(tmp_path):
    """A tiny fit (64 pairs, one epoch): the command's whole path, from training to the int8 file."""
    dev = tmp_path / "dev.jsonl"
    dev.write_text("\n".join(STSB_DEV.read_text(encoding="utf-8").splitlines()[:40]) + "\n", encoding="utf-8")
    out = tmp_path / "reader"
    call_command(
        "evaluate_matching", "--fit-reader", str(STSB_TRAIN), str(dev), "--limit", "64", "--epochs", "1",
        "--reader-dir", str(out), stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["training"]["epochs"] == 1 and len(manifest["dev_spearman_by_epoch"]) == 1
    assert manifest["fitted_on"].startswith("stsb_train.jsonl (64 pairs)")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "model.int8.onnx", "tokenizer.json"]
    scores = PairReader(out).score([(CLAIM, PARAPHRASE)])
    assert scores.shape == (1,) and 0 <= scores[0] <= 1
