"""The outlets list with article counts, and each outlet's page of articles."""

from __future__ import annotations

from django.urls import reverse

from narratives.models import Outlet
from tests.matching_support import make_article

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_outlet_list_counts_each_outlets_articles(bob_client):
    make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard."])
    make_article("The Seren Ledger", "Curfew lifted", ["The curfew ended."])
    Outlet.objects.create(name="Patriot Signal")
    response = bob_client.get(reverse("outlet_list"))
    counts = {o.name: o.article_count for o in response.context["outlets"]}
    assert counts == {"Patriot Signal": 0, "The Seren Ledger": 2}
    assert reverse("outlet_detail", args=["the-seren-ledger"]).encode() in response.content


def test_outlet_list_says_when_there_are_none(bob_client):
    assert b"No outlets yet" in bob_client.get(reverse("outlet_list")).content


def test_outlet_page_lists_only_its_own_articles(bob_client):
    make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard."])
    make_article("Patriot Signal", "Colour revolution crushed", ["Order was restored."])
    Outlet.objects.filter(name="The Seren Ledger").update(country="Valmora", homepage="https://serenledger.example/")
    response = bob_client.get(reverse("outlet_detail", args=["the-seren-ledger"]))
    assert response.status_code == 200
    assert b"Night of shooting" in response.content
    assert b"Colour revolution crushed" not in response.content
    assert b"Valmora" in response.content and b"https://serenledger.example/" in response.content


def test_outlet_page_htmx_pagination_gets_only_the_articles(bob_client):
    for n in range(26):
        make_article("Meridian Press Agency", f"Wire report {n:02d}", [f"Report number {n}."])
    url = reverse("outlet_detail", args=["meridian-press-agency"])
    full = bob_client.get(url)
    assert f'href="{url}?page=2"'.encode() in full.content
    partial = bob_client.get(url, {"page": 2}, **HTMX)
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="articles"')
    assert "<html" not in body and body.count('type="checkbox"') == 1
    assert "HX-Request" in partial.headers["Vary"]


def test_unknown_outlet_is_404(bob_client):
    assert bob_client.get(reverse("outlet_detail", args=["nobody"])).status_code == 404
