"""python manage.py import_annotations FILE [--format csv|jsonl|jsonld] [--json]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from narratives.framing import exchange


class Command(BaseCommand):
    help = (
        "Import framing tags exported by export_annotations (or the Framing page). Each tag's article is found "
        "by content hash; tags already present are skipped, so importing a file twice adds nothing. Authors "
        "missing here are created as inactive accounts, to keep the attribution. Exit status 1 if any "
        "record could not be imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=exchange.FORMATS, help="default: from the file name or content")
        parser.add_argument(
            "--json", action="store_true", dest="as_json",
            help='print {"created","existing","moved","unmatched","errors","created_users"}',
        )  # fmt: skip

    def handle(self, *args, file: Path, format: str | None, as_json: bool, **options) -> None:
        try:
            content = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        fmt = format or exchange.detect_format(file.name, content[:500])
        try:
            result = exchange.import_annotations(content, fmt)
        except ValueError as exc:
            raise CommandError(f"{file} is not valid {fmt}: {exc}") from exc
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            for key, value in result.as_json().items():
                self.stdout.write(f"{key:14} {value}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} records could not be imported", returncode=1)
