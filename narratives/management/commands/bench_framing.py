"""Benchmark framing on a generated corpus: refreshing one new term, one new article, and the statistics page.

Everything it creates is rolled back at the end (unless --keep), so it can run against a working
database. Prints figures (seconds) as JSON with --json, else as lines.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client

from narratives.framing import occurrences, snapshots, versions
from narratives.ingest.build import paragraph_segments
from narratives.models import Article, FramingCategory, FramingTerm, Outlet, Segment, SegmentKind

# Phrases sprinkled into the generated text, with the outlets (by index) that use them and how often.
PHRASES = [
    ("peacekeeping forces", {0, 1, 2}, 0.2),
    ("peace-keeping mission", {3, 4}, 0.1),
    ("anti-terrorist operation", {0, 5}, 0.15),
    ("counter-terrorist operation", {6}, 0.05),
    ("terrorist gangs", {0, 1}, 0.1),
    ("inspired from abroad", {2, 7}, 0.08),
    ("foreign-backed protesters", {1, 3, 5}, 0.08),
]
EXISTING_TERMS = [
    "peacekeeping",
    "terrorist gangs",
    "inspired from abroad",
    "foreign-backed",
    "pacification",
    "bandits",
]
COMMON = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "was", "with", "as", "by", "it", "at", "from", "his", "said", "which", "an", "be", "has", "were", "are", "have", "this", "government", "city", "protest", "police", "president", "country", "people", "official", "minister", "security", "forces", "week", "state", "capital", "region", "violence", "unrest", "demonstrators", "authorities", "report", "statement", "news", "agency", "troops", "military", "crisis", "fuel", "prices", "gas", "economy", "election", "opposition", "leader", "parliament", "border", "airport", "building", "office"]


class Command(BaseCommand):
    help = "Times framing on a generated corpus (default 10,000 articles); rolled back afterwards."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--words", type=int, default=450, help="words per article")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--keep", action="store_true", help="commit the generated corpus instead of rolling back")

    def handle(self, *args, articles: int, words: int, json: bool, keep: bool, **options) -> None:
        figures: dict = {"articles": articles, "words_per_article": words}
        with transaction.atomic():
            self.generate(articles, words, figures)
            self.measure(figures)
            if not keep:
                transaction.set_rollback(True)
        self.report(figures, json)
        self.stderr.write("generated corpus kept" if keep else "generated corpus rolled back")

    def generate(self, n: int, words: int, figures: dict) -> None:
        started = time.perf_counter()
        rng = random.Random(2022)
        vocabulary = COMMON + [f"w{i}" for i in range(6000)]
        weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf-like, as in real text
        outlets = [Outlet.objects.get_or_create(name=f"Bench outlet {i}")[0] for i in range(8)]
        first_day = date(2021, 1, 1)
        batch: list[Article] = []
        for i in range(n):
            outlet_index = i % len(outlets)
            batch.append(
                self.article(rng, i, outlets[outlet_index], outlet_index, vocabulary, weights, words, first_day)
            )
            if len(batch) == 1000:
                self.store(batch)
                batch = []
        self.store(batch)
        versions.bump(versions.ARTICLES)  # bulk_create sends no signals
        figures["generate_s"] = round(time.perf_counter() - started, 2)
        category = FramingCategory.objects.get_or_create(name="bench", defaults={"colour": "#336699"})[0]
        # bulk_create: no signal, so the existing terms are searched once, below, not on creation.
        terms = FramingTerm.objects.bulk_create([FramingTerm(text=t, category=category) for t in EXISTING_TERMS])
        for term in terms:
            occurrences.refresh_term(term)

    def article(self, rng, i, outlet, outlet_index, vocabulary, weights, words, first_day) -> Article:
        tokens = rng.choices(vocabulary, weights, k=words)
        for phrase, users, rate in PHRASES:
            if outlet_index in users and rng.random() < rate:
                at = rng.randrange(len(tokens))
                tokens[at:at] = [f"“{phrase}”" if rng.random() < 0.3 else phrase]
        paragraphs = [" ".join(tokens[k : k + 75]).capitalize() + "." for k in range(0, len(tokens), 75)]
        title = f"Bench article {i}"
        text = "\n\n".join([title, *paragraphs])
        return Article(
            outlet=outlet,
            title=title,
            published=first_day + timedelta(days=i % 730),
            original=b"",
            clean_text=text,
            content_hash=hashlib.sha256(f"bench:{i}:{text}".encode()).hexdigest(),
            word_count=len(text.split()),
        )

    def store(self, batch: list[Article]) -> None:
        created = Article.objects.bulk_create(batch)
        segments = []
        for article in created:
            paragraphs = article.clean_text.split("\n\n")
            kinds = [SegmentKind.TITLE] + [SegmentKind.SENTENCE] * (len(paragraphs) - 1)
            segments += paragraph_segments(article, list(zip(kinds, paragraphs)))
        Segment.objects.bulk_create(segments, batch_size=2000)

    def measure(self, figures: dict) -> None:
        category = FramingCategory.objects.get(name="bench")
        for text in ("anti-terrorist operation", "security"):
            term = FramingTerm.objects.bulk_create([FramingTerm(text=text, category=category)])[0]
            started = time.perf_counter()
            found = occurrences.refresh_term(term)
            key = text.replace(" ", "_").replace("-", "_")
            figures[f"refresh_new_term_{key}_s"] = round(time.perf_counter() - started, 3)
            figures[f"refresh_new_term_{key}_occurrences"] = found
        article = Article.objects.order_by("-id").first()
        started = time.perf_counter()
        occurrences.refresh_article(article.pk)
        figures["refresh_one_article_all_terms_s"] = round(time.perf_counter() - started, 4)
        figures["terms"] = FramingTerm.objects.count()

        started = time.perf_counter()
        snapshots.recompute_all()
        figures["outlet_wording_snapshot_s"] = round(time.perf_counter() - started, 2)

        client = Client(HTTP_HOST="localhost")  # an allowed host in every configuration the bench runs in
        user = get_user_model().objects.create_user("bench-framing", is_staff=True)
        client.force_login(user)
        for name, url in (
            ("stats_page", "/framing/stats/"),
            ("terms_page", "/framing/"),
            ("stats_table_partial", "/framing/stats/?part=table"),
        ):
            timings = []
            for _ in range(5):
                started = time.perf_counter()
                response = client.get(url, headers={"HX-Request": "true"} if "part=" in url else {})
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200, (url, response.status_code)
            figures[f"{name}_median_ms"] = round(statistics.median(timings) * 1000, 1)
            figures[f"{name}_first_ms"] = round(timings[0] * 1000, 1)

    def report(self, figures: dict, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key:45} {value}")
