"""Speed and memory of matching, measured in one process on the same sentences (``bench_matching``).

Everything written to the database here is rolled back: the benchmark leaves no articles behind.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from pathlib import Path

from django.db import transaction

from narratives.ingest.pipeline import EMBED_TOGETHER
from narratives.models import Article, Outlet, Segment, SegmentEmbedding, SegmentKind

from .align import compare_articles
from .embed import get_backend
from .index import embed_articles

ARTICLE_SENTENCES = 60  # the compare target is for two articles of this length


def read_sentences(path: Path | None, limit: int) -> list[str]:
    """Sentences from a text file (one per line) or jsonl (text/vclaim/sentence1), else from the database."""
    if path is None:
        texts = list(Segment.objects.claims().values_list("text", flat=True)[:limit])
    elif path.suffix == ".jsonl":
        texts = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append(row.get("text") or row.get("vclaim") or row.get("sentence1") or "")
    else:
        texts = path.read_text(encoding="utf-8").splitlines()
    return [t.strip() for t in texts if t.strip()][:limit]


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB, from /proc (Linux)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def run(sentences: list[str], repeats: int = 20, rounds: int = 3) -> dict:
    if len(sentences) < 2 * ARTICLE_SENTENCES:
        raise ValueError(f"need at least {2 * ARTICLE_SENTENCES} sentences, got {len(sentences)}")
    started = time.perf_counter()
    backend = get_backend()
    load_seconds = time.perf_counter() - started
    backend.encode(sentences[:8])  # warm up the session once
    with transaction.atomic():
        outlet = Outlet.objects.create(name=f"bench-{time.time_ns()}")
        articles = [_article(outlet, chunk) for chunk in _chunks(sentences, ARTICLE_SENTENCES)]
        raw_rates, ingest_rates = [], []
        for _ in range(rounds):  # interleaved, so load from elsewhere on the machine colours both alike
            raw_rates.append(_rate(len(sentences), lambda: backend.encode(sentences)))
            SegmentEmbedding.objects.filter(segment__article__in=articles).delete()
            ingest_rates.append(_rate(len(sentences), lambda: _embed_as_import_does(articles)))
        raw_rate, ingest_rate = statistics.median(raw_rates), statistics.median(ingest_rates)
        first, second = articles[0], articles[1]
        cold_started = time.perf_counter()
        compare_articles(first, second)
        cold_ms = (time.perf_counter() - cold_started) * 1000
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            comparison = compare_articles(first, second)
            timings.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    current, peak = rss_mb()
    return {
        "backend": f"{backend.model_name} ({backend.revision})",
        "sentences": len(sentences),
        "model_load_s": round(load_seconds, 2),
        "raw_sentences_per_s": round(raw_rate, 1),
        "ingest_sentences_per_s": round(ingest_rate, 1),
        "ingest_vs_raw": round(ingest_rate / raw_rate, 3),
        "rounds": rounds,  # raw and ingest measured alternately; the figures are medians
        "compare_sentences": [ARTICLE_SENTENCES, ARTICLE_SENTENCES],
        "compare_first_ms": round(cold_ms, 1),
        "compare_median_ms": round(statistics.median(timings), 1),
        "compare_matches": len(comparison.matches),
        "rss_mb": round(current, 1),
        "peak_rss_mb": round(peak, 1),
    }


def _rate(count: int, work) -> float:
    started = time.perf_counter()
    work()
    return count / (time.perf_counter() - started)


def _embed_as_import_does(articles: list[Article]) -> None:
    """The ingest path: stored articles embedded EMBED_TOGETHER at a time, with the database writes."""
    for first in range(0, len(articles), EMBED_TOGETHER):
        embed_articles(articles[first : first + EMBED_TOGETHER])


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[k : k + size] for k in range(0, len(items) - size + 1, size)]


def _article(outlet: Outlet, sentences: list[str]) -> Article:
    text = " ".join(sentences)
    article = Article.objects.create(
        outlet=outlet, title=sentences[0][:200], original=text.encode(), clean_text=text,
        content_hash=hashlib.sha256(f"{outlet.name}:{text}".encode()).hexdigest(), word_count=len(text.split()),
    )  # fmt: skip
    offset, segments = 0, []
    for order, sentence in enumerate(sentences):
        segments.append(Segment(article=article, kind=SegmentKind.SENTENCE, paragraph=0, order=order,
                                start=offset, end=offset + len(sentence), text=sentence))  # fmt: skip
        offset += len(sentence) + 1
    Segment.objects.bulk_create(segments)
    return article
