"""Tagging from the reading and compare pages: the popover form, saving with exact offsets, editing, removing."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.contrib.auth.models import Group, User

from narratives.framing.highlights import spans_for_article
from narratives.models import Annotation, FramingTerm, Occurrence
from narratives.permissions import ANALYST
from narratives.textspans import mark_up

from .conftest import client_for
from .framing_factories import make_article, make_category, make_tag, make_term

HTMX = {"HX-Request": "true"}
TEXT = "The president said “terrorist gangs” had staged riots; peacekeeping forces arrived."


@pytest.fixture
def article(db):
    return make_article([TEXT], outlet="Outlet A")


def span_of(article, phrase: str) -> tuple[int, int]:
    start = article.clean_text.index(phrase)
    return start, start + len(phrase)


def post_tag(client, article, phrase, **fields):
    start, end = span_of(article, phrase)
    data = {"start": start, "end": end, "text": phrase, "term": phrase, **fields}
    return client.post(f"/framing/articles/{article.pk}/tags", data, headers=HTMX)


def test_the_popover_form_offers_the_selection_as_the_term(alice_client, article):
    start, end = span_of(article, "“terrorist gangs”")
    response = alice_client.get(f"/framing/tag?article={article.pk}&start={start}&end={end}", headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the partial only, for the popover
    assert 'name="term" value="terrorist gangs"' in html  # quotes around the selection dropped
    assert f'value="{start}"' in html and f'value="{end}"' in html


def test_without_htmx_the_form_is_a_page_of_its_own(alice_client, article):
    start, end = span_of(article, "peacekeeping")
    response = alice_client.get(f"/framing/tag?article={article.pk}&start={start}&end={end}")
    assert response.status_code == 200
    assert "<html" in response.content.decode() and 'name="term"' in response.content.decode()


def test_a_viewer_is_told_they_cannot_tag(bob_client, article):
    start, end = span_of(article, "peacekeeping")
    response = bob_client.get(f"/framing/tag?article={article.pk}&start={start}&end={end}", headers=HTMX)
    assert response.status_code == 200
    assert "can read but not tag" in response.content.decode()
    assert 'name="term"' not in response.content.decode()


def test_a_span_outside_the_text_is_refused(alice_client, article):
    response = alice_client.get(f"/framing/tag?article={article.pk}&start=5&end=99999", headers=HTMX)
    assert "outside this article" in response.content.decode()
    assert alice_client.get(f"/framing/tag?article={article.pk}&start=a&end=3").status_code == 400


def test_tagging_saves_exact_offsets_and_the_author_and_finds_the_term_elsewhere(alice, alice_client, article):
    other = make_article(["Outlet B blamed terrorist gangs too."], outlet="Outlet B")
    response = post_tag(alice_client, article, "terrorist gangs", new_category="delegitimisation")
    assert response.status_code == 200
    tag = Annotation.objects.get()
    assert (article.clean_text[tag.start : tag.end], tag.text, tag.author) == (
        "terrorist gangs",
        "terrorist gangs",
        alice,
    )
    assert tag.term.category.name == "delegitimisation"
    assert json.loads(response.headers["HX-Trigger"])["framing:changed"]["article"] == article.pk
    assert Occurrence.objects.filter(term=tag.term, article=other).exists()


def test_text_that_is_not_at_the_offsets_is_refused(alice_client, article):
    start, end = span_of(article, "terrorist gangs")
    data = {"start": start, "end": end, "text": "peacekeeping", "term": "peacekeeping", "new_category": "euphemism"}
    response = alice_client.post(f"/framing/articles/{article.pk}/tags", data, headers=HTMX)
    assert response.status_code == 200  # re-rendered in the popover with the reason
    assert "reload it and select again" in unescape(response.content.decode())
    assert not Annotation.objects.exists()


def test_a_viewer_cannot_tag(bob_client, article):
    assert post_tag(bob_client, article, "terrorist gangs", new_category="x").status_code == 403
    assert not Annotation.objects.exists()


def test_an_existing_term_needs_no_category(alice_client, article):
    term = make_term("peacekeeping")
    assert post_tag(alice_client, article, "peacekeeping").status_code == 200
    assert Annotation.objects.get().term == term


def test_a_new_term_without_a_category_is_refused(alice_client, article):
    response = post_tag(alice_client, article, "peacekeeping")
    assert "Choose a category" in response.content.decode()
    assert not FramingTerm.objects.exists()


def test_overlapping_tags_are_allowed(alice_client, article):
    post_tag(alice_client, article, "peacekeeping forces", new_category="euphemism")
    post_tag(alice_client, article, "peacekeeping", new_category="euphemism")
    assert Annotation.objects.count() == 2


def test_the_same_span_and_term_cannot_be_tagged_twice(alice_client, article):
    post_tag(alice_client, article, "peacekeeping", new_category="euphemism")
    response = post_tag(alice_client, article, "peacekeeping", new_category="euphemism")
    assert "already tagged" in response.content.decode()
    assert Annotation.objects.count() == 1


def test_without_htmx_tagging_redirects_to_the_tagged_place(alice_client, article):
    start, end = span_of(article, "peacekeeping")
    data = {"start": start, "end": end, "text": "peacekeeping", "term": "peacekeeping", "new_category": "euphemism"}
    response = alice_client.post(f"/framing/articles/{article.pk}/tags", data)
    assert response.status_code == 302
    assert response.url == f"/articles/{article.pk}/#char={start},{end}"


@pytest.fixture
def dave(db) -> User:
    user = User.objects.create_user("dave", password="x")
    user.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    return user


def test_only_the_author_or_staff_change_a_tag(alice, dave, carol_client, article):
    tag = make_tag(article, "peacekeeping", make_term("peacekeeping"), alice)
    assert client_for(dave).post(f"/framing/tags/{tag.pk}/delete", headers=HTMX).status_code == 403
    detail = client_for(dave).get(f"/framing/tags/{tag.pk}/", headers=HTMX).content.decode()
    assert "Remove tag" not in detail and "Tagged as" in detail
    assert carol_client.post(f"/framing/tags/{tag.pk}/delete", headers=HTMX).status_code == 200
    assert not Annotation.objects.exists()


def test_the_author_edits_term_and_note(alice, alice_client, article):
    tag = make_tag(article, "peacekeeping forces", make_term("peacekeeping"), alice)
    data = {"term": "peacekeeping forces", "new_category": "euphemism", "note": "CSTO wording"}
    response = alice_client.post(f"/framing/tags/{tag.pk}/edit", data, headers=HTMX)
    assert response.status_code == 200 and "framing:changed" in response.headers["HX-Trigger"]
    tag.refresh_from_db()
    assert (tag.term.text, tag.note, tag.text) == ("peacekeeping forces", "CSTO wording", "peacekeeping forces")


def test_the_author_removes_a_tag(alice, alice_client, article):
    tag = make_tag(article, "peacekeeping", make_term("peacekeeping"), alice)
    response = alice_client.post(f"/framing/tags/{tag.pk}/delete", headers=HTMX)
    assert "Removed the tag" in response.content.decode()
    assert not Annotation.objects.exists()


def test_the_term_page_counts_every_tag_and_says_when_it_lists_only_some(alice, alice_client, article, monkeypatch):
    monkeypatch.setattr("narratives.framing.pages.TAGS_SHOWN", 2)
    term = make_term("many tags")
    Annotation.objects.bulk_create(
        Annotation(article=article, term=term, start=i, end=i + 1, text=article.clean_text[i], author=alice)
        for i in range(3)
    )
    html = alice_client.get(f"/framing/terms/{term.pk}/").content.decode()
    assert "<dt>Tagged</dt><dd>3 times</dd>" in html
    assert "Also delete its 3 tags" in html
    assert "The first 2 of 3 tags" in html and html.count("<mark class=\"tag ") == 2


def test_tagging_is_post_only(alice_client, article):
    assert alice_client.get(f"/framing/articles/{article.pk}/tags").status_code == 405
    assert alice_client.get("/framing/tags/1/delete").status_code == 405


def test_spans_carry_category_classes_and_explain_themselves(alice, article):
    term = make_term("peacekeeping")
    make_tag(article, "peacekeeping forces", term, alice)
    tag, occurrence = spans_for_article(article)
    assert dict(tag.attrs)["class"] == f"tag cat-{term.category_id}"
    assert dict(tag.attrs)["title"] == "Tagged by alice: peacekeeping (euphemism)"
    assert dict(occurrence.attrs)["class"] == f"occurrence exact cat-{term.category_id}"
    assert "Framing term: peacekeeping (euphemism)" in dict(occurrence.attrs)["title"]


def test_marked_up_text_keeps_the_rendering_contract(alice, article):
    make_tag(article, "“terrorist gangs” had", make_term("terrorist gangs", "delegitimisation"), alice)
    make_tag(article, "peacekeeping forces", make_term("peacekeeping"), alice)
    html = mark_up(article.clean_text, spans_for_article(article))
    assert unescape(re.sub(r"<[^>]+>", "", html)) == article.clean_text
    assert html.count('class="tag') >= 2 and html.count('class="occurrence') >= 2


def test_a_tag_whose_text_moved_away_is_not_drawn(alice, article):
    tag = make_tag(article, "peacekeeping", make_term("peacekeeping"), alice)
    type(article).objects.filter(pk=article.pk).update(clean_text="Something else entirely, nothing here.")
    article.refresh_from_db()
    assert all(dict(s.attrs).get("data-annotation") != str(tag.pk) for s in spans_for_article(article))


def test_the_reading_page_shows_tags_and_occurrences(alice, alice_client, article):
    term = make_term("terrorist gangs", "delegitimisation")
    make_tag(article, "terrorist gangs", term, alice)
    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    assert f'class="tag cat-{term.category_id}"' in html
    assert f'class="occurrence exact cat-{term.category_id}"' in html


def test_categories_css_has_one_class_per_category(alice_client, db):
    euphemism = make_category("euphemism", "#2980B9")
    response = alice_client.get("/framing/categories.css")
    assert response["Content-Type"].startswith("text/css")
    assert f".cat-{euphemism.pk} {{ --cat: #2980b9; }}" in response.content.decode()
    again = alice_client.get("/framing/categories.css", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_categories_css_never_writes_an_unchecked_colour(alice_client, db):
    # Seven characters, the column's width, so PostgreSQL stores it too: a value that escapes the rule.
    bad = make_category("bad", "0}*{x:y")
    css = alice_client.get("/framing/categories.css").content.decode()
    assert "*{x:y" not in css and f".cat-{bad.pk} {{ --cat: #c0392b; }}" in css
