"""python manage.py export_annotations [--format csv|jsonl|jsonld] [--output FILE] [--base-url URL]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from narratives.framing import exchange


class Command(BaseCommand):
    help = (
        "Export every analyst's framing tags with exact offsets, quoted text, term, category, note and author: "
        "CSV, JSON Lines, or W3C Web Annotation JSON-LD. Articles are identified by content hash, so the "
        "file can be imported into another copy of the corpus with import_annotations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=exchange.FORMATS, default="jsonl")
        parser.add_argument("--output", type=Path, help="file to write; standard output if omitted")
        parser.add_argument(
            "--base-url", default="", help="site address for article links, e.g. https://narratives.example.org"
        )

    def handle(self, *args, format: str, output: Path | None, base_url: str, **options) -> None:
        body = exchange.export(format, base_url.rstrip("/"))
        if output is None:
            self.stdout.write(body, ending="")
            return
        output.write_text(body, encoding="utf-8")
        self.stderr.write(f"wrote {output}")
