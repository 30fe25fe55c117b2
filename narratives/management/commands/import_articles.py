"""python manage.py import_articles PATH... [--outlet NAME] [--json]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from narratives.ingest.pipeline import IngestResult, iter_ingest_paths


class Command(BaseCommand):
    help = (
        "Import articles from files (.txt .md .html .htm .docx .pdf), folders (recursively), .zip archives "
        "and CSV/JSONL files of rows (title, outlet, url, published, text or html). Returns once every "
        "article is stored and indexed for matching. Exit status: 0 when every input was imported or was "
        "already in the corpus, 1 when any input failed (the others are still imported; see the output)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--outlet",
            default=None,
            help="outlet for inputs that name none (CSV/JSONL rows with an outlet column keep theirs); "
            "created if new; without it such articles go to 'Unknown outlet'",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help='print only a JSON list of {"file","id","title","outlet","segments","boilerplate",'
            '"duplicate_of","error"} on standard output; warnings go to standard error',
        )

    def handle(self, *args, paths: list[Path], outlet: str | None, as_json: bool, **options) -> None:
        results: list[IngestResult] = []
        for result in iter_ingest_paths(paths, outlet=outlet):
            results.append(result)
            if as_json:
                for warning in result.warnings:
                    self.stderr.write(f"{result.file}: {warning}")
            else:
                self._report(result)
        if as_json:
            self.stdout.write(_dumps([r.as_json() for r in results]))
        else:
            self.stdout.write(_summary(results))
        failed = sum(1 for r in results if r.error)
        if failed:
            raise CommandError(f"{failed} of {len(results)} inputs failed", returncode=1)

    def _report(self, result: IngestResult) -> None:
        if result.error:
            self.stdout.write(self.style.ERROR(f"failed     {result.error}"))
        elif result.duplicate_of is not None:
            other = result.duplicate_of
            line = f"duplicate  {result.file}: already article {other.pk} “{other.title}”"
            self.stdout.write(self.style.WARNING(line))
        else:
            row = result.as_json()
            line = f"imported   {result.file} → article {row['id']} “{row['title']}” ({row['outlet']}), "
            counts = f"{row['segments']} segments, {row['boilerplate']} boilerplate"
            self.stdout.write(self.style.SUCCESS(line) + counts)
        for warning in result.warnings if result.duplicate_of is None else []:
            self.stdout.write(f"           note: {warning}")


def _dumps(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def _summary(results: list[IngestResult]) -> str:
    imported = sum(1 for r in results if r.article is not None)
    duplicates = sum(1 for r in results if r.duplicate_of is not None and r.article is None)
    failed = sum(1 for r in results if r.error)
    return f"{imported} imported, {duplicates} already in the corpus, {failed} failed"
