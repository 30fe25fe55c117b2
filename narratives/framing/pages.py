"""What the framing pages show, assembled from the stage modules, so the views stay a few lines each."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ..models import FramingCategory, FramingTerm, Occurrence, Outlet
from . import charts, kwic, lexicon, snapshots, stats, suggestions
from ..csvsafe import csv_safe
from .exchange import ImportResult
from .lexicon import normalise_term_text, valid_colour
from .matcher import fold
from .occurrences import DECISIONS, matcher_for

CHART_TERMS = 12  # bars beyond this many terms stop being readable; the table and CSV have them all


def categories() -> QuerySet[FramingCategory]:
    return FramingCategory.objects.annotate(term_count=Count("terms")).order_by("name")


def lexicon_context(**forms) -> dict:
    terms = list(lexicon.terms_with_tag_counts())
    data = stats.counts()
    totals = stats.term_totals(data)
    names = {o.id: o.name for o in stats.outlet_totals(data)}
    for term in terms:
        per_outlet = totals.get(term.pk, {})
        term.occurrence_count = sum(per_outlet.values())
        # (outlet, count), most first: who uses the term, at a glance
        term.by_outlet = sorted(((names.get(o, "?"), n) for o, n in per_outlet.items()), key=lambda x: (-x[1], x[0]))
    snapshot = snapshots.outlet_wording()
    return {
        "terms": terms,
        "categories": categories(),
        "candidates": scare_quote_candidates(snapshot, terms),
        "snapshot": snapshot,
        **forms,
    }


def scare_quote_candidates(snapshot: snapshots.Snapshot, terms: list[FramingTerm]) -> list[dict]:
    """Scare-quoted phrases that no term already finds."""
    matchers = [matcher_for(t) for t in FramingTerm.objects.prefetch_related(DECISIONS)] if terms else []
    return [c for c in snapshot.data.get("scare_quotes", []) if not any(m.regex.fullmatch(c["text"]) for m in matchers)]


def term_occurrences(term: FramingTerm, outlet_slug: str) -> QuerySet[Occurrence]:
    occurrences = term.occurrences.select_related("article__outlet").order_by(
        "article__outlet__name", "article__published", "article_id", "start"
    )
    return occurrences.filter(article__outlet__slug=outlet_slug) if outlet_slug else occurrences


TAGS_SHOWN = 200  # a term's page lists this many of its tags; the tags export has them all


def term_context(term: FramingTerm, page, outlet_slug: str) -> dict:
    over_time = stats.use_over_time(term)
    return {
        "term": term,
        "spread": stats.term_spread(term),
        "page": page,
        "lines": kwic.lines(list(page.object_list)),
        "outlet": Outlet.objects.filter(slug=outlet_slug).first() if outlet_slug else None,
        "tags": term.annotations.select_related("article__outlet", "author").order_by(
            "article__outlet__name", "article_id", "start"
        )[:TAGS_SHOWN],
        # Counted apart from the rows shown: the delete confirmation must name every tag it removes.
        "tag_count": term.annotations.count(),
        "over_time_chart": over_time_chart(over_time, f"Occurrences of “{term.text}” per month"),
        "undated": stats.undated_occurrences(term),
        **suggestions_context(term),
    }


def suggestions_context(term: FramingTerm) -> dict:
    # Spans are stored up to a cap per wording: at the cap the page says "or more".
    return {"term": term, "suggestions": suggestions.pending_for(term), "spans_cap": suggestions.MAX_SPANS_PER_TEXT}


def categories_css() -> str:
    rows = [(c.pk, valid_colour(c.colour)) for c in FramingCategory.objects.only("id", "colour")]
    return render_to_string("narratives/framing_categories.css", {"categories": rows})


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def suggested_term_text(selection: str) -> str:
    """The selection as a term's wording ("“terrorist gangs.”" → "terrorist gangs"); the analyst may edit it."""
    try:
        return normalise_term_text(selection)
    except ValidationError:
        return selection.strip()


def import_summary(result: ImportResult) -> str:
    parts = [f"Imported {result.created} tags"]
    if result.existing:
        parts.append(f"{result.existing} were already here")
    if result.moved:
        parts.append(f"{result.moved} moved to where their text now is")
    if result.unmatched:
        parts.append(f"{result.unmatched} belong to articles this corpus does not have")
    if result.created_users:
        parts.append(f"inactive accounts created to keep authorship: {', '.join(result.created_users)}")
    if result.errors:
        parts.append(f"{len(result.errors)} could not be imported")
    return "; ".join(parts) + "."


