"""The compare page: who may read it, what it shows, its htmx partial, and its answers to bad input."""

from __future__ import annotations

import pytest

from narratives.review import decisions
from narratives.review.comparison import reviewed_comparison
from tests.compare_factories import PageText, machine, make_article, pair, suggested  # noqa: F401 (fixtures)


def _url(*articles, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/compare/?articles={','.join(str(a.pk) for a in articles)}" + (f"&{query}" if query else "")


def test_anonymous_visitors_are_sent_to_sign_in(client, suggested):
    a, b, _ = suggested
    response = client.get(_url(a, b))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_viewer_reads_the_comparison_without_review_controls(bob_client, suggested):
    a, b, _ = suggested
    response = bob_client.get(_url(a, b))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(PageText(html).marks) == 6
    assert "/compare/confirm" not in html and "data-link-form" not in html


def test_an_analyst_gets_confirm_reject_and_link_controls(alice_client, suggested):
    a, b, _ = suggested
    html = alice_client.get(_url(a, b)).content.decode()
    assert html.count('data-action="confirm"') == 3 and html.count('data-action="reject"') == 3
    assert html.count('<form id="review-confirm" method="post" action="/compare/confirm"') == 1
    assert "data-link-form" in html


def test_both_sentences_of_a_match_share_its_id_tier_and_review(alice_client, suggested):
    a, b, _ = suggested
    page = PageText(alice_client.get(_url(a, b)).content.decode())
    abroad = page.match_ids(a.pk, "inspired from abroad")
    assert abroad and abroad == page.match_ids(b.pk, "foreign-backed")
    for side in (a.pk, b.pk):
        [mark] = [m for m in page.marks if m["article"] == side and m["data-match"] in abroad]
        assert (mark["data-tier"], mark["data-review"]) == ("strong", "suggested")
        assert "score 0.83" in mark["title"] and "paraphrase" in mark["title"]
        assert mark["tabindex"] == "0"


def test_a_sentence_in_two_matches_lists_both_ids_on_one_element(alice_client, pair, machine):
    a, b = pair
    machine.suggest(a, "terrorist gangs", b, "terrorist gangs", 0.7, "possible")
    machine.suggest(a, "terrorist gangs", b, "hike in fuel prices", 0.6, "possible")
    page = PageText(alice_client.get(_url(a, b)).content.decode())
    [mark] = [m for m in page.marks if m["article"] == a.pk]
    assert len(mark["data-match"].split()) == 2
    assert mark["data-n"] == "1 2"


def test_paragraphs_follow_the_rendering_contract(alice_client, suggested):
    a, b, _ = suggested
    page = PageText(alice_client.get(_url(a, b)).content.decode())
    texts = {a.pk: a.clean_text, b.pk: b.clean_text}
    assert {article for article, _, _ in page.paragraphs} == {a.pk, b.pk}
    for article, start, content in page.paragraphs:
        assert content == texts[article][start : start + len(content)]
    shown = "".join(content for article, _, content in page.paragraphs if article == b.pk)
    assert shown == b.clean_text.replace("\n", "")


def test_phrases_and_claims_only_one_side_makes_are_marked(alice_client, suggested):
    a, b, _ = suggested
    html = alice_client.get(_url(a, b)).content.decode()
    assert '<em class="phrase" data-phrase="' in html
    assert 'class="only" id="only-a-' in html and "Only in A, Prensa Latina (1)" in html
    assert "Only in B, Al Mayadeen (1)" in html
    assert 'class="kind-boilerplate"' in html  # furniture stays readable, dimmed, never "only in"


def test_decisions_show_who_decided(bob_client, suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    decisions.confirm(comparison, comparison.matches[0], alice)
    html = bob_client.get(_url(a, b)).content.decode()
    assert "Confirmed by alice on " in html
    assert 'data-review="confirmed"' in html


def test_article_text_is_escaped(alice_client, db, machine):
    a = make_article([["<script>alert('x')</script> said nobody."]], outlet="<b>Outlet</b>")
    b = make_article([["Plain sentence here."]])
    html = alice_client.get(_url(a, b)).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<b>Outlet</b>" not in html


def test_an_htmx_request_gets_only_the_comparison_region(alice_client, suggested):
    a, b, _ = suggested
    response = alice_client.get(_url(a, b, sensitivity="0.2"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="comparison"') and "<html" not in html
    assert len(PageText(html).marks) == 2  # only the 0.83 match at this sensitivity
    assert "HX-Request" in response["Vary"]
    assert "compare:updated" in response["HX-Trigger"] and "1 shared claims shown" in response["HX-Trigger"]


def test_a_history_restore_gets_the_whole_page(alice_client, suggested):
    a, b, _ = suggested
    response = alice_client.get(_url(a, b), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_the_filter_limits_the_highlights_and_the_list(alice_client, suggested):
    a, b, _ = suggested
    page = PageText(alice_client.get(_url(a, b, filter="strong")).content.decode())
    assert {m["data-tier"] for m in page.marks} == {"strong"} and len(page.marks) == 4


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "Name the articles to compare"),
        ("?articles=abc,2", "whole numbers"),
        ("?articles=1", "between 2 and 6"),
        ("?articles=1,1", "between 2 and 6"),
        ("?articles=1,2,3,4,5,6,7", "between 2 and 6"),
        ("?articles=1,99999999999999999999", "whole numbers"),
        ("?articles=1,%C2%B2", "whole numbers"),
        ("?articles=1,2&sensitivity=3", "sensitivity is a number from 0"),
        ("?articles=1,2&sensitivity=abc", "sensitivity is a number from 0"),
        ("?articles=1,2&filter=everything", "filter=everything is not a filter: use one of all, strong, unreviewed"),
    ],
)
def test_bad_requests_get_a_400_page_that_says_why(alice_client, db, query, message):
    response = alice_client.get(f"/compare/{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_missing_article_gets_a_404_page_naming_it(alice_client, suggested):
    a, _, _ = suggested
    response = alice_client.get(f"/compare/?articles={a.pk},999999")
    assert response.status_code == 404
    assert "No article with id 999999" in response.content.decode()


def test_a_bad_htmx_request_gets_plain_text_for_the_status_line(alice_client, db):
    response = alice_client.get("/compare/?articles=1", headers={"HX-Request": "true"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")


def test_the_page_refuses_post(alice_client, suggested):
    a, b, _ = suggested
    assert alice_client.post(_url(a, b)).status_code == 405


def test_three_articles_make_a_claim_grid_with_pair_links(alice_client, suggested):
    a, b, machine = suggested
    c = make_article([["Moscow says the riots were inspired from abroad."]], outlet="Third Outlet")
    machine.suggest(c, "inspired from abroad", b, "foreign-backed", 0.8, "strong")
    response = alice_client.get(_url(a, b, c))
    html = response.content.decode()
    assert response.status_code == 200 and 'class="claim-grid"' in html
    # The row joining all three comes first; "any two columns side by side in one click".
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.count('class="cell-sentence"') == 3
    assert f"?articles={a.pk},{b.pk}&amp;" in html and f"?articles={b.pk},{c.pk}&amp;" in html
    assert html.count('class="open-pair"') == 3
