"""One-off export of the configured model to ONNX, then int8 quantisation (``manage.py prepare_model``).

This is the only module that imports torch, and only here, at install time: the web and worker
processes run the int8 file on onnxruntime. Measured choices (docs/MATCHING.md):

- transformers 5's BertModel cannot be traced with positional inputs (they collide with
  ``use_cache``), so a small wrapper passes them by keyword;
- dynamic quantisation per channel, MatMul only. The feed-forward output projections (the MatMuls
  whose weight has the intermediate width as input) stay fp32: they read GELU activations with large
  outliers, and quantising them costs most of the agreement with fp32 for little speed.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .source import FP32_FILE, INT8_FILE, MANIFEST, TOKENIZER_FILE, ModelSource, SentenceConfig, export_dir
from .source import read_manifest, resolve_source

log = logging.getLogger(__name__)

# Agreement the int8 file must keep with fp32 on the check sentences; below it the export fails.
MIN_INT8_COSINE = 0.98
ONNX_OPSET = 17

# Claim-like sentences used to check the quantised model right after export (our own wording).
CHECK_SENTENCES = [
    "The ministry said the protests had been organised from abroad.",
    "Officials blamed foreign agents for the violence in the capital.",
    "Fuel prices doubled overnight after the government lifted the cap.",
    "A peacekeeping contingent arrived at the airport on Thursday morning.",
    "The president asked the alliance for military help to restore order.",
    "Shops reopened and public transport resumed across the city.",
    "At least 164 people were killed, according to the health ministry.",
    "The opposition leader denied any contact with foreign governments.",
]


@dataclass(frozen=True)
class PrepareResult:
    directory: Path
    created: bool
    manifest: dict


def prepare_model(name: str | None = None, force: bool = False) -> PrepareResult:
    """Export ``name`` (default: the configured model) unless an export of the same weights exists."""
    source = resolve_source(name)
    target = export_dir(source.name)
    manifest = read_manifest(target)
    if manifest and not force and manifest.get("weights_sha256") == source.weights_sha256 and _complete(target):
        return PrepareResult(target, False, manifest)
    with built_beside(target) as work:
        manifest = _export(source, work)
    return PrepareResult(target, True, manifest)


@contextmanager
def built_beside(target: Path) -> Iterator[Path]:
    """A fresh sibling folder to build in, swapped in for ``target`` whole when the block succeeds and
    removed when it fails, so a crash never leaves a half-made model that looks done."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    work.chmod(0o755)  # mkdtemp makes it private; the web and worker users must read the model
    try:
        yield work
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    finally:
        if work.exists():
            shutil.rmtree(work)


def _complete(directory: Path) -> bool:
    return all((directory / f).exists() for f in (INT8_FILE, FP32_FILE, TOKENIZER_FILE))


def _export(source: ModelSource, work: Path) -> dict:
    config = SentenceConfig.from_dir(source.path)
    log.info("exporting %s from %s to ONNX", source.name, source.path)
    input_names, intermediate = export_fp32(source.path, work / FP32_FILE)
    log.info("quantising to int8 (per channel, MatMul)")
    quantise(work / FP32_FILE, work / INT8_FILE, intermediate)
    shutil.copy2(source.path / TOKENIZER_FILE, work / TOKENIZER_FILE)
    manifest = {
        "model_name": source.name,
        "source": str(source.path),
        "weights_sha256": source.weights_sha256,
        "revision": f"{source.short_sha}-onnx-int8",
        "inputs": input_names,
        "max_seq_length": config.max_seq_length,
        "pooling": config.pooling,
        "quantisation": "dynamic QInt8 per-channel, MatMul, feed-forward outputs kept fp32",
    }
    manifest["int8_vs_fp32_min_cosine"] = _check_agreement(work, manifest)
    (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def export_fp32(path: Path, out: Path, scorer: bool = False) -> tuple[list[str], int]:
    """Export the transformer in ``path`` to ONNX: its last hidden states, or with ``scorer`` the one
    logit of a sequence-classification head (the pair reader). Returns the input names and the
    feed-forward width that ``quantise`` keeps in fp32."""
    import inspect

    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification

    model = (AutoModelForSequenceClassification if scorer else AutoModel).from_pretrained(str(path))
    model.eval()
    output = "logits" if scorer else "last_hidden_state"
    accepts_types = "token_type_ids" in inspect.signature(model.forward).parameters
    input_names = ["input_ids", "attention_mask"] + (["token_type_ids"] if accepts_types else [])

    class KeywordWrapper(torch.nn.Module):
        """Passes inputs by keyword: positional ones collide with ``use_cache`` in transformers 5."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return getattr(self.inner(**dict(zip(input_names, inputs))), output)

    # A padded dummy batch, so tracing sees a real mask rather than a shortcut for "no padding".
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2023, 102, 0, 0, 0]])
    mask = (ids != 0).long()
    dummy = (ids, mask, torch.zeros_like(ids))[: len(input_names)]
    axes = {n: {0: "batch", 1: "tokens"} for n in input_names}
    axes[output] = {0: "batch"} if scorer else {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            KeywordWrapper(model), dummy, str(out), input_names=input_names,
            output_names=[output], dynamic_axes=axes, opset_version=ONNX_OPSET, dynamo=False,
        )  # fmt: skip
    return input_names, int(getattr(model.config, "intermediate_size", 0))


def quantise(fp32: Path, int8: Path, intermediate: int, embeddings: bool = False) -> None:
    """Dynamic int8, per channel. ``embeddings`` quantises the word-embedding table too (Gather): a
    third of the file, at no cost to the pair reader (STS-B dev 85.93 against 85.98, experimental fit), but at some cost
    to the sentence vectors (docs/MATCHING.md), so the embedding model keeps it fp32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fp32)).graph
    weights = {init.name: tuple(init.dims) for init in graph.initializer}
    keep_fp32 = [
        node.name
        for node in graph.node
        if node.op_type == "MatMul" and any(weights.get(i, (0,))[0] == intermediate for i in node.input)
    ]
    quantize_dynamic(
        str(fp32), str(int8), per_channel=True, weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Gather"] if embeddings else ["MatMul"], nodes_to_exclude=keep_fp32,
    )  # fmt: skip


def _check_agreement(work: Path, manifest: dict) -> float:
    from .embed import OnnxBackend

    fp32 = OnnxBackend(work, manifest, FP32_FILE).encode(CHECK_SENTENCES)
    int8 = OnnxBackend(work, manifest, INT8_FILE).encode(CHECK_SENTENCES)
    agreement = float(np.min(np.sum(fp32 * int8, axis=1)))
    if agreement < MIN_INT8_COSINE:
        raise RuntimeError(f"int8 export agrees with fp32 only to cosine {agreement:.3f} (< {MIN_INT8_COSINE})")
    return round(agreement, 4)
