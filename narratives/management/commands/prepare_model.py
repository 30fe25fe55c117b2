"""Export the configured embedding model to int8 ONNX once (``make install`` runs this).

Afterwards, if the database already holds articles without vectors from this model (a new model, new
weights, another backend), the ``reembed_corpus`` task is queued for the worker.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from narratives.matching.export import prepare_model


class Command(BaseCommand):
    help = "Export the embedding model (NARRATIVES_EMBEDDING_MODEL) to int8 ONNX; skipped when already done."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", help="model name, local path or hub id (default: the setting)")
        parser.add_argument("--force", action="store_true", help="export again even if an export exists")
        parser.add_argument("--json", action="store_true", help="print the manifest as JSON")

    def handle(self, *args, model: str | None, force: bool, json: bool, **options) -> None:
        result = prepare_model(model, force=force)
        verb = "Exported" if result.created else "Already prepared:"
        self.stderr.write(
            f"{verb} {result.manifest['model_name']} ({result.manifest['revision']}) in {result.directory}"
        )
        if model is None:
            self._queue_reembedding()
        if json:
            self.stdout.write(_dumps(result.manifest))

    def _queue_reembedding(self) -> None:
        from narratives.matching.index import articles_needing_vectors
        from narratives.matching.tasks import reembed_corpus

        try:
            stale = articles_needing_vectors().count()
        except DatabaseError:
            return  # no database yet (make install runs before migrate): nothing to re-embed
        if stale:
            reembed_corpus.enqueue()
            self.stderr.write(f"Queued re-embedding of {stale} article(s) for the worker")


def _dumps(value: dict) -> str:
    return json.dumps(value, indent=2)
