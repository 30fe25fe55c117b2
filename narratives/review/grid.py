"""The claim-by-outlet grid for three to six articles.

Rows are groups of matching claims: every shown pairwise match joins its two sentences, and the
connected sentences form a row (so A~B and B~C put one claim of A, B and C on a row even if A and C
were not matched directly). Columns are the articles; a cell holds that article's sentences in the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from ..models import Article
from .comparison import MatchFilter, ReviewedComparison, pairwise
from .matches import Side

Node = tuple[int, int, int]  # (column, start, end)


@dataclass(frozen=True)
class PairLink:
    """Two articles and how many claims they share: one click opens them side by side."""

    left: Article
    right: Article
    shared: int


@dataclass(frozen=True)
class GridRow:
    cells: list[list[Side]]  # one list per column, empty where that article does not make the claim
    left: Article  # two articles of this row to open side by side…
    right: Article
    match_id: str  # …with this match between them pinned

    @property
    def breadth(self) -> int:
        return sum(1 for cell in self.cells if cell)


@dataclass(frozen=True)
class ClaimGrid:
    articles: list[Article]
    rows: list[GridRow]
    pairs: list[PairLink]
    only_counts: list[int]  # per column: claim sentences no other article matches
    sensitivity: float

    @property
    def columns(self) -> list[tuple[Article, int]]:
        return list(zip(self.articles, self.only_counts))


def claim_grid(articles: list[Article], sensitivity: float | None, match_filter: str = MatchFilter.ALL) -> ClaimGrid:
    return grid_of(articles, pairwise(articles, sensitivity), match_filter)


def grid_of(articles: list[Article], comparisons: list[ReviewedComparison], match_filter: str) -> ClaimGrid:
    """The grid of comparisons already made, one per pair in ``pairwise`` order."""
    compared = dict(zip(combinations(range(len(articles)), 2), comparisons))
    groups = _Groups()
    links: dict[Node, tuple[int, int, str]] = {}
    for (i, j), comparison in compared.items():
        for match in comparison.shown(match_filter):
            left, right = (i, match.a.start, match.a.end), (j, match.b.start, match.b.end)
            groups.join(left, right)
            links.setdefault(left, (i, j, match.id))
    rows = [_row(articles, nodes, links) for nodes in groups.sets()]
    rows.sort(key=lambda r: (-r.breadth, _first_position(r)))
    pairs = [PairLink(c.a, c.b, len(c.shown(match_filter))) for c in compared.values()]
    effective = next(iter(compared.values())).sensitivity
    return ClaimGrid(articles, rows, pairs, _only_counts(articles, compared), effective)


def _row(articles: list[Article], nodes: set[Node], links: dict[Node, tuple[int, int, str]]) -> GridRow:
    cells: list[list[Side]] = [[] for _ in articles]
    for column, start, end in sorted(nodes):
        cells[column].append(Side.of(articles[column], start, end))
    i, j, match_id = next(links[n] for n in sorted(nodes) if n in links)
    return GridRow(cells, articles[i], articles[j], match_id)


def _first_position(row: GridRow) -> tuple[int, int]:
    column = next(i for i, cell in enumerate(row.cells) if cell)
    return column, row.cells[column][0].start


def _only_counts(articles: list[Article], compared: dict[tuple[int, int], ReviewedComparison]) -> list[int]:
    """A sentence is only in its article when no comparison with any other article touches it."""
    counts = []
    for column in range(len(articles)):
        unmatched: set[int] | None = None
        for (i, j), comparison in compared.items():
            if column not in (i, j):
                continue
            side = "a" if column == i else "b"
            starts = {s.start for s in comparison.only_in(side)}
            unmatched = starts if unmatched is None else unmatched & starts
        counts.append(len(unmatched or ()))
    return counts


class _Groups:
    """Union-find over sentences: matched sentences end up in one group."""

    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}

    def find(self, node: Node) -> Node:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]  # path halving keeps chains short
            node = self.parent[node]
        return node

    def join(self, left: Node, right: Node) -> None:
        self.parent[self.find(left)] = self.find(right)

    def sets(self) -> list[set[Node]]:
        found: dict[Node, set[Node]] = {}
        for node in list(self.parent):
            found.setdefault(self.find(node), set()).add(node)
        return list(found.values())
