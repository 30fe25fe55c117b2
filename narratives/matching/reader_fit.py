"""Fit the pair reader (``reader.PairReader``): fine-tune all-MiniLM-L6-v2 as a cross-encoder on STS-B.

A development step (``evaluate_matching --fit-reader``), the only place besides ``export`` that imports
torch: the result is committed under ``data/pair_reader/`` and the app only runs it. The recipe is the
usual one for STS-B cross-encoders: each training pair in both orders, the gold score / 5 as the target
of a binary cross-entropy on one logit, AdamW with linear warm-up and decay. The settings were chosen on
dev with the model fitted on train (docs/MATCHING.md, "Pair reader").
"""

from __future__ import annotations

import json
import logging
import random
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .evaluate import gold_scores, sentence_pairs
from .export import built_beside, export_fp32, quantise
from .metrics import spearman
from .reader import READER_FILE, READER_MANIFEST, READER_TOKENIZER, PairReader
from .source import TOKENIZER_FILE, files_sha256, resolve_source

log = logging.getLogger(__name__)

# The reader always starts from the packaged weights, whatever embedding model is configured.
BASE_MODEL = "all-MiniLM-L6-v2"
FP32_READER = "model.fp32.onnx"


@dataclass(frozen=True)
class ReaderTraining:
    learning_rate: float = 5e-5
    epochs: int = 4
    batch_size: int = 16
    warmup_share: float = 0.1
    weight_decay: float = 0.01
    max_tokens: int = 128  # training only; STS-B pairs are far shorter
    seed: int = 0


def fit_reader(
    train: Sequence[dict], dev: Sequence[dict], out: Path, training: ReaderTraining, fitted_on: str
) -> dict:
    """Train on ``train``, export to int8 ONNX in ``out`` (replaced whole), report dev Spearman per epoch."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(training.seed)
    source = resolve_source(BASE_MODEL)
    tokenizer = AutoTokenizer.from_pretrained(str(source.path))
    model = AutoModelForSequenceClassification.from_pretrained(str(source.path), num_labels=1)
    history = _train(model, tokenizer, train, dev, training)
    with built_beside(out) as work:
        manifest = _export(model, tokenizer, work, source, training, fitted_on, history)
        (work / READER_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")  # PairReader reads it
        read = PairReader(work).score(sentence_pairs(dev))
        manifest["dev_spearman_int8"] = round(spearman(read, gold_scores(dev)), 2)
        (work / READER_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        (work / FP32_READER).unlink()  # only the int8 file is shipped
    return manifest


def _train(model, tokenizer, train: Sequence[dict], dev: Sequence[dict], training: ReaderTraining) -> list[float]:
    import torch
    from transformers import get_linear_schedule_with_warmup

    rng = random.Random(training.seed)
    examples = [(r["sentence1"], r["sentence2"], float(r["score"]) / 5) for r in train]
    examples += [(b, a, y) for a, b, y in examples]  # both orders: the reader must not care which is first
    steps = training.epochs * -(-len(examples) // training.batch_size)
    optimiser = torch.optim.AdamW(model.parameters(), lr=training.learning_rate, weight_decay=training.weight_decay)
    schedule = get_linear_schedule_with_warmup(optimiser, int(training.warmup_share * steps), steps)
    history = []
    for epoch in range(training.epochs):
        model.train()
        rng.shuffle(examples)
        for first in range(0, len(examples), training.batch_size):
            batch = examples[first : first + training.batch_size]
            inputs = _encode(tokenizer, [(a, b) for a, b, _ in batch], training.max_tokens)
            target = torch.tensor([y for _, _, y in batch], dtype=torch.float32)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(**inputs).logits[:, 0], target)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        history.append(round(spearman(_predict(model, tokenizer, dev, training.max_tokens), gold_scores(dev)), 2))
        log.info("epoch %d: dev Spearman %.2f", epoch + 1, history[-1])
    return history


def _encode(tokenizer, pairs: Sequence[tuple[str, str]], max_tokens: int):
    return tokenizer(
        [a for a, _ in pairs], [b for _, b in pairs], padding=True, truncation=True,
        max_length=max_tokens, return_tensors="pt",
    )  # fmt: skip


def _predict(model, tokenizer, rows: Sequence[dict], max_tokens: int) -> np.ndarray:
    import torch

    model.eval()
    pairs = sentence_pairs(rows)
    logits = []
    with torch.no_grad():
        for first in range(0, len(pairs), 64):
            forward = model(**_encode(tokenizer, pairs[first : first + 64], max_tokens)).logits[:, 0]
            backward = model(**_encode(tokenizer, [(b, a) for a, b in pairs[first : first + 64]], max_tokens)).logits
            logits.append(((forward + backward[:, 0]) / 2).numpy())
    return np.concatenate(logits) if logits else np.zeros(0)


def _export(model, tokenizer, work: Path, source, training: ReaderTraining, fitted_on: str, history) -> dict:
    trained = work / "trained"
    model.save_pretrained(str(trained))
    tokenizer.save_pretrained(str(trained))
    input_names, intermediate = export_fp32(trained, work / FP32_READER, scorer=True)
    quantise(work / FP32_READER, work / READER_FILE, intermediate, embeddings=True)
    shutil.copy2(source.path / TOKENIZER_FILE, work / READER_TOKENIZER)
    shutil.rmtree(trained)
    return {
        "base_model": BASE_MODEL,
        "base_weights_sha256": source.weights_sha256,
        "revision": f"{files_sha256([work / READER_FILE])[:12]}-reader-int8",
        "inputs": input_names,
        "fitted_on": fitted_on,
        "training": asdict(training),
        "dev_spearman_by_epoch": history,
        "quantisation": "dynamic QInt8 per-channel, MatMul and word embeddings, feed-forward outputs kept fp32",
    }

