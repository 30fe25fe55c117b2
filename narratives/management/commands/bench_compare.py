"""``manage.py bench_compare [--json] [--runs N] [--sentences N] [--articles A,B]``: compare page server time.

The target (issue 4) is a p50 of at most 50 ms for the compare page of two 60-sentence articles
whose vectors are stored. Without ``--articles`` the command imports two such articles through the
real ingest path, made from STS-B news sentence pairs (sentence 1 of each pair in A, sentence 2 in
B, shuffled, so that many but not all sentences match), measures, and rolls everything back: the
database is left as it was. Each figure is over ``--runs`` requests after one warm-up request
(which loads the model and any vectors still missing). "page_ms" is the steady state of a reading
session (the matcher's answer for the pair and the marked-up paragraphs are remembered, see
review.machine and review.page); "page_cold_ms" forgets both before every request, so each one
aligns the pair and marks up the texts again: a first visit. Every figure gives wall-clock and CPU
time: on a busy machine the CPU time is the fairer view of the work a request does. Standard output
carries only the figures; progress goes to standard error.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import Client

from ...ingest.pipeline import ingest_text
from ...matching.align import compare_articles
from ...models import Article, Segment
from ...review.comparison import reviewed_comparison
from ...review.machine import RECENT_MATCHES
from ...review.page import forget_rendered

STSB = Path(settings.BASE_DIR).parent / "shared" / "eval" / "stsb" / "stsb_dev.jsonl"
TARGET_P50_MS = 50.0


class _RollBack(Exception):
    """Raised to leave the benchmark's transaction without keeping anything it made."""


class Command(BaseCommand):
    help = "Measure the compare page's server time for two articles with stored vectors; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--sentences", type=int, default=60, help="sentences per generated article")
        parser.add_argument("--articles", default="", help="ID_A,ID_B: measure these instead of generated ones")
        parser.add_argument("--pairs", type=Path, default=STSB, help="STS-B style JSONL the articles are made from")

    def handle(self, *args, **options) -> None:
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1")
        figures: dict = {}
        try:
            with transaction.atomic():
                a, b = self._articles(options)
                figures = measure(a, b, options["runs"])
                raise _RollBack
        except _RollBack:
            pass
        figures["target_p50_ms"] = TARGET_P50_MS
        figures["meets_target"] = figures["page_ms"]["p50"] <= TARGET_P50_MS
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            self.stdout.write(json.dumps(figures, indent=2))

    def _articles(self, options) -> tuple[Article, Article]:
        if options["articles"]:
            try:
                ids = [int(x) for x in options["articles"].split(",")]
                return tuple(Article.objects.select_related("outlet").get(pk=i) for i in ids)  # type: ignore[return-value]
            except (ValueError, Article.DoesNotExist) as exc:
                raise CommandError(f"--articles wants two existing ids, e.g. 3,7 ({exc})")
        first, second = _texts(options["pairs"], options["sentences"])
        self.stderr.write(f"importing two {options['sentences']}-sentence articles (rolled back afterwards)")
        made = [ingest_text(text, outlet=outlet, title="") for text, outlet in ((first, "Bench A"), (second, "Bench B"))]
        if any(r.article is None for r in made):
            raise CommandError("; ".join(r.error or "not imported" for r in made))
        return made[0].article, made[1].article


def measure(a: Article, b: Article, runs: int) -> dict:
    user = get_user_model().objects.create_user("bench-compare-analyst", is_staff=True)
    client = Client(SERVER_NAME=_host())
    client.force_login(user)
    url = f"/compare/?articles={a.pk},{b.pk}"
    secure = not settings.DEBUG  # production settings redirect plain http

    def page() -> None:
        response = client.get(url, secure=secure)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")

    def partial() -> None:
        client.get(url + "&sensitivity=0.6", secure=secure, headers={"HX-Request": "true"})

    def cold_page() -> None:
        RECENT_MATCHES.clear()
        forget_rendered()
        page()

    page()  # warm-up: model, tokenizer, any vector not stored yet
    return {
        "articles": [a.pk, b.pk],
        "claim_sentences": [Segment.objects.claims().filter(article=x).count() for x in (a, b)],
        "matches": len(reviewed_comparison(a, b).shown()),
        "runs": runs,
        "page_ms": _timed(page, runs),
        "page_cold_ms": _timed(cold_page, runs),
        "htmx_region_ms": _timed(partial, runs),
        "matcher_ms": _timed(lambda: compare_articles(a, b), runs),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }


def _timed(call: Callable[[], object], runs: int) -> dict:
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    wall.sort()
    return {
        "p50": round(statistics.median(wall), 1),
        "p95": round(wall[min(len(wall) - 1, int(len(wall) * 0.95))], 1),
        "cpu_p50": round(statistics.median(cpu), 1),
    }


def _texts(path: Path, sentences: int) -> tuple[str, str]:
    """Two articles from paraphrase pairs: A in order, B shuffled (fixed seed, so runs are comparable)."""
    if not path.exists():
        raise CommandError(f"{path} is missing: pass --pairs with an STS-B style JSONL, or --articles")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    news = [r for r in rows if r.get("source") == "MSRpar" and r["score"] >= 3.0][:sentences]
    if len(news) < sentences:
        raise CommandError(f"{path} has only {len(news)} MSRpar pairs scoring ≥ 3; ask for fewer --sentences")
    a = [_sentence(r["sentence1"]) for r in news]
    b = [_sentence(r["sentence2"]) for r in news]
    random.Random(4).shuffle(b)
    return _article("Markets and courts: what happened this week", a), _article("The week in business and law", b)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", '"', "”")) else text + "."


def _article(title: str, sentences: list[str]) -> str:
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join([title, *paragraphs])


def _host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in {"*", ""} and not h.startswith(".")]
    return hosts[0] if hosts else "localhost"
