"""Embedding and compare speed, and memory, of the configured matcher (figures as JSON on stdout).

    bench_matching --json [--sentences FILE] [--limit N]

FILE is a text file (one sentence a line) or jsonl (text/vclaim/sentence1); by default the claim
segments already in the database. Nothing is left in the database.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from narratives.matching import bench


class Command(BaseCommand):
    help = "Measure embedding throughput (ingest path vs raw backend), compare latency and memory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sentences", type=Path, help="text or jsonl file of sentences (default: the database)")
        parser.add_argument("--limit", type=int, default=1200, help="sentences to use (default 1200)")
        parser.add_argument("--repeats", type=int, default=20, help="compare runs for the median")
        parser.add_argument("--json", action="store_true", help="accepted for symmetry: output is always JSON")

    def handle(self, *args, sentences: Path | None, limit: int, repeats: int, **options) -> None:
        texts = bench.read_sentences(sentences, limit)
        try:
            figures = bench.run(texts, repeats=repeats)
        except ValueError as exc:
            raise CommandError(f"{exc}; pass --sentences FILE") from exc
        self.stdout.write(json.dumps(figures))
