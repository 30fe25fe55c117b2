"""Recording decisions: one row per pair, lower article first, validated offsets for manual links."""

from __future__ import annotations

import pytest

from narratives.models import MatchDecision, ReviewState
from narratives.review import decisions
from narratives.review.comparison import reviewed_comparison
from narratives.review.decisions import DecisionError, Selection
from tests.compare_factories import machine, make_article, pair, span_of, suggested  # noqa: F401 (fixtures)


def _selection(article, needle: str) -> Selection:
    start, end = span_of(article, needle)
    return Selection(start, end, needle)


def test_a_decision_is_stored_with_the_lower_article_id_as_side_a(suggested, alice):
    a, b, _ = suggested
    flipped = reviewed_comparison(b, a)
    match = flipped.matches[0]
    decisions.confirm(flipped, match, alice)
    row = MatchDecision.objects.get()
    assert (row.article_a_id, row.article_b_id) == (a.pk, b.pk)
    assert a.clean_text[row.a_start : row.a_end] == match.b.text
    assert (row.state, row.decided_by) == (ReviewState.CONFIRMED, alice)


def test_deciding_again_replaces_the_verdict_and_its_author(suggested, alice, carol):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    decisions.confirm(comparison, comparison.matches[0], alice)
    decisions.reject(reviewed_comparison(a, b), comparison.matches[0], carol)
    row = MatchDecision.objects.get()
    assert (row.state, row.decided_by) == (ReviewState.REJECTED, carol)


def test_undo_turns_a_decision_back_into_a_suggestion(suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    decisions.reject(comparison, comparison.matches[0], alice)
    rejected = reviewed_comparison(a, b).get(comparison.matches[0].id)
    decisions.undo(reviewed_comparison(a, b), rejected)
    assert not MatchDecision.objects.exists()
    assert reviewed_comparison(a, b).get(rejected.id).review == ReviewState.SUGGESTED


def test_undo_refuses_a_match_nobody_decided(suggested):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    with pytest.raises(DecisionError, match="still a suggestion"):
        decisions.undo(comparison, comparison.matches[0])


def test_unlinking_removes_a_manual_link(pair, machine, alice):
    a, b = pair
    decisions.link(reviewed_comparison(a, b), _selection(a, "CSTO forces"), _selection(b, "critical red"), alice)
    comparison = reviewed_comparison(a, b)
    [manual] = comparison.matches
    decisions.undo(comparison, manual)
    assert reviewed_comparison(a, b).matches == []


def test_a_manual_link_cannot_be_confirmed_or_rejected(pair, machine, alice):
    a, b = pair
    decisions.link(reviewed_comparison(a, b), _selection(a, "CSTO forces"), _selection(b, "critical red"), alice)
    comparison = reviewed_comparison(a, b)
    for action in (decisions.confirm, decisions.reject):
        with pytest.raises(DecisionError, match="unlink"):
            action(comparison, comparison.matches[0], alice)


def test_a_link_stores_the_exact_selection_trimmed_of_whitespace(pair, machine, alice):
    a, b = pair
    start, end = span_of(a, " CSTO forces.")
    decisions.link(reviewed_comparison(a, b), Selection(start, end, " CSTO forces."), _selection(b, "critical red"), alice)
    row = MatchDecision.objects.get()
    assert a.clean_text[row.a_start : row.a_end] == "CSTO forces."
    assert row.state == ReviewState.MANUAL


@pytest.mark.parametrize(
    "start, end, text, message",
    [
        (-1, 5, "x", "outside"),
        (10, 5, "x", "outside"),
        (0, 10_000, "x", "outside"),
        (0, 10, "Something else", "does not match"),
    ],
)
def test_a_link_refuses_offsets_that_do_not_fit_the_text(pair, machine, alice, start, end, text, message):
    a, b = pair
    with pytest.raises(DecisionError, match=message):
        decisions.link(reviewed_comparison(a, b), Selection(start, end, text), _selection(b, "critical red"), alice)
    assert not MatchDecision.objects.exists()


def test_a_link_refuses_a_selection_of_only_whitespace(db, machine, alice):
    a = make_article([["First paragraph."], ["Second paragraph."]])
    b = make_article([["Other text here."]])
    gap = a.clean_text.index("\n\n")
    with pytest.raises(DecisionError, match="holds no text"):
        decisions.link(reviewed_comparison(a, b), Selection(gap, gap + 2, "\n\n"), _selection(b, "Other"), alice)


def test_a_selection_across_paragraphs_may_differ_in_whitespace_only(db, machine, alice):
    # The page holds markup whitespace between <p> blocks where the clean text has "\n\n".
    a = make_article([["First paragraph."], ["Second paragraph."]])
    b = make_article([["Other text here."]])
    start, end = span_of(a, "paragraph.\n\nSecond")
    decisions.link(reviewed_comparison(a, b), Selection(start, end, "paragraph.\n      Second"), _selection(b, "Other"), alice)
    assert MatchDecision.objects.get().a_end == end