# ----- statistics -----


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def stats_context(params: QueryDict) -> dict:
    category_id = _int_or_none(params.get("category"))
    term = FramingTerm.objects.filter(pk=_int_or_none(params.get("term"))).first() if params.get("term") else None
    data = stats.counts()
    table = stats.terms_by_outlet(category_id, data)
    over_time = stats.use_over_time(term, data)
    subject = f"“{term.text}”" if term else "all framing terms"
    snapshot = snapshots.outlet_wording()
    return {
        "table": table,
        "table_chart": rate_chart(table),
        "category_id": category_id,
        "selected_term": term,
        "all_terms": FramingTerm.objects.order_by("text").only("id", "text"),
        "categories": categories(),
        "over_time_chart": over_time_chart(over_time, f"Occurrences of {subject} per month, by outlet"),
        "undated": stats.undated_occurrences(term, data),
        "snapshot": snapshot,
        "distinctive": mark_terms(snapshot.data.get("outlets", [])),
    }


def mark_terms(outlets: list[dict]) -> list[dict]:
    """Flags the distinctive words that are terms already, so they get no "tag as framing term" button."""
    known = {fold(t) for t in FramingTerm.objects.values_list("text", flat=True)}
    return [
        {
            **o,
            **{
                kind: [
                    {**item, "is_term": fold(item["text"]) in known, "z_text": f"{item['z']:.1f}"} for item in o[kind]
                ]
                for kind in ("words", "phrases")
            },
        }
        for o in outlets
    ]


def rate_chart(table: stats.TermOutletTable) -> SafeString:
    rows = sorted(table.rows, key=lambda r: -r.total)[:CHART_TERMS]
    series = [charts.Series(o.name, [r.cells[i].rate for r in rows]) for i, o in enumerate(table.outlets)]
    labels = [r.term.text for r in rows]
    return charts.grouped_bars(
        labels, series, title="Framing terms per 10,000 words, by outlet", unit="per 10,000 words"
    )


def over_time_chart(counts: list[stats.MonthCount], title: str) -> SafeString:
    months = month_range([c.month for c in counts])
    outlets = sorted({c.outlet for c in counts}, key=str.lower)
    table = {(c.month, c.outlet): c.count for c in counts}
    series = [charts.Series(o, [table.get((m, o), 0) for m in months]) for o in outlets]
    return charts.line_chart([m.strftime("%b %Y") for m in months], series, title=title, unit="occurrences")


def month_range(months: list[date]) -> list[date]:
    """Every month from the first to the last, so a gap in coverage shows as a gap, not a shortcut."""
    if not months:
        return []
    first, last = min(months), max(months)
    result, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        result.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return result


def stats_rows(chart: str, params: QueryDict) -> tuple[list[dict], list[str]]:
    """The data behind each chart, for its CSV download."""
    if chart == "terms-by-outlet":
        table = stats.terms_by_outlet(_int_or_none(params.get("category")))
        return stats.table_records(table), ["term", "category", "outlet", "count", "words", "per_10k_words"]
    if chart == "over-time":
        term = FramingTerm.objects.filter(pk=_int_or_none(params.get("term"))).first() if params.get("term") else None
        rows = [
            {
                "month": c.month.strftime("%Y-%m"),
                "outlet": c.outlet,
                "term": term.text if term else "(all terms)",
                "count": c.count,
                "words": c.words,
                "per_10k_words": c.rate,
            }
            for c in stats.use_over_time(term)
        ]
        return rows, ["month", "outlet", "term", "count", "words", "per_10k_words"]
    if chart == "distinctive":
        rows = [
            {
                "outlet": o["name"],
                "kind": kind,
                "rank": rank,
                "text": item["text"],
                "z": item["z"],
                "significant": item.get("significant", False),
                "count": item["count"],
                "count_other_outlets": item["other"],
            }  # fmt: skip
            for o in snapshots.outlet_wording().data.get("outlets", [])
            for kind in ("words", "phrases")
            for rank, item in enumerate(o[kind], 1)
        ]
        return rows, ["outlet", "kind", "rank", "text", "z", "significant", "count", "count_other_outlets"]
    raise Http404(f"No chart called {chart!r}.")


def csv_text(rows: list[dict], fields: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: csv_safe(v) for k, v in row.items()} for row in rows)
    return out.getvalue()
