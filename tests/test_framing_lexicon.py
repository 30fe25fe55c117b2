"""The lexicon pages: terms with their spread across outlets, one term's occurrences in context, categories."""

from __future__ import annotations

import json
from datetime import date

import pytest

from narratives.framing.demo import CATEGORIES, load_demo_lexicon
from narratives.models import Annotation, FramingCategory, FramingTerm, Occurrence

from .framing_factories import make_article, make_category, make_tag, make_term

HTMX = {"HX-Request": "true"}


@pytest.fixture
def corpus(db):
    a = make_article(
        ["Moscow defended the peacekeeping forces sent to the country."], outlet="Outlet A", published=date(2022, 1, 7)
    )
    b = make_article(
        ["The CSTO agreed to send a peacekeeping mission.", "Peace-keepers landed."],
        outlet="Outlet B",
        published=date(2022, 1, 9),
    )
    return a, b


def test_the_terms_page_lists_terms_with_who_uses_them(alice_client, corpus):
    term = make_term("peacekeeping")
    html = alice_client.get("/framing/").content.decode()
    assert f'href="/framing/terms/{term.pk}/"' in html
    assert "Outlet B <b>2</b>" in html and "Outlet A <b>1</b>" in html


def test_the_lexicon_region_refreshes_as_a_partial(alice_client, corpus):
    make_term("peacekeeping")
    response = alice_client.get("/framing/?part=lexicon", headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="lexicon"') and "<html" not in html
    assert response.headers["Vary"].count("HX-Request") == 1


def test_adding_a_term_finds_it_and_opens_its_page(alice, alice_client, corpus):
    category = make_category()
    response = alice_client.post("/framing/terms/new", {"text": "“peacekeeping”", "category": category.pk})
    term = FramingTerm.objects.get()
    assert (term.text, term.created_by) == ("peacekeeping", alice)
    assert response.url == f"/framing/terms/{term.pk}/"
    assert Occurrence.objects.filter(term=term).count() == 3


def test_one_click_tagging_answers_in_place_and_announces_the_change(alice_client, corpus):
    response = alice_client.post(
        "/framing/terms/new", {"text": "peacekeeping mission", "new_category": "euphemism"}, headers=HTMX
    )
    assert "✓ Added" in response.content.decode()
    assert "framing:changed" in json.loads(response.headers["HX-Trigger"])


def test_adding_an_existing_term_says_so(alice_client, corpus):
    term = make_term("peacekeeping")
    response = alice_client.post(
        "/framing/terms/new", {"text": "Peacekeeping", "category": term.category_id}, headers=HTMX
    )
    assert "Already a term" in response.content.decode()
    assert FramingTerm.objects.count() == 1


def test_a_term_needs_words(alice_client, corpus):
    response = alice_client.post("/framing/terms/new", {"text": "“ ”", "new_category": "x"})
    assert response.status_code == 400 and "needs at least one word" in response.content.decode()


def test_viewers_read_the_lexicon_but_cannot_change_it(bob_client, corpus):
    make_term("peacekeeping")
    html = bob_client.get("/framing/").content.decode()
    assert "Add a term" not in html and "Import tags" not in html
    assert bob_client.post("/framing/terms/new", {"text": "x", "new_category": "y"}).status_code == 403
    assert bob_client.post("/framing/categories/new", {"name": "y", "colour": "#000000"}).status_code == 403


def test_the_term_page_shows_each_occurrence_in_context_linked_to_its_place(alice_client, corpus):
    a, _ = corpus
    term = make_term("peacekeeping")
    html = alice_client.get(f"/framing/terms/{term.pk}/").content.decode()
    occurrence = Occurrence.objects.get(article=a)
    assert f'href="/articles/{a.pk}/#char={occurrence.start},{occurrence.end}"' in html
    assert "Moscow defended the" in html and "forces sent to the country." in html
    assert "Peace-keepers" in html


def test_the_term_page_gives_first_use_and_rate_by_outlet(alice_client, corpus):
    term = make_term("peacekeeping")
    html = alice_client.get(f"/framing/terms/{term.pk}/").content.decode()
    assert html.index("Outlet A") < html.index("Outlet B")  # earliest first
    assert '<time datetime="2022-01-07">7 Jan 2022</time>' in html
    assert f"{10_000 / corpus[0].word_count:.2f}" in html  # one use in Outlet A's only article


def test_occurrences_filter_by_outlet_and_page_as_a_partial(alice_client, corpus):
    term = make_term("peacekeeping")
    response = alice_client.get(f"/framing/terms/{term.pk}/?outlet=outlet-b", headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="occurrences"')
    assert "Peace-keepers" in html and "Moscow defended" not in html


def test_renaming_a_term_finds_the_new_wording(alice_client, corpus):
    term = make_term("peacekeeping")
    response = alice_client.post(
        f"/framing/terms/{term.pk}/edit", {"text": "peacekeeping mission", "category": term.category_id}
    )
    assert response.status_code == 302
    assert list(Occurrence.objects.filter(term=term).values_list("text", flat=True)) == ["peacekeeping mission"]


def test_merging_a_term_moves_its_tags_and_counts_its_wording_for_the_other(alice, alice_client, corpus):
    a, b = corpus
    mission = make_term("peacekeeping mission")
    forces = make_term("peacekeeping forces", "euphemism")
    make_tag(a, "peacekeeping forces", forces, alice)
    make_tag(b, "peacekeeping mission", mission, alice)
    page = alice_client.get(f"/framing/terms/{forces.pk}/").content.decode()
    assert f'<option value="{mission.pk}">peacekeeping mission (euphemism)</option>' in page
    response = alice_client.post(f"/framing/terms/{forces.pk}/merge", {"into": mission.pk}, follow=True)
    assert response.redirect_chain[-1][0] == f"/framing/terms/{mission.pk}/"
    assert "Merged “peacekeeping forces” into “peacekeeping mission”: 1 tag moved" in response.content.decode()
    assert not FramingTerm.objects.filter(pk=forces.pk).exists()
    assert sorted(Annotation.objects.filter(term=mission).values_list("text", flat=True)) == [
        "peacekeeping forces", "peacekeeping mission"
    ]  # fmt: skip
    found = dict(Occurrence.objects.filter(term=mission).values_list("text", "match"))
    assert found == {"peacekeeping mission": "exact", "peacekeeping forces": "variant"}


def test_merging_needs_another_existing_term(alice_client, corpus):
    term = make_term("peacekeeping")
    response = alice_client.post(f"/framing/terms/{term.pk}/merge", {"into": term.pk}, follow=True)
    assert "That term is not there any more: choose another." in response.content.decode()
    response = alice_client.post(f"/framing/terms/{term.pk}/merge", {"into": "x²"}, follow=True)
    assert "That term is not there any more: choose another." in response.content.decode()
    assert FramingTerm.objects.filter(pk=term.pk).exists()


def test_deleting_a_tagged_term_needs_confirmation(alice, alice_client, corpus):
    term = make_term("peacekeeping")
    make_tag(corpus[0], "peacekeeping", term, alice)
    alice_client.post(f"/framing/terms/{term.pk}/delete")
    assert FramingTerm.objects.exists()
    alice_client.post(f"/framing/terms/{term.pk}/delete", {"confirm": "yes"})
    assert not FramingTerm.objects.exists() and not Annotation.objects.exists()


def test_categories_need_a_valid_colour_and_a_new_name(alice_client, db):
    make_category("euphemism")
    response = alice_client.post("/framing/categories/new", {"name": "Euphemism", "colour": "red"})
    html = response.content.decode()
    assert response.status_code == 400 and "already a category" in html and "#rrggbb" in html
    alice_client.post("/framing/categories/new", {"name": "securitisation", "colour": "#C0392B"})
    assert FramingCategory.objects.get(name="securitisation").colour == "#c0392b"


def test_a_category_with_terms_is_kept(alice_client, db):
    term = make_term("peacekeeping")
    alice_client.post(f"/framing/categories/{term.category_id}/delete")
    assert FramingCategory.objects.filter(pk=term.category_id).exists()
    empty = make_category("empty")
    alice_client.post(f"/framing/categories/{empty.pk}/delete")
    assert not FramingCategory.objects.filter(pk=empty.pk).exists()


def test_a_category_is_edited_on_its_page(alice_client, db):
    category = make_category("euphemism")
    assert alice_client.get(f"/framing/categories/{category.pk}/").status_code == 200
    alice_client.post(
        f"/framing/categories/{category.pk}/", {"name": "euphemisms", "colour": "#112233", "description": "soft words"}
    )
    category.refresh_from_db()
    assert (category.name, category.colour) == ("euphemisms", "#112233")


def test_scare_quoted_phrases_are_offered_as_candidates(alice_client, db):
    make_article(["They called it “pacification.” and sent “peacekeeping forces” in."], outlet="Outlet A")
    make_article(["Nobody said “pacification” here."], outlet="Outlet B")
    make_term("peacekeeping forces")
    html = alice_client.get("/framing/").content.decode()
    assert "“pacification”" in html and 'value="pacification"' in html
    assert "“peacekeeping forces”" not in html  # a term finds it already


def test_the_demo_lexicon_loads_once(db):
    assert load_demo_lexicon()["categories"] == len(CATEGORIES)
    terms = FramingTerm.objects.count()
    assert load_demo_lexicon() == {"categories": 0, "terms": 0}
    assert FramingTerm.objects.count() == terms and terms >= 12
