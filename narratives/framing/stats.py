"""Counting framing by outlet: the term × outlet table, use over time, and each term's spread.

Rates are per 10,000 words of the outlet's articles (Article.word_count), so a prolific outlet does
not look more loaded than a small one merely by publishing more.

The corpus-wide counts come from grouped queries whose cost grows with the corpus, so they are
stored (FramingSnapshot "counts") under the current version tokens and recomputed by the first
request after a change; every other request reads one row. Months are bucketed here rather than
in SQL because SQLite truncates dates with a Python function, row by row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Min, Sum
from django.utils import timezone

from ..models import Article, FramingSnapshot, FramingTerm, Occurrence, Outlet
from . import versions

PER = 10_000
COUNTS = "counts"


def per_10k(count: int, words: int) -> float:
    return round(count * PER / words, 2) if words else 0.0


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def compute_counts() -> dict:
    """Everything the statistics need, as plain JSON: outlets, term × outlet, term × month × outlet.

    Two passes over the big tables (occurrences by term, day and outlet; articles by outlet and day),
    everything else summed from those in Python.
    """
    by_day = (
        Occurrence.objects.values_list("term_id", "article__published", "article__outlet_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    term_outlet: dict[tuple[int, int], int] = defaultdict(int)
    months: dict[tuple[int, str, int], int] = defaultdict(int)
    undated: dict[int, int] = defaultdict(int)
    for term_id, day, outlet_id, n in by_day:
        term_outlet[(term_id, outlet_id)] += n
        if day is None:
            undated[term_id] += n
        else:
            months[(term_id, month_of(day), outlet_id)] += n
    articles: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    words: dict[tuple[str, int], int] = defaultdict(int)
    rows = Article.objects.values_list("outlet_id", "published").annotate(n=Count("id"), w=Sum("word_count")).order_by()
    for outlet_id, day, n, w in rows:
        articles[outlet_id][0] += n
        articles[outlet_id][1] += w or 0
        if day is not None:
            words[(month_of(day), outlet_id)] += w or 0
    outlets = Outlet.objects.filter(pk__in=articles.keys()).order_by("name").values_list("id", "name", "slug")
    return {
        "outlets": [[i, name, slug, *articles[i]] for i, name, slug in outlets],
        "term_outlet": [[t, o, n] for (t, o), n in sorted(term_outlet.items())],
        "term_month_outlet": [[t, m, o, n] for (t, m, o), n in sorted(months.items())],
        "month_outlet_words": [[m, o, n] for (m, o), n in sorted(words.items())],
        "undated": {str(t): n for t, n in undated.items()},
    }


def counts() -> dict:
    """The stored counts if current, else computed now and stored."""
    version = versions.current(versions.ARTICLES, versions.OCCURRENCES)
    stored = FramingSnapshot.objects.filter(key=COUNTS).only("signature", "data").first()
    if stored and stored.signature == version:
        return stored.data
    data = compute_counts()
    FramingSnapshot.objects.update_or_create(
        key=COUNTS,
        defaults={"signature": version, "data": data, "computed_at": timezone.now(), "pending_signature": ""},
    )
    return data


@dataclass(frozen=True)
class OutletTotal:
    id: int
    name: str
    slug: str
    articles: int
    words: int


@dataclass(frozen=True)
class Cell:
    outlet: OutletTotal
    count: int

    @property
    def rate(self) -> float:
        return per_10k(self.count, self.outlet.words)

    @property
    def rate_text(self) -> str:
        # Formatted here: a table of hundreds of cells through |floatformat costs tens of milliseconds.
        return f"{self.rate:.2f}"


@dataclass(frozen=True)
class TermRow:
    term: FramingTerm
    cells: list[Cell]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.cells)


@dataclass(frozen=True)
class TermOutletTable:
    outlets: list[OutletTotal]
    rows: list[TermRow]


def outlet_totals(data: dict | None = None) -> list[OutletTotal]:
    return [OutletTotal(*row) for row in (data or counts())["outlets"]]


def term_totals(data: dict | None = None) -> dict[int, dict[int, int]]:
    """Per term id, its occurrences per outlet id."""
    result: dict[int, dict[int, int]] = defaultdict(dict)
    for term_id, outlet_id, n in (data or counts())["term_outlet"]:
        result[term_id][outlet_id] = n
    return result


def terms_by_outlet(category_id: int | None = None, data: dict | None = None) -> TermOutletTable:
    """Every term against every outlet with articles, zeros included: an outlet's silence is a finding too."""
    data = data or counts()
    outlets = outlet_totals(data)
    totals = term_totals(data)
    terms = FramingTerm.objects.select_related("category").order_by("category__name", "text")
    if category_id:
        terms = terms.filter(category_id=category_id)
    rows = [TermRow(t, [Cell(o, totals.get(t.pk, {}).get(o.id, 0)) for o in outlets]) for t in terms]
    return TermOutletTable(outlets, rows)


def table_records(table: TermOutletTable) -> list[dict]:
    """The table as the API and the CSV download give it: one record per term and outlet."""
    return [
        {
            "term": row.term.text,
            "category": row.term.category.name,
            "outlet": cell.outlet.name,
            "count": cell.count,
            "words": cell.outlet.words,
            "per_10k_words": cell.rate,
        }
        for row in table.rows
        for cell in row.cells
    ]


@dataclass(frozen=True)
class MonthCount:
    month: date
    outlet: str
    count: int
    words: int

    @property
    def rate(self) -> float:
        return per_10k(self.count, self.words)


def use_over_time(term: FramingTerm | None = None, data: dict | None = None) -> list[MonthCount]:
    """Occurrences per outlet and month of publication (one term, or all terms); undated articles left out."""
    data = data or counts()
    names = {o.id: o.name for o in outlet_totals(data)}
    words = {(m, o): n for m, o, n in data["month_outlet_words"]}
    summed: dict[tuple[str, int], int] = defaultdict(int)
    for term_id, month, outlet_id, n in data["term_month_outlet"]:
        if term is None or term_id == term.pk:
            summed[(month, outlet_id)] += n
    return [
        MonthCount(date(int(m[:4]), int(m[5:7]), 1), names.get(o, "?"), n, words.get((m, o), 0))
        for (m, o), n in sorted(summed.items(), key=lambda item: (item[0][0], names.get(item[0][1], "")))
    ]


def undated_occurrences(term: FramingTerm | None = None, data: dict | None = None) -> int:
    undated = (data or counts())["undated"]
    return undated.get(str(term.pk), 0) if term else sum(undated.values())


@dataclass(frozen=True)
class Spread:
    """One outlet's use of one term."""

    outlet: str
    slug: str
    count: int
    articles: int
    first_use: date | None
    words: int

    @property
    def rate(self) -> float:
        return per_10k(self.count, self.words)


def term_spread(term: FramingTerm) -> list[Spread]:
    """Per outlet: occurrences, articles, first use (earliest publication date), rate; earliest first."""
    rows = (
        Occurrence.objects.filter(term=term)
        .values_list("article__outlet_id", "article__outlet__name", "article__outlet__slug")
        .annotate(n=Count("id"), articles=Count("article_id", distinct=True), first=Min("article__published"))
        .order_by()
    )
    words = {o.id: o.words for o in outlet_totals()}
    spread = [Spread(name, slug, n, arts, first, words.get(oid, 0)) for oid, name, slug, n, arts, first in rows]
    return sorted(spread, key=lambda s: (s.first_use is None, s.first_use or date.max, s.outlet.lower()))
