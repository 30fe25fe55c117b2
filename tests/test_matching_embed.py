"""The embedding backends on the real all-MiniLM-L6-v2 weights: shapes, normalisation, int8 vs fp32."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from narratives.matching.embed import OnnxBackend, get_backend
from narratives.matching.export import MIN_INT8_COSINE, prepare_model
from narratives.matching.source import FP32_FILE, export_dir, read_manifest
from tests.matching_support import prepared_model_fixture  # noqa: F401  (fixture)

# Our own news-like sentences (none from the seeds or the benchmarks).
SENTENCES = [
    "The interior ministry said the riots had been planned by groups trained in neighbouring countries.",
    "Petrol prices rose by a third after subsidies were withdrawn at the start of the month.",
    "Troops from three allied states landed at the capital's airport to guard government buildings.",
    "The opposition denied receiving any money from abroad and called for an independent inquiry.",
    "Internet access was cut across the country for five days, the monitoring group reported.",
    "The president dismissed the cabinet and declared a two-week state of emergency.",
    "Hundreds were detained, including several journalists covering the demonstrations.",
    "A spokesman for the alliance said its mission would end as soon as order was restored.",
    "Short one.",
    "Markets fell sharply.",
]


def test_encode_returns_unit_float32_rows(prepared_model):
    vectors = prepared_model.encode(SENTENCES)
    assert vectors.dtype == np.float32 and vectors.shape == (len(SENTENCES), prepared_model.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_encode_of_nothing_is_an_empty_matrix(prepared_model):
    assert prepared_model.encode([]).shape == (0, prepared_model.dim)


def test_order_of_texts_does_not_change_their_vectors(prepared_model):
    # Batches are sorted by length internally; each vector must still land on its own text.
    forward = prepared_model.encode(SENTENCES)
    backward = prepared_model.encode(SENTENCES[::-1])[::-1]
    assert np.allclose(forward, backward, atol=1e-5)


def test_a_sentence_gets_the_same_vector_whatever_it_is_encoded_with(prepared_model):
    # The same article imported alone or with forty others must be matched the same way.
    crowd = [f"Crowd sentence {n} about ferries, cranes and the harbour office at Seren." * (1 + n % 3) for n in range(40)]
    together = prepared_model.encode([*crowd, *SENTENCES])[len(crowd) :]
    alone = np.vstack([prepared_model.encode([sentence]) for sentence in SENTENCES])
    assert np.allclose(together, alone, atol=1e-5)


def test_paraphrases_score_above_unrelated_sentences(prepared_model):
    a, b, c = prepared_model.encode([
        "The riots were organised by foreign agents.",
        "Agents from abroad orchestrated the unrest.",
        "Petrol prices rose by a third.",
    ])  # fmt: skip
    assert float(a @ b) > float(a @ c) + 0.2


def test_int8_export_agrees_with_fp32(prepared_model):
    directory = export_dir()
    fp32 = OnnxBackend(directory, read_manifest(directory), FP32_FILE).encode(SENTENCES)
    int8 = prepared_model.encode(SENTENCES)
    assert float(np.min(np.sum(fp32 * int8, axis=1))) >= MIN_INT8_COSINE


@pytest.mark.slow
def test_fp32_export_reproduces_sentence_transformers(prepared_model):
    from narratives.matching.embed import SentenceTransformersBackend

    reference = SentenceTransformersBackend("all-MiniLM-L6-v2").encode(SENTENCES)
    directory = export_dir()
    exported = OnnxBackend(directory, read_manifest(directory), FP32_FILE).encode(SENTENCES)
    assert float(np.min(np.sum(reference * exported, axis=1))) > 0.9999


def test_token_vectors_carry_offsets_into_the_text(prepared_model):
    text = "Kassym-Jomart Tokayev asked the alliance for help."
    tokens = prepared_model.encode_tokens([text])[0]
    pieces = [text[start:end] for start, end in tokens.offsets]
    assert pieces[0] == "ka" or text.lower().startswith(pieces[0].lower())
    assert "help" in [p.lower() for p in pieces]
    assert tokens.vectors.shape == (len(pieces), prepared_model.dim)


def test_vectors_record_model_and_revision(prepared_model):
    manifest = read_manifest(export_dir())
    assert prepared_model.model_name == "all-MiniLM-L6-v2"
    assert prepared_model.revision == manifest["revision"] and prepared_model.revision.endswith("-onnx-int8")


def test_prepare_model_skips_an_existing_export(prepared_model):
    result = prepare_model()
    assert result.created is False and result.manifest["int8_vs_fp32_min_cosine"] >= MIN_INT8_COSINE


def test_missing_export_is_a_clear_configuration_error(tmp_path):
    with override_settings(NARRATIVES_MODEL_DIR=tmp_path):
        with pytest.raises(ImproperlyConfigured, match="prepare_model"):
            get_backend()
