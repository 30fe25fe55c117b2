"""python manage.py refresh_occurrences [--term ID...] [--json]: find every term (or some) in every article again."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from narratives.framing import occurrences, snapshots
from narratives.models import FramingTerm


class Command(BaseCommand):
    help = (
        "Rebuild the occurrences of framing terms from the article texts: all terms, or those given with "
        "--term. Needed only after changing texts outside the app (the app keeps them current itself)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--term", type=int, action="append", dest="term_ids", metavar="ID", help="a term id; repeatable"
        )
        parser.add_argument("--wording", action="store_true", help="also recompute each outlet's distinctive wording")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help='print {"terms": [{"id","text","occurrences"}], "seconds"}',
        )

    def handle(self, *args, term_ids: list[int] | None, wording: bool, as_json: bool, **options) -> None:
        terms = FramingTerm.objects.prefetch_related(occurrences.DECISIONS).order_by("text")
        if term_ids:
            terms = terms.filter(pk__in=term_ids)
            missing = set(term_ids) - set(terms.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no term with id {', '.join(map(str, sorted(missing)))}")
        started = time.perf_counter()
        report = [{"id": t.pk, "text": t.text, "occurrences": occurrences.refresh_term(t)} for t in terms]
        if wording:
            snapshots.recompute_all()
        seconds = round(time.perf_counter() - started, 2)
        if as_json:
            self.stdout.write(json.dumps({"terms": report, "seconds": seconds}, ensure_ascii=False))
            return
        for row in report:
            self.stdout.write(f"{row['occurrences']:7d}  {row['text']} (term {row['id']})")
        self.stdout.write(f"{len(report)} terms in {seconds} s")
