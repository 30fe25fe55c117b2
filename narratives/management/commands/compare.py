"""``manage.py compare ID_A ID_B [--json] [--sensitivity X]``: the matches the compare page highlights.

With ``--json`` standard output carries only the CONTRACTS compare JSON; logs go to standard error.
"""

from __future__ import annotations

import json
import logging

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...review.comparison import MissingArticles, ReviewedComparison, articles_in_order, reviewed_comparison

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Align two articles at the default (or given) sensitivity, with analysts' decisions applied."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("a", type=int, help="id of article A")
        parser.add_argument("b", type=int, help="id of article B")
        parser.add_argument("--json", action="store_true", help="print the compare JSON and nothing else")
        parser.add_argument("--sensitivity", type=float, default=None, help="0..1; higher suggests more, weaker matches")

    def handle(self, *args, **options) -> None:
        sensitivity = options["sensitivity"]
        if sensitivity is not None and not 0.0 <= sensitivity <= 1.0:
            raise CommandError("--sensitivity is between 0 and 1")
        if options["a"] == options["b"]:
            raise CommandError("compare two different articles")
        try:
            a, b = articles_in_order([options["a"], options["b"]])
        except MissingArticles as missing:
            raise CommandError(str(missing))
        comparison = reviewed_comparison(a, b, sensitivity)
        log.info("compared %s and %s: %d matches", a.pk, b.pk, len(comparison.shown()))
        if options["json"]:
            self.stdout.write(json.dumps(comparison.as_json(), ensure_ascii=False))
        else:
            self.stdout.write(_table(comparison))


def _table(comparison: ReviewedComparison) -> str:
    lines = [
        f"A {comparison.a.pk}: {comparison.a.title} ({comparison.a.outlet.name})",
        f"B {comparison.b.pk}: {comparison.b.title} ({comparison.b.outlet.name})",
        f"sensitivity {comparison.sensitivity:g}",
        "",
    ]
    for n, m in enumerate(comparison.shown(), start=1):
        score = f"{m.score:.2f}" if m.score is not None else "  - "
        who = f" by {m.reviewed_by}" if m.reviewed_by else ""
        lines.append(f"{n:>3}. {score} {m.tier or 'unscored':<8} {m.review}{who}")
        lines.append(f"     A [{m.a.start}-{m.a.end}] {m.a.text}")
        lines.append(f"     B [{m.b.start}-{m.b.end}] {m.b.text}")
    if len(lines) == 4:
        lines.append("no shared claims")
    return "\n".join(lines)
