"""Exports of a comparison: CSV, JSON and the print view show exactly what the page shows."""

from __future__ import annotations

import csv
import io
import json

from django.utils.html import escape

from narratives.review import decisions
from narratives.review.comparison import reviewed_comparison
from narratives.review.export import CSV_HEADER
from tests.compare_factories import machine, make_article, pair, suggested  # noqa: F401 (fixtures)


def _query(*articles, **params) -> str:
    extra = "".join(f"&{k}={v}" for k, v in params.items())
    return f"?articles={','.join(str(a.pk) for a in articles)}{extra}"


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _decide(a, b, alice) -> None:
    comparison = reviewed_comparison(a, b)
    decisions.confirm(comparison, comparison.matches[0], alice)
    decisions.reject(comparison, comparison.matches[1], alice)


def test_csv_has_one_row_per_match_and_per_phrase_with_offsets_and_review(bob_client, suggested, alice):
    a, b, _ = suggested
    _decide(a, b, alice)
    response = bob_client.get("/compare/export.csv" + _query(a, b))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="comparison-{a.pk}-{b.pk}.csv"' in response["Content-Disposition"]
    rows = _rows(response)
    assert list(rows[0]) == CSV_HEADER
    matches = [r for r in rows if r["row"] == "match"]
    assert [r["review"] for r in matches] == ["confirmed", "suggested"]  # rejected is not shown, so not exported
    assert matches[0]["reviewed_by"] == "alice" and matches[0]["reviewed_at"]
    for row in rows:
        assert a.clean_text[int(row["a_start"]) : int(row["a_end"])] == row["a_text"]
        assert b.clean_text[int(row["b_start"]) : int(row["b_end"])] == row["b_text"]
    assert len([r for r in rows if r["row"] == "phrase"]) == 2


def test_csv_follows_the_filter_on_screen(bob_client, suggested, alice):
    a, b, _ = suggested
    _decide(a, b, alice)
    rows = _rows(bob_client.get("/compare/export.csv" + _query(a, b, filter="rejected")))
    assert [r["review"] for r in rows if r["row"] == "match"] == ["rejected"]
    rows = _rows(bob_client.get("/compare/export.csv" + _query(a, b, sensitivity="0.2")))
    assert [r["score"] for r in rows if r["row"] == "match"] == ["0.83"]


def test_csv_defuses_text_a_spreadsheet_would_run_as_a_formula(bob_client, db, machine):
    a = make_article([["=HYPERLINK(\"http://example.invalid\") was quoted."]])
    b = make_article([["@someone posted the same claim."]])
    machine.suggest(a, "HYPERLINK", b, "someone", 0.9)
    [row] = [r for r in _rows(bob_client.get("/compare/export.csv" + _query(a, b))) if r["row"] == "match"]
    assert row["a_text"].startswith("'=HYPERLINK") and row["b_text"].startswith("'@someone")


def test_json_is_the_compare_contract_with_review_and_omissions(bob_client, suggested, alice):
    a, b, _ = suggested
    _decide(a, b, alice)
    response = bob_client.get("/compare/export.json" + _query(a, b))
    data = json.loads(response.content)
    assert data["a"] == {"id": a.pk, "title": a.title, "outlet": "Prensa Latina"}
    assert (data["sensitivity"], data["filter"]) == (0.5, "all")
    assert [m["review"] for m in data["matches"]] == ["confirmed", "suggested"]
    assert data["matches"][0]["reviewed_by"] == "alice"
    # The rejected pair's sentences are not matched any more, so they count as omissions too.
    assert [s["text"][:30] for s in data["only_in_a"]] == ["The demonstrations broke out o", "Moscow defended the participat"]
    assert [s["text"][:30] for s in data["only_in_b"]] == ["Protests against a hike in fue", "Kazakhstan imposed a countrywi"]
    for s in data["only_in_b"]:
        assert b.clean_text[s["start"] : s["end"]] == s["text"]


def test_json_for_three_articles_has_every_pair(bob_client, suggested):
    a, b, _ = suggested
    c = make_article([["A third article."]], outlet="Third")
    data = json.loads(bob_client.get("/compare/export.json" + _query(a, b, c)).content)
    assert [(p["a"]["id"], p["b"]["id"]) for p in data["pairs"]] == [(a.pk, b.pk), (a.pk, c.pk), (b.pk, c.pk)]
    assert [x["id"] for x in data["articles"]] == [a.pk, b.pk, c.pk]


def test_json_for_three_articles_has_the_grid_the_page_shows(bob_client, suggested):
    a, b, _ = suggested
    c = make_article([["Moscow says the riots were inspired from abroad."]], outlet="Third Outlet")
    query = _query(a, b, c)
    data = json.loads(bob_client.get("/compare/export.json" + query).content)
    page = bob_client.get("/compare/" + query).content.decode()
    assert data["claims"] and f"<strong>{len(data['claims'])}</strong> row" in page
    texts = {x.pk: x.clean_text for x in (a, b, c)}
    for claim in data["claims"]:
        assert claim["articles"] == len({s["article"] for s in claim["sentences"]}) >= 2
        for s in claim["sentences"]:
            assert texts[s["article"]][s["start"] : s["end"]] == s["text"]
            assert f'<p class="cell-sentence">{escape(s["text"])}</p>' in page
    for only in data["only_here"]:
        assert f"only here: {only['count']}" in page


def test_the_print_view_lists_claims_with_offsets_and_both_texts(bob_client, suggested, alice):
    a, b, _ = suggested
    _decide(a, b, alice)
    response = bob_client.get("/compare/print" + _query(a, b))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr class="c') == 2
    assert "confirmed<br>alice" in html
    assert html.count('class="article-text"') == 2
    assert "Only in A, Prensa Latina (2)" in html and "[{}–{}]".format(*_only_gas(a)) in html


def test_exports_refuse_bad_requests_like_the_page(bob_client, db):
    assert bob_client.get("/compare/export.csv?articles=1").status_code == 400
    assert bob_client.get("/compare/export.json?articles=999998,999999").status_code == 404


def test_exports_need_sign_in(client, suggested):
    a, b, _ = suggested
    for url in ("/compare/export.csv", "/compare/export.json", "/compare/print"):
        assert client.get(url + _query(a, b)).status_code == 302


def _only_gas(article) -> tuple[int, int]:
    sentence = next(s for s in article.segments.all() if "liquefied gas" in s.text)
    return sentence.start, sentence.end
