"""Exports of a comparison, exactly as the page shows it (same sensitivity, same filter): JSON and CSV.

Every span carries its offsets into the article's clean text so a report can cite it; every match
carries its review state and reviewer so nothing the machine inferred passes for an analyst's decision.
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from io import StringIO
from typing import Iterable, Iterator

from ..csvsafe import csv_safe
from ..models import Article
from .comparison import MatchFilter, ReviewedComparison, article_json, pairwise
from .grid import ClaimGrid, grid_of
from .matches import Side

CSV_HEADER = [
    "match_id",
    "row",
    "article_a",
    "outlet_a",
    "a_start",
    "a_end",
    "a_text",
    "article_b",
    "outlet_b",
    "b_start",
    "b_end",
    "b_text",
    "score",
    "tier",
    "review",
    "reviewed_by",
    "reviewed_at",
    "reasons",
    "sensitivity",
]


def export_json(comparisons: list[ReviewedComparison], match_filter: str = MatchFilter.ALL) -> dict:
    """One comparison: the CONTRACTS compare JSON plus what a citation needs; several: one such object per pair."""
    stamp = {"filter": match_filter, "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if len(comparisons) == 1:
        return {**_pair_json(comparisons[0], match_filter), **stamp}
    articles = list(({c.a.pk: c.a for c in comparisons} | {c.b.pk: c.b for c in comparisons}).values())
    return {
        "articles": [article_json(a) for a in articles],
        "sensitivity": comparisons[0].sensitivity,
        **stamp,
        **grid_json(grid_of(articles, comparisons, match_filter)),
        "pairs": [_pair_json(c, match_filter) for c in comparisons],
    }


def grid_json(grid: ClaimGrid) -> dict:
    """The page's grid: each row's sentences per article, and each article's claims no other shares."""
    return {
        "claims": [
            {
                "articles": row.breadth,
                "sentences": [
                    {"article": article.pk, **side.as_json()}
                    for article, cell in zip(grid.articles, row.cells)
                    for side in cell
                ],
            }
            for row in grid.rows
        ],
        "only_here": [{"article": article.pk, "count": count} for article, count in grid.columns],
    }


def _pair_json(comparison: ReviewedComparison, match_filter: str) -> dict:
    return {
        **comparison.as_json(match_filter),
        "only_in_a": [s.as_json() for s in comparison.only_in("a")],
        "only_in_b": [s.as_json() for s in comparison.only_in("b")],
    }


def export_csv(comparisons: list[ReviewedComparison], match_filter: str = MatchFilter.ALL) -> str:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(comparisons, match_filter))
    return out.getvalue()


def csv_rows(comparisons: Iterable[ReviewedComparison], match_filter: str) -> Iterator[list]:
    """One row per match, then one per phrase of it (row = "phrase", same match_id), so a sheet stays flat."""
    for c in comparisons:
        for m in c.shown(match_filter):
            review = [m.score, m.tier, m.review, m.reviewed_by, m.reviewed_at.isoformat() if m.reviewed_at else ""]
            yield _row(m.id, "match", c, m.a, m.b, review + ["; ".join(m.reasons), c.sensitivity])
            for p in m.phrases:
                yield _row(m.id, "phrase", c, p.a, p.b, [p.score, "", "", "", "", "", c.sensitivity])


def _row(match_id: str, kind: str, c: ReviewedComparison, a: Side, b: Side, rest: list) -> list:
    cells = [match_id, kind, c.a.pk, c.a.outlet.name, a.start, a.end, a.text, c.b.pk, c.b.outlet.name, b.start, b.end, b.text]
    return [_defused(v) for v in cells + rest]


def _defused(value):
    return "" if value is None else csv_safe(value)
