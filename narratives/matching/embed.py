"""Embedding backends: texts in, L2-normalised float32 vectors out.

Two implementations behind one small interface:
- ``OnnxBackend`` (default): the int8 export made by ``manage.py prepare_model``, run by onnxruntime
  with the ``tokenizers`` library. No torch in the process, so a web worker stays small and starts fast.
- ``SentenceTransformersBackend``: the same weights on torch, for users who prefer the reference
  implementation or a model the exporter does not handle.

Both pool exactly as all-MiniLM-L6-v2 does (mean over real tokens, then L2 normalise) and can also
return per-token vectors with character offsets, which the phrase aligner uses.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .source import INT8_FILE, TOKENIZER_FILE, SentenceConfig, export_dir, read_manifest, resolve_source

log = logging.getLogger(__name__)

# Texts are sorted by token count before batching so a batch pads to similar lengths; 32 was the
# fastest of 16/32/64 on news sentences here (docs/MATCHING.md).
BATCH_SIZE = 32
# The int8 model quantises its activations per tensor, with a scale taken from the whole batch (its
# padding included): a sentence encoded beside others got a slightly different vector (cosine down to
# 0.992) than alone, enough to flip a borderline match when the same article was imported with other
# files. One sentence per run makes a vector depend on its sentence only (0.9999998 against alone),
# at about half the batched speed (367 against 719 sentences/s here, still over the 250 target).
ONNX_BATCH_SIZE = 1


@dataclass(frozen=True)
class TokenVectors:
    """Contextual vectors of one text's word pieces (special tokens dropped), each L2-normalised."""

    offsets: np.ndarray  # (n, 2) character start/end of each piece in the text
    vectors: np.ndarray  # (n, dim) float32


class Backend(Protocol):
    model_name: str
    revision: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def encode_tokens(self, texts: list[str]) -> list[TokenVectors]: ...


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)


class OnnxBackend:
    def __init__(self, directory: Path, manifest: dict, filename: str = INT8_FILE) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.model_name: str = manifest["model_name"]
        self.revision: str = manifest["revision"] if filename == INT8_FILE else f"{filename}:{manifest['revision']}"
        self._inputs: list[str] = manifest["inputs"]
        self._pooling: str = manifest["pooling"]
        self._tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
        # tokenizer.json ships fixed 128-token padding/truncation; sentence-transformers uses its own
        # max_seq_length and pads per batch, so do the same (padding is done by hand below).
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=int(manifest["max_seq_length"]))
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(directory / filename), options, providers=["CPUExecutionProvider"]
        )
        self.dim: int = int(self._session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str]) -> np.ndarray:
        pooled = np.zeros((len(texts), self.dim), dtype=np.float32)
        for indices, hidden, mask in self._run(texts):
            if self._pooling == "cls":
                pooled[indices] = hidden[:, 0]
            else:
                weights = mask[..., None].astype(np.float32)
                pooled[indices] = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return normalise_rows(pooled)

    def encode_tokens(self, texts: list[str]) -> list[TokenVectors]:
        result: list[TokenVectors | None] = [None] * len(texts)
        for indices, hidden, _mask, encodings in self._run(texts, with_encodings=True):
            for row, (index, encoding) in enumerate(zip(indices, encodings)):
                keep = [i for i, special in enumerate(encoding.special_tokens_mask) if not special]
                offsets = np.array([encoding.offsets[i] for i in keep], dtype=np.int64).reshape(-1, 2)
                result[index] = TokenVectors(offsets, normalise_rows(hidden[row, keep]))
        return result  # type: ignore[return-value]

    def _run(self, texts: list[str], with_encodings: bool = False):
        """Yield (indices, hidden states, mask[, encodings]) per length-sorted batch."""
        if not texts:
            return
        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for begin in range(0, len(order), ONNX_BATCH_SIZE):
            indices = order[begin : begin + ONNX_BATCH_SIZE]
            batch = [encodings[i] for i in indices]
            width = max(len(e.ids) for e in batch)
            feeds = {name: np.zeros((len(batch), width), dtype=np.int64) for name in self._inputs}
            for row, encoding in enumerate(batch):
                n = len(encoding.ids)
                feeds["input_ids"][row, :n] = encoding.ids
                feeds["attention_mask"][row, :n] = 1
                if "token_type_ids" in feeds:
                    feeds["token_type_ids"][row, :n] = encoding.type_ids
            hidden = self._session.run(None, feeds)[0]
            yield (indices, hidden, feeds["attention_mask"], batch) if with_encodings else (
                indices, hidden, feeds["attention_mask"])  # fmt: skip


class SentenceTransformersBackend:
    def __init__(self, name: str) -> None:
        from sentence_transformers import SentenceTransformer

        source = resolve_source(name)
        self.model_name = name
        self.revision = f"{source.short_sha}-torch"
        self._model = SentenceTransformer(str(source.path), device="cpu")
        self._max_length = SentenceConfig.from_dir(source.path).max_seq_length
        self.dim = int(self._model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    def encode_tokens(self, texts: list[str]) -> list[TokenVectors]:
        if not texts:
            return []
        outputs = self._model.encode(texts, batch_size=BATCH_SIZE, output_value="token_embeddings")
        tokenizer = self._model.tokenizer
        result = []
        for text, hidden in zip(texts, outputs):
            enc = tokenizer(text, truncation=True, max_length=self._max_length, return_offsets_mapping=True,
                            return_special_tokens_mask=True)  # fmt: skip
            keep = [i for i, special in enumerate(enc["special_tokens_mask"]) if not special]
            offsets = np.array([enc["offset_mapping"][i] for i in keep], dtype=np.int64).reshape(-1, 2)
            result.append(TokenVectors(offsets, normalise_rows(hidden.float().numpy()[keep])))
        return result


def get_backend() -> Backend:
    """The configured backend, loaded once per process (and again only if the settings change)."""
    return _load_backend(
        settings.NARRATIVES_EMBEDDING_BACKEND, settings.NARRATIVES_EMBEDDING_MODEL, str(settings.NARRATIVES_MODEL_DIR)
    )


@functools.lru_cache(maxsize=2)
def _load_backend(kind: str, name: str, model_dir: str) -> Backend:
    if kind == "sentence-transformers":
        return SentenceTransformersBackend(name)
    directory = export_dir(name)
    manifest = read_manifest(directory)
    if manifest is None:
        raise ImproperlyConfigured(
            f"no ONNX export of {name!r} in {directory}; run `python manage.py prepare_model` (make install does)"
        )
    log.info("loading %s (%s) from %s", name, manifest["revision"], directory)
    return OnnxBackend(directory, manifest)
