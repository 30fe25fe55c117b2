"""What an analyst does in Debian's chromium: sign in, upload a file, watch its result arrive, read it.

The ``page`` fixture fails the test on any console error, page error, dialog or CSP violation.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from narratives.models import Article, IngestBatch
from narratives.tasks import process_batch
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

REPORT = """Seren residents describe night of shooting as troops deploy

By Talia Renz

March 4 2025

Residents of Seren's harbour district described hours of gunfire on Monday night, as foreign troops began to arrive.

The government now calls the demonstrators “terrorist gangs” and says the unrest was directed from abroad.

You may also like

Leave a Reply
"""
# Every paragraph's text content must be the clean text at its data-start (docs/ARCHITECTURE.md).
CONTRACT = (
    """(box) => [...box.querySelectorAll("p[data-start]")].map((p) => [Number(p.dataset.start), p.textContent])"""
)


def upload_report(page, tmp_path) -> None:
    path = tmp_path / "night-of-shooting.txt"
    path.write_text(REPORT, encoding="utf-8")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Upload").click()
    # The file input exists before app.js has run; a file set then would never be listed.
    page.wait_for_url("**/upload/", wait_until="load")
    page.set_input_files("input[type=file][name=files]", str(path))
    expect(page.locator("[data-chosen]")).to_contain_text("night-of-shooting.txt")
    page.fill("#files-outlet", "The Seren Ledger")
    page.get_by_role("button", name="Upload files").click()


def test_analyst_uploads_a_file_and_reads_it_with_the_furniture_dimmed(page, transactional_db, alice, tmp_path):
    sign_in(page, "alice")
    upload_report(page, tmp_path)

    result = page.locator(".result[data-status=created]")
    expect(result).to_contain_text("night-of-shooting.txt")
    expect(page.locator(".batch progress")).to_have_attribute("value", "1")
    result.get_by_role("link").click()

    article = Article.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    text = page.locator(f'.article-text[data-article="{article.pk}"]')
    for start, content in text.evaluate(CONTRACT):
        assert article.clean_text[start : start + len(content)] == content
    boilerplate = text.locator(".para-boilerplate").first
    expect(boilerplate).to_have_text("You may also like")
    assert float(boilerplate.evaluate("(p) => getComputedStyle(p).opacity")) < 1
    expect(text.locator(".para-metadata").first).to_have_text("By Talia Renz")
    expect(page.get_by_role("link", name="Download original")).to_have_attribute(
        "href", f"/articles/{article.pk}/original"
    )
    screenshot(page, "read-upload-reading-page")


def test_queued_upload_fills_in_when_the_worker_finishes(page, transactional_db, alice, tmp_path, settings):
    settings.NARRATIVES_INLINE_BATCH = 0  # as for a big batch: the worker, not the request, ingests it
    sign_in(page, "alice")
    upload_report(page, tmp_path)

    expect(page.locator(".result[data-status=waiting]")).to_contain_text("night-of-shooting.txt")
    expect(page.locator(".batch progress")).to_have_attribute("value", "0")
    process_batch(IngestBatch.objects.get().pk)  # what `manage.py db_worker` would do

    # htmx polls the progress partial and swaps the result in without a reload.
    expect(page.locator(".result[data-status=created]")).to_contain_text("night-of-shooting.txt", timeout=20_000)
    expect(page.locator("#batch")).to_have_attribute("data-done", "true")
    expect(page.locator(".batch progress")).to_have_attribute("value", "1")


def test_corpus_list_filters_as_you_type_and_builds_the_compare_link(page, transactional_db, bob, alice):
    from tests.matching_support import make_article

    first = make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard in the harbour."])
    second = make_article("Patriot Signal", "Colour revolution crushed", ["Order was restored in a day."])
    make_article("Meridian Press Agency", "Protests spread", ["Protests spread to six towns."])
    sign_in(page, "bob")

    compare = page.get_by_role("button", name="Compare selected")
    expect(compare).to_be_disabled()
    page.get_by_role("checkbox", name="Compare “Night of shooting”").check()
    page.get_by_role("checkbox", name="Compare “Colour revolution crushed”").check()
    expect(page.locator("[data-compare-count]")).to_have_text("2 articles ticked.")
    expect(compare).to_be_enabled()

    page.get_by_role("searchbox", name="Search").fill("harbour")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/articles/\?q=harbour"))

    page.goto(f"/articles/compare?articles={first.pk}&articles={second.pk}")
    expect(page).to_have_url(re.compile(rf"/compare/\?articles={first.pk},{second.pk}$"))
