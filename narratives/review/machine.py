"""The machine's side of a comparison: the matcher's suggestions as unreviewed ReviewedMatch, with a
small per-process memory of recent answers (aligning is most of the cost of a compare request)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from ..matching.align import compare_articles
from ..matching.embed import get_backend
from ..models import Article, ReviewState
from .matches import Key, PhrasePair, ReviewedMatch, Side


class _Recent:
    """A small per-process LRU of the matcher's answers. Aligning is most of a compare request, and an
    analyst asks for the same pair again and again (every confirm, filter and reload). The key holds
    everything the answer depends on: both articles' versions, the sensitivity, the excluded
    (rejected) pairs and the embedding model's name and revision. Confirming or linking does not
    change the key, rejecting does. Per process, so a deploy with a new matcher starts empty."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, tuple[ReviewedMatch, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[ReviewedMatch, ...] | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def put(self, key: tuple, value: tuple[ReviewedMatch, ...]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RECENT_MATCHES = _Recent(size=64)


def machine_matches(a: Article, b: Article, sensitivity: float | None, exclude: frozenset[Key]) -> tuple[ReviewedMatch, ...]:
    """The matcher's suggestions for (a, b) as unreviewed ReviewedMatch, from RECENT_MATCHES when it has them."""
    backend = get_backend()
    key = (a.pk, a.updated_at, b.pk, b.updated_at, sensitivity, exclude, backend.model_name, backend.revision)
    found = RECENT_MATCHES.get(key)
    if found is None:
        found = tuple(_from_machine(m) for m in compare_articles(a, b, sensitivity=sensitivity, exclude=exclude).matches)
        RECENT_MATCHES.put(key, found)
    return found


def _from_machine(found) -> ReviewedMatch:
    phrases = tuple(
        PhrasePair(Side(p.a.start, p.a.end, p.a.text), Side(p.b.start, p.b.end, p.b.text), p.score)
        for p in found.phrases
    )
    return ReviewedMatch(
        id=found.id,
        a=Side(found.a.start, found.a.end, found.a.text),
        b=Side(found.b.start, found.b.end, found.b.text),
        score=float(found.score),
        tier=found.tier,
        phrases=phrases,
        reasons=tuple(found.reasons),
        review=ReviewState.SUGGESTED,
        suggested=True,
    )
