"""Judged article pairs: of what compare shows, how much would an analyst accept, and how much of what
they listed does it find.

A judged pair (``data/article_pairs/*.jsonl``, docs/MATCHING.md "Judged article pairs") holds two
articles written for the purpose and, for every sentence pair that makes the same claim, a fragment of
each sentence. The gold was written with the articles, before the matcher saw them; the ``dev`` pairs
may tune the matcher, the ``test`` pairs only report.

Pairs are ingested by the real pipeline inside a transaction that is rolled back, so an evaluation
leaves the corpus as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from narratives.ingest import pipeline
from narratives.models import Article, Segment

from .align import Comparison, compare_articles
from .evaluate import read_jsonl
from .metrics import precision_recall_f1

JUDGED_DIR = Path(__file__).resolve().parent / "data" / "article_pairs"
Key = tuple[int, int, int, int]


class JudgedPairError(ValueError):
    """A judged pair whose fragments do not name exactly one sentence: the gold cannot be read."""


@dataclass(frozen=True)
class JudgedPair:
    id: str
    split: str
    a: dict  # {"outlet", "title", "text"}
    b: dict
    shared: tuple[tuple[str, str], ...]  # (fragment of an A sentence, fragment of a B sentence)
    # Same topic, different or contrary claim, written down as traps; the gold is ``shared`` alone.
    hard_negatives: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_json(cls, row: dict) -> JudgedPair:
        shared = tuple((s["a"], s["b"]) for s in row["shared"])
        traps = tuple((s["a"], s["b"]) for s in row.get("hard_negatives", ()))
        return cls(str(row["id"]), str(row.get("split", "")), row["a"], row["b"], shared, traps)


def read_judged(paths: Iterable[Path | str], split: str | None = None) -> list[JudgedPair]:
    """The pairs of these files (folders: every ``*.jsonl`` in them), only ``split`` if given."""
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    pairs = [JudgedPair.from_json(row) for file in files for row in read_jsonl(file)]
    return [p for p in pairs if split is None or p.split == split]


@dataclass
class Judged:
    """One pair compared: its articles, what compare showed, and the gold as segment offsets."""

    pair: JudgedPair
    comparison: Comparison
    gold: set[Key]
    traps: set[Key]

    @property
    def shown(self) -> set[Key]:
        return {(m.a.start, m.a.end, m.b.start, m.b.end) for m in self.comparison.matches}


@contextmanager
def ingested(pairs: Sequence[JudgedPair]) -> Iterator[list[tuple[JudgedPair, Article, Article]]]:
    """The pairs' articles ingested and embedded, all rolled back on leaving."""
    with transaction.atomic():
        yield [(pair, _ingest(pair, pair.a, "a"), _ingest(pair, pair.b, "b")) for pair in pairs]
        transaction.set_rollback(True)


def _ingest(pair: JudgedPair, side: dict, name: str) -> Article:
    result = pipeline.ingest_text(side["text"], outlet=side["outlet"], filename=f"{pair.id}-{name}.txt")
    if result.article is None:
        raise JudgedPairError(f"{pair.id} {name}: not ingested ({result.error or result.warnings})")
    return result.article


def gold_keys(pair: JudgedPair, a: Article, b: Article, fragments: Sequence[tuple[str, str]] | None = None) -> set[Key]:
    """The segment offsets of the pair's shared sentences (or of other ``fragments`` of it)."""
    # Every segment, not only claim kinds: a listed sentence that ingest took for a caption is a
    # match compare cannot show, and must count against its recall.
    segments_a, segments_b = list(a.segments.order_by("start")), list(b.segments.order_by("start"))
    keys = set()
    for fragment_a, fragment_b in pair.shared if fragments is None else fragments:
        sa, sb = _segment_with(pair, segments_a, fragment_a), _segment_with(pair, segments_b, fragment_b)
        keys.add((sa.start, sa.end, sb.start, sb.end))
    return keys


def _flat(text: str) -> str:
    # Ingest normalises spaces and quotes; a fragment is found in any spelling of its spaces.
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'")).strip()


def _segment_with(pair: JudgedPair, segments: list[Segment], fragment: str) -> Segment:
    wanted = _flat(fragment)
    found = [s for s in segments if wanted in _flat(s.text)]
    if len(found) != 1:
        raise JudgedPairError(f"{pair.id}: fragment {fragment!r} is in {len(found)} segments, not 1")
    return found[0]


def judge(pairs: Sequence[JudgedPair], sensitivity: float | None = None) -> list[Judged]:
    """Compare every pair at ``sensitivity`` (default: the page's) and read its gold; nothing is kept."""
    with ingested(pairs) as articles:
        return [_judged(pair, a, b, sensitivity) for pair, a, b in articles]


def _judged(pair: JudgedPair, a: Article, b: Article, sensitivity: float | None) -> Judged:
    traps = gold_keys(pair, a, b, pair.hard_negatives)
    return Judged(pair, compare_articles(a, b, sensitivity), gold_keys(pair, a, b), traps)


def scores(judged: Sequence[Judged]) -> dict:
    """Precision of what is shown, recall of the gold, F1; pooled over the pairs, and the worst pair's precision."""
    shown = sum(len(j.shown) for j in judged)
    right = sum(len(j.shown & j.gold) for j in judged)
    listed = sum(len(j.gold) for j in judged)
    precision, recall, f1 = precision_recall_f1(right, shown, listed)
    per_pair = [len(j.shown & j.gold) / len(j.shown) for j in judged if j.shown]
    traps = sum(len(j.traps) for j in judged)
    return {
        "pairs": len(judged),
        "shown": shown,
        "listed": listed,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "worst_pair_precision": round(min(per_pair), 3) if per_pair else 0.0,
        "hard_negatives": traps,
        "hard_negatives_shown": sum(len(j.shown & j.traps) for j in judged),
    }


def evaluate_judged(pairs: Sequence[JudgedPair], sensitivity: float | None = None) -> dict:
    return scores(judge(pairs, sensitivity))
