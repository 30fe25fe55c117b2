"""Corpus-wide results too slow for a request: each outlet's distinctive wording and its scare quotes.

Computed in one pass over the corpus and stored (FramingSnapshot) with the corpus signature they
were computed for. A page shows the stored result at once, says when it is out of date and queues a
recomputation; a small corpus is simply recomputed in the request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import Article, FramingSnapshot, Outlet, Segment
from . import logodds, versions, wording

log = logging.getLogger(__name__)

KEY = "outlet-wording"
# Below this many articles the pass takes under half a second (bench_framing), so the page waits for it.
INLINE_MAX_ARTICLES = 200
TOP = 15
MAX_CANDIDATES = 60


def corpus_signature() -> str:
    """Changes whenever an article is added, edited, re-segmented or deleted (see ``versions``)."""
    return versions.current(versions.ARTICLES)


def compute() -> dict:
    rows = (
        Segment.objects.filter(kind__in=wording.WORDING_KINDS)
        .order_by("article_id", "order")
        .values_list("article__outlet_id", "article_id", "paragraph", "text")
        .iterator(chunk_size=2000)
    )
    by_outlet = wording.gather(rows)
    names = dict(Outlet.objects.filter(pk__in=by_outlet.keys()).values_list("id", "name"))
    top_words = logodds.most_distinctive({o: w.words for o, w in by_outlet.items()}, top=TOP)
    top_phrases = logodds.most_distinctive({o: w.phrases for o, w in by_outlet.items()}, top=TOP)
    outlets = [
        {
            "id": outlet_id,
            "name": names.get(outlet_id, "?"),
            "words": [_item(d) for d in top_words.get(outlet_id, [])],
            "phrases": [_item(d) for d in top_phrases.get(outlet_id, [])],
        }
        for outlet_id in sorted(by_outlet, key=lambda o: names.get(o, "").lower())
    ]
    return {"outlets": outlets, "scare_quotes": _scare_quotes(by_outlet, names)}


def _item(d: logodds.Distinctive) -> dict:
    return {"text": d.text, "z": d.z, "count": d.count, "other": d.other, "significant": d.significant}


def _scare_quotes(by_outlet: dict[int, wording.OutletWording], names: dict[int, str]) -> list[dict]:
    """Quoted phrases across outlets, grouped case-insensitively, most used first."""
    merged: dict[str, dict] = {}
    for outlet_id, w in by_outlet.items():
        for text, count in w.quoted.items():
            entry = merged.setdefault(text.lower(), {"text": text, "count": 0, "articles": set(), "outlets": {}})
            entry["count"] += count
            entry["articles"] |= w.quoted_articles[text]
            entry["outlets"][names.get(outlet_id, "?")] = entry["outlets"].get(names.get(outlet_id, "?"), 0) + count
    ranked = sorted(merged.values(), key=lambda e: (-e["count"], -len(e["outlets"]), e["text"].lower()))
    return [
        {
            "text": e["text"],
            "count": e["count"],
            "articles": len(e["articles"]),
            "outlets": [[name, n] for name, n in sorted(e["outlets"].items())],
        }
        for e in ranked[:MAX_CANDIDATES]
    ]


@dataclass(frozen=True)
class Snapshot:
    data: dict
    computed_at: datetime | None
    current: bool

    @property
    def available(self) -> bool:
        return bool(self.data)


def recompute_all() -> FramingSnapshot:
    signature = corpus_signature()
    data = compute()
    snapshot, _ = FramingSnapshot.objects.update_or_create(
        key=KEY, defaults={"signature": signature, "data": data, "computed_at": timezone.now(), "pending_signature": ""}
    )
    log.info("framing snapshot recomputed for corpus %s", signature)
    return snapshot


def outlet_wording() -> Snapshot:
    """The stored result, recomputed now if the corpus is small, else queued when out of date."""
    signature = corpus_signature()
    stored = FramingSnapshot.objects.filter(key=KEY).first()
    if stored and stored.signature == signature:
        return Snapshot(stored.data, stored.computed_at, True)
    if Article.objects.count() <= INLINE_MAX_ARTICLES:
        fresh = recompute_all()
        return Snapshot(fresh.data, fresh.computed_at, True)
    _queue(signature, stored)
    return Snapshot(stored.data, stored.computed_at, False) if stored and stored.data else Snapshot({}, None, False)


def _queue(signature: str, stored: FramingSnapshot | None) -> None:
    from .tasks import refresh_snapshots

    if stored and stored.pending_signature == signature:
        return  # already queued for this state of the corpus
    FramingSnapshot.objects.update_or_create(
        key=KEY,
        defaults={"pending_signature": signature},
        create_defaults={"signature": "", "data": {}, "computed_at": timezone.now(), "pending_signature": signature},
    )
    transaction.on_commit(refresh_snapshots.enqueue)
