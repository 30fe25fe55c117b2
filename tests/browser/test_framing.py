"""What an analyst does with framing terms in Debian's chromium: select a phrase in one seed article, tag
it from the popover (keyboard shortcut t), see the tag at once, and find the term highlighted in the
other seed article; follow a cited position; edit a tag by clicking it. The ``page`` fixture fails
the test on any console error, page error, dialog or CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from narratives.ingest.pipeline import ingest_paths, ingest_text
from narratives.models import Annotation, Occurrence
from tests.browser.conftest import screenshot, select_text, sign_in

pytestmark = pytest.mark.browser

@pytest.fixture
def seeds(transactional_db, seed_paths, monkeypatch):
    monkeypatch.setattr("narratives.matching.index.embed_article", lambda article: 0)
    return [ingest_paths([path], outlet=f"Outlet {path.name[:3]}")[0].article for path in seed_paths[:2]]


def test_select_tag_and_find_it_in_the_other_article(page, alice, seeds):
    first, second = seeds
    sign_in(page, "alice")
    page.goto(f"/articles/{first.pk}/")
    assert select_text(page, "terrorist gangs", release=True) == "terrorist gangs"
    expect(page.locator(".framing-trigger")).to_be_visible()
    page.keyboard.press("t")
    popover = page.locator(".framing-popover")
    expect(popover.locator("input[name=term]")).to_have_value("terrorist gangs")
    expect(popover.locator("input[name=term]")).to_be_focused()
    popover.locator("input[name=new_category]").fill("delegitimisation")
    screenshot(page, "framing-popover")
    popover.get_by_role("button", name="Tag", exact=True).click()
    expect(popover).to_contain_text("Tagged: “terrorist gangs”")
    # The texts refresh with the new tag and the term's occurrences, without a page load.
    expect(page.locator(".article-text mark.tag", has_text="terrorist gangs")).to_have_count(1)
    tag = Annotation.objects.get()
    assert (first.clean_text[tag.start : tag.end], tag.author.username) == ("terrorist gangs", "alice")

    page.goto(f"/articles/{second.pk}/")
    found = page.locator(".article-text .occurrence", has_text="terrorist gangs")
    expect(found).to_have_count(1)
    expect(found).to_have_attribute("title", "Framing term: terrorist gangs (delegitimisation) · found")
    screenshot(page, "framing-occurrence-in-other-article")


def test_a_tag_opens_for_editing_and_a_cited_position_is_selected(page, alice, seeds):
    first, _ = seeds
    sign_in(page, "alice")
    page.goto(f"/articles/{first.pk}/")
    select_text(page, "peacekeeping forces", release=True)
    page.locator(".framing-trigger").click()
    popover = page.locator(".framing-popover")
    popover.locator("input[name=term]").fill("peacekeeping")
    popover.locator("input[name=new_category]").fill("euphemism")
    popover.get_by_role("button", name="Tag", exact=True).click()
    expect(popover).to_contain_text("Tagged")
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()

    page.locator(".article-text mark.tag").first.click()
    expect(popover).to_contain_text("Tagged as peacekeeping (euphemism) by alice")
    popover.locator("textarea[name=note]").fill("CSTO's own word")
    popover.get_by_role("button", name="Save").click()
    expect(popover).to_contain_text("Saved")
    assert Annotation.objects.get().note == "CSTO's own word"

    occurrence = Occurrence.objects.get(article=first, term__text="peacekeeping")
    page.goto(f"/framing/terms/{occurrence.term_id}/")
    page.locator(f'a[href="/articles/{first.pk}/#char={occurrence.start},{occurrence.end}"]').first.click()
    page.wait_for_url(f"**/articles/{first.pk}/#char={occurrence.start},{occurrence.end}")
    assert page.evaluate("() => document.getSelection().toString()") == "peacekeeping"


def test_a_triple_clicked_paragraph_is_offered_whole(page, alice, seeds):
    first, _ = seeds
    sign_in(page, "alice")
    page.goto(f"/articles/{first.pk}/")
    paragraph = page.locator(".article-text p[data-start]", has_text="The demonstrations broke out").first
    paragraph.click(click_count=3)
    page.keyboard.press("t")
    expect(page.locator(".framing-popover .quote")).to_have_text(f"“{paragraph.text_content().strip()}”")


def test_a_viewer_sees_highlights_but_no_tagging(page, bob, alice, seeds):
    first, _ = seeds
    sign_in(page, "bob")
    page.goto(f"/articles/{first.pk}/")
    select_text(page, "terrorist gangs", release=True)
    page.keyboard.press("t")
    expect(page.locator(".framing-popover")).to_contain_text("can read but not tag")
    assert not Annotation.objects.exists()


def test_a_phrase_after_an_emoji_is_tagged_and_cited_at_its_offsets_in_the_text(page, alice, transactional_db):
    text = "Dock strike 🔥 spreads\n\nActivists 🔥🔥 said the minister called the dockers terrorist gangs on Monday."
    article = ingest_text(text, outlet="Coast Wire").article
    sign_in(page, "alice")
    page.goto(f"/articles/{article.pk}/")
    select_text(page, "terrorist gangs", release=True)
    page.keyboard.press("t")
    popover = page.locator(".framing-popover")
    popover.locator("input[name=new_category]").fill("delegitimisation")
    popover.get_by_role("button", name="Tag", exact=True).click()
    expect(popover).to_contain_text("Tagged: “terrorist gangs”")
    tag = Annotation.objects.get()
    assert article.clean_text[tag.start : tag.end] == "terrorist gangs"

    page.goto("/articles/")  # a fresh load of the cited position, not a hash change on the page already open
    page.goto(f"/articles/{article.pk}/#char={tag.start},{tag.end}")
    page.wait_for_function("() => document.getSelection().toString() === 'terrorist gangs'", timeout=5000)
