"""The claim grid: pairwise matches joined into rows of one claim across outlets."""

from __future__ import annotations

from narratives.review import decisions
from narratives.review.comparison import MatchFilter, reviewed_comparison
from narratives.review.grid import claim_grid
from tests.compare_factories import machine, make_article  # noqa: F401 (fixtures)


def _three(machine):
    a = make_article([["Moscow says the unrest was inspired from abroad.", "Gas prices rose in January."]], outlet="A")
    b = make_article([["Lebedev says the rioters had foreign backing.", "The weather was cold."]], outlet="B")
    c = make_article([["Officials blame foreign agents for the riots.", "Fuel got dearer this month."]], outlet="C")
    machine.suggest(a, "inspired from abroad", b, "foreign backing")
    machine.suggest(b, "foreign backing", c, "foreign agents")
    machine.suggest(a, "Gas prices", c, "Fuel got dearer", 0.6, "possible")
    return a, b, c


def test_matches_join_transitively_into_one_row(db, machine):
    a, b, c = _three(machine)
    grid = claim_grid([a, b, c], None)
    widest = grid.rows[0]
    assert [[s.text[:8] for s in cell] for cell in widest.cells] == [["Moscow s"], ["Lebedev "], ["Official"]]
    assert (widest.left, widest.right) == (a, b)
    assert [[s.text[:8] for s in cell] for cell in grid.rows[1].cells] == [["Gas pric"], [], ["Fuel got"]]
    assert len(grid.rows) == 2


def test_pair_links_count_shared_claims_and_columns_count_omissions(db, machine):
    a, b, c = _three(machine)
    grid = claim_grid([a, b, c], None)
    assert [(p.left.outlet.name, p.right.outlet.name, p.shared) for p in grid.pairs] == [("A", "B", 1), ("A", "C", 1), ("B", "C", 1)]
    assert grid.only_counts == [0, 1, 0]  # only B's weather sentence matches nothing anywhere


def test_the_grid_follows_filter_and_decisions(db, machine, alice):
    a, b, c = _three(machine)
    ab = reviewed_comparison(a, b)
    decisions.reject(ab, ab.matches[0], alice)
    grid = claim_grid([a, b, c], None)
    assert sorted(cell.breadth for cell in grid.rows) == [2, 2]  # A~B is gone, B~C and A~C stay
    assert len(claim_grid([a, b, c], None, MatchFilter.STRONG).rows) == 1
