"""The pair reader: a cross-encoder that reads two sentences together and says how far they make the
same statement, on the STS-B scale divided by 5 (0 = unrelated, 1 = equivalent).

Why a second model: the embedding model encodes each sentence alone, so its cosine can only say the two
are about the same things (STS-B test 81.7 with the int8 vectors). Read together, attention relates the
words of one sentence to the other's ("inspired from abroad" / "had foreign support") and notices when
the same names stand in different roles. It is all-MiniLM-L6-v2's own weights fine-tuned on STS-B train
(``reader_fit``), shipped in ``data/pair_reader/`` as int8 ONNX with its tokenizer and a manifest that
says how it was made. It runs on onnxruntime; torch is never imported here.

It is part of the sentence-pair score (``evaluate.pair_scores_of``). The comparison of two articles does
not use it: tried there, it did not tell shared claims from same-topic sentences (docs/MATCHING.md).

Each pair is read in both orders and the two scores averaged, so the score is the same whichever article
is A; and one pair per onnxruntime run, because the int8 model quantises activations with a scale taken
from the whole batch (see ``embed.ONNX_BATCH_SIZE``): a pair's score must not depend on its neighbours.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

PACKAGED_READER = Path(__file__).resolve().parent / "data" / "pair_reader"
READER_FILE = "model.int8.onnx"
READER_TOKENIZER = "tokenizer.json"
READER_MANIFEST = "manifest.json"
# STS-B pairs are short; two news sentences of 60 words each fit in 256 pieces with room to spare.
MAX_PAIR_TOKENS = 256


class PairReader:
    def __init__(self, directory: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        try:
            manifest = json.loads((directory / READER_MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ImproperlyConfigured(f"no pair reader in {directory} (missing {READER_MANIFEST})") from exc
        self._inputs: list[str] = manifest["inputs"]
        self._tokenizer = Tokenizer.from_file(str(directory / READER_TOKENIZER))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MAX_PAIR_TOKENS)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(directory / READER_FILE), options, providers=["CPUExecutionProvider"]
        )

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(len(pairs),) float32 in 0..1: predicted STS-B similarity / 5, the same for (a, b) and (b, a)."""
        scores = np.zeros(len(pairs), dtype=np.float32)
        for k, (a, b) in enumerate(pairs):
            scores[k] = (self._logit(a, b) + self._logit(b, a)) / 2
        return 1.0 / (1.0 + np.exp(-scores))

    def _logit(self, a: str, b: str) -> float:
        encoding = self._tokenizer.encode(a, b)
        feeds = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.ones((1, len(encoding.ids)), dtype=np.int64),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        return float(self._session.run(None, {name: feeds[name] for name in self._inputs})[0][0, 0])


def reader_directory() -> Path | None:
    """Where the configured pair reader lives; None when NARRATIVES_PAIR_READER is "none"."""
    value = settings.NARRATIVES_PAIR_READER
    if value == "none":
        return None
    return PACKAGED_READER if value == "packaged" else Path(value).expanduser()


def get_reader() -> PairReader | None:
    """The configured pair reader, loaded once per process; None when it is switched off."""
    directory = reader_directory()
    return None if directory is None else _load_reader(str(directory))


@functools.lru_cache(maxsize=2)
def _load_reader(directory: str) -> PairReader:
    log.info("loading the pair reader from %s", directory)
    return PairReader(Path(directory))
