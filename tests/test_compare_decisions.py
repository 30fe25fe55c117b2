"""The review actions: confirm, reject, undo and link, each a POST that analysts only may make."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from narratives.models import MatchDecision, ReviewState
from narratives.review.comparison import reviewed_comparison
from tests.compare_factories import PageText, machine, make_article, pair, span_of, suggested  # noqa: F401 (fixtures)

HTMX = {"HX-Request": "true"}


def _body(a, b, match_id: str = "", **extra) -> dict:
    body = {"articles": f"{a.pk},{b.pk}", "sensitivity": "0.5", "filter": "all", **extra}
    if match_id:
        body["match"] = match_id
    return body


def _first(a, b):
    return reviewed_comparison(a, b).matches[0]


def test_an_analyst_confirms_by_htmx_and_gets_the_region_with_an_event(alice_client, suggested):
    a, b, _ = suggested
    match = _first(a, b)
    response = alice_client.post("/compare/confirm", _body(a, b, match.id), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="comparison"')
    marks = [m for m in PageText(html).marks if match.id in m["data-match"].split()]
    assert [m["data-review"] for m in marks] == ["confirmed", "confirmed"]
    event = json.loads(response["HX-Trigger"])["compare:decided"]
    assert event["match"] == match.id and event["message"].startswith("Confirmed the match")
    row = MatchDecision.objects.get()
    assert (row.state, row.decided_by.username) == (ReviewState.CONFIRMED, "alice")


def test_a_plain_form_post_redirects_back_to_the_same_view(alice_client, suggested):
    a, b, _ = suggested
    response = alice_client.post("/compare/reject", _body(a, b, _first(a, b).id, sensitivity="0.65", filter="unreviewed"))
    assert response.status_code == 302
    assert response["Location"] == f"/compare/?articles={a.pk}%2C{b.pk}&sensitivity=0.65&filter=unreviewed"
    assert MatchDecision.objects.get().state == ReviewState.REJECTED


def test_undo_after_reject_makes_it_a_suggestion_again(alice_client, suggested):
    a, b, _ = suggested
    match = _first(a, b)
    alice_client.post("/compare/reject", _body(a, b, match.id), headers=HTMX)
    response = alice_client.post("/compare/undo", _body(a, b, match.id, filter="rejected"), headers=HTMX)
    assert response.status_code == 200
    assert not MatchDecision.objects.exists()
    assert "No rejected matches." in response.content.decode()


@pytest.mark.parametrize("action", ["confirm", "reject", "undo", "link"])
def test_a_viewer_may_not_decide(bob_client, suggested, action):
    a, b, _ = suggested
    response = bob_client.post(f"/compare/{action}", _body(a, b, _first(a, b).id), headers=HTMX)
    assert response.status_code == 403
    assert not MatchDecision.objects.exists()


@pytest.mark.parametrize("action", ["confirm", "reject", "undo", "link"])
def test_anonymous_visitors_are_sent_to_sign_in(client, suggested, action):
    a, b, _ = suggested
    response = client.post(f"/compare/{action}", _body(a, b, _first(a, b).id))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("action", ["confirm", "reject", "undo", "link"])
def test_decisions_are_never_taken_on_get(alice_client, suggested, action):
    a, b, _ = suggested
    assert alice_client.get(f"/compare/{action}", _body(a, b, _first(a, b).id)).status_code == 405


def test_a_decision_needs_the_csrf_token(alice, suggested):
    a, b, _ = suggested
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/compare/confirm", _body(a, b, _first(a, b).id), headers=HTMX).status_code == 403


def test_an_unknown_match_is_a_404_with_a_message_for_the_status_line(alice_client, suggested):
    a, b, _ = suggested
    response = alice_client.post("/compare/confirm", _body(a, b, "m1-0-1-2-0-1"), headers=HTMX)
    assert response.status_code == 404 and response["Content-Type"].startswith("text/plain")
    assert "reload the page" in response.content.decode()


def test_review_actions_need_exactly_two_articles(alice_client, suggested):
    a, b, _ = suggested
    c = make_article([["A third article."]])
    body = _body(a, b, _first(a, b).id, articles=f"{a.pk},{b.pk},{c.pk}")
    response = alice_client.post("/compare/confirm", body, headers=HTMX)
    assert response.status_code == 400 and "exactly two articles" in response.content.decode()


def _link_body(a, b, a_needle: str, b_needle: str, a_text: str | None = None) -> dict:
    a0, a1 = span_of(a, a_needle)
    b0, b1 = span_of(b, b_needle)
    return _body(a, b, a_start=a0, a_end=a1, a_text=a_text or a_needle, b_start=b0, b_end=b1, b_text=b_needle)


def test_an_analyst_links_two_passages_by_hand(alice_client, pair, machine):
    a, b = pair
    response = alice_client.post("/compare/link", _link_body(a, b, "CSTO forces", "critical red"), headers=HTMX)
    assert response.status_code == 200
    page = PageText(response.content.decode())
    assert page.match_ids(a.pk, "CSTO forces") == page.match_ids(b.pk, "critical red") != set()
    assert {m["data-review"] for m in page.marks} == {"manual"}
    assert "Linked two passages by hand." in response["HX-Trigger"]
    assert MatchDecision.objects.get().state == ReviewState.MANUAL


def test_a_link_with_stale_offsets_is_refused_with_a_reason(alice_client, pair, machine):
    a, b = pair
    body = _link_body(a, b, "CSTO forces", "critical red", a_text="something else")
    response = alice_client.post("/compare/link", body, headers=HTMX)
    assert response.status_code == 400
    assert "does not match its text" in response.content.decode()
    assert not MatchDecision.objects.exists()


def test_a_link_with_missing_offsets_is_refused(alice_client, pair, machine):
    a, b = pair
    response = alice_client.post("/compare/link", _body(a, b), headers=HTMX)
    assert response.status_code == 400
    assert not MatchDecision.objects.exists()


def test_unlink_removes_a_manual_link(alice_client, pair, machine):
    a, b = pair
    alice_client.post("/compare/link", _link_body(a, b, "CSTO forces", "critical red"), headers=HTMX)
    manual = _first(a, b)
    response = alice_client.post("/compare/undo", _body(a, b, manual.id), headers=HTMX)
    assert response.status_code == 200 and not MatchDecision.objects.exists()
