"""What an analyst does on the compare page, in Debian's chromium: read the two seed articles side by
side, see their shared claim linked, change the sensitivity, review by mouse and keyboard, link by hand.
The ``page`` fixture fails the test on any console error, page error, dialog or CSP violation."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from narratives.ingest.pipeline import ingest_paths, ingest_text
from narratives.models import MatchDecision, ReviewState
from tests.browser.conftest import screenshot, select_text, sign_in

pytestmark = pytest.mark.browser

# The ids of the highlights around the sentences containing each needle, one list per side.
SHARED_IDS = """([aNeedle, bNeedle]) => {
  const ids = (side, needle) => [...document.querySelectorAll(`.article-text[data-side=${side}] mark.hl`)]
    .filter((m) => m.textContent.includes(needle)).flatMap((m) => m.dataset.match.split(" "));
  const b = new Set(ids("b", bNeedle));
  return ids("a", aNeedle).filter((id) => b.has(id));
}"""
IN_VIEW = """(id) => [...document.querySelectorAll(".article-text")].every((box) => {
  const mark = box.querySelector(`mark.hl[data-match~="${id}"]`);
  if (!mark) return true;
  const m = mark.getBoundingClientRect(), b = box.getBoundingClientRect();
  return m.top >= b.top - 1 && m.top < b.bottom;
})"""
CONTRACT = """(side) => [...document.querySelectorAll(`.article-text[data-side=${side}] p[data-start]`)]
  .map((p) => [Number(p.dataset.start), p.textContent])"""
# A third article written for the grid test: a short rewrite that shares claims with the seeds.
THIRD = (
    "Kremlin repeats that Kazakh unrest was inspired from abroad\n\n"
    "Russian officials said on Monday that the riots in Kazakhstan were inspired from abroad. "
    "Tokayev asked the CSTO for help to restore order.\n"
)


@pytest.fixture
def seeds(db, seed_paths):
    """The two seed articles, imported through the real ingest (which also embeds them)."""
    return [ingest_paths([path], outlet=outlet)[0].article for path, outlet in zip(seed_paths, ["Prensa Latina", "Al Mayadeen"])]


def _swapped(page, action) -> None:
    """Run ``action`` and wait until htmx has swapped the comparison region."""
    with page.expect_response(lambda r: "/compare/" in r.url and r.status == 200):
        action()
    expect(page.locator("#comparison")).to_have_attribute("aria-busy", "false")


def test_an_analyst_reads_reviews_and_links_claims_side_by_side(page, alice, seeds):
    a, b = seeds
    sign_in(page, "alice")
    page.goto(f"/compare/?articles={a.pk},{b.pk}")
    page.evaluate("window.notReloaded = true")

    # The claim "inspired from abroad" is linked to the other outlet's "foreign …" sentence.
    assert page.evaluate(SHARED_IDS, ["inspired from abroad", "foreign"])
    # The rendering contract holds in the browser: each block's text is the clean text at data-start.
    for article, side in ((a, "a"), (b, "b")):
        blocks = page.evaluate(CONTRACT, side)
        assert blocks and all(article.clean_text[start : start + len(text)] == text for start, text in blocks)
    first_count = page.locator(".claim").count()
    assert first_count > 0

    # The slider re-aligns without reloading the page, and the URL keeps the state.
    _swapped(page, lambda: page.locator("#sensitivity").fill("0.9"))
    assert "sensitivity=0.9" in page.url and page.evaluate("window.notReloaded")
    assert page.locator(".claim").count() > first_count
    _swapped(page, lambda: page.locator("#sensitivity").fill("0.5"))
    assert page.locator(".claim").count() == first_count

    # j pins the first claim and brings both of its sentences into view.
    page.keyboard.press("j")
    first = page.locator(".claim.pinned").get_attribute("data-claim")
    assert page.locator(f'mark.hl.pinned[data-match~="{first}"]').count() >= 2
    page.wait_for_function(IN_VIEW, arg=first)
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.locator(".claim.pinned").get_attribute("data-claim") == first

    # Confirm it with the mouse, reject the next one with the keyboard; the texts keep their place.
    page.locator(".article-text[data-side=b]").evaluate("(box) => { box.scrollTop = 300; }")
    _swapped(page, lambda: page.locator(f'.claim[data-claim="{first}"] button[data-action=confirm]').click())
    assert page.locator(".article-text[data-side=b]").evaluate("(box) => box.scrollTop") == 300
    assert page.locator(f'mark.hl[data-match~="{first}"][data-review=confirmed]').count() >= 2
    assert "Confirmed the match" in page.text_content("#compare-status")
    page.keyboard.press("j")
    second = page.locator(".claim.pinned").get_attribute("data-claim")
    assert second != first
    _swapped(page, lambda: page.keyboard.press("r"))
    assert page.locator(f'mark.hl[data-match~="{second}"]').count() == 0
    assert page.evaluate("window.notReloaded")

    # ? lists the shortcuts; Escape closes the list.
    page.keyboard.press("?")
    assert page.locator("#compare-keys").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#compare-keys").is_visible()

    # Link two passages by hand (claims each outlet makes alone): select in A, then in B, press l.
    in_a = select_text(page, "article 4 of the CSTO Collective Security Agreement", within=".article-text[data-side=a]")
    expect(page.locator('[data-link-preview="a"]')).to_have_text(in_a)
    in_b = select_text(page, "critical red", within=".article-text[data-side=b]")
    expect(page.locator("[data-link-submit]")).to_be_enabled()
    page.locator("#claims-title").click()  # focus leaves the texts; the shortcut works from anywhere
    _swapped(page, lambda: page.keyboard.press("l"))
    manual = page.locator("mark.hl[data-review=manual]")
    assert manual.count() == 2
    assert in_a in manual.nth(0).text_content() and in_b in manual.nth(1).text_content()
    selected = page.locator("em.phrase.selected")
    assert [selected.nth(0).text_content(), selected.nth(1).text_content()] == [in_a, in_b]

    # Decisions are kept, attributed, after a reload.
    page.reload()
    assert page.locator(f'mark.hl[data-match~="{first}"][data-review=confirmed]').count() >= 2
    assert "Confirmed by alice" in page.locator(f'.claim[data-claim="{first}"]').text_content()
    assert page.locator(f'mark.hl[data-match~="{second}"]').count() == 0
    assert page.locator("mark.hl[data-review=manual]").count() == 2
    states = sorted(MatchDecision.objects.values_list("state", flat=True))
    assert states == sorted([ReviewState.CONFIRMED, ReviewState.REJECTED, ReviewState.MANUAL])
    screenshot(page, "compare-seeds")

    # The rejected match is still listed under its filter, with who rejected it.
    _swapped(page, lambda: page.locator("input[name=filter][value=rejected]").check())
    assert "Rejected by alice" in page.locator(f'.claim[data-claim="{second}"]').text_content()


def test_a_viewer_reads_the_comparison_but_gets_no_review_controls(page, bob, seeds):
    a, b = seeds
    sign_in(page, "bob")
    page.goto(f"/compare/?articles={a.pk},{b.pk}")
    assert page.evaluate(SHARED_IDS, ["inspired from abroad", "foreign"])
    assert page.locator("button[data-action], form[id^=review-]").count() == 0
    page.keyboard.press("j")
    page.keyboard.press("a")
    assert "no “confirm” action" in page.text_content("#compare-status")
    assert not MatchDecision.objects.exists()


def test_three_articles_open_as_a_grid_and_any_pair_opens_side_by_side(page, alice, seeds, tmp_path):
    a, b = seeds
    third = tmp_path / "third.txt"
    third.write_text(THIRD, encoding="utf-8")
    [c] = [r.article for r in ingest_paths([third], outlet="TASS")]
    sign_in(page, "alice")
    page.set_viewport_size({"width": 700, "height": 900})
    page.goto(f"/compare/?articles={a.pk},{b.pk},{c.pk}")
    assert page.locator("table.claim-grid").is_visible()
    page.locator(".pair-links a").first.click()
    page.wait_for_url(f"**/compare/?articles={a.pk},{b.pk}**")
    # Stacked on a narrow screen: B's text sits below A's.
    box_a = page.locator(".pane-a").bounding_box()
    box_b = page.locator(".pane-b").bounding_box()
    assert box_b["y"] >= box_a["y"] + box_a["height"] - 1
    screenshot(page, "compare-narrow")


def test_the_export_links_follow_the_sensitivity_and_filter_the_page_shows(page, alice, seeds):
    a, b = seeds
    sign_in(page, "alice")
    page.goto(f"/compare/?articles={a.pk},{b.pk}&sensitivity=0.5")
    _swapped(page, lambda: page.locator("#sensitivity").fill("0.9"))
    _swapped(page, lambda: page.locator("input[name=filter][value=strong]").check())
    for name in ("CSV", "JSON", "Print view"):
        # The links are rewritten when htmx has swapped the region in, a moment after its response.
        link = page.get_by_role("link", name=name, exact=True)
        expect(link).to_have_attribute("href", re.compile(r"sensitivity=0\.9&filter=strong"))
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    exported = {row[0] for row in rows[1:] if row[1] == "match"}
    shown = {claim.get_attribute("data-claim") for claim in page.locator(".claim").all()}
    assert shown and exported == shown, (exported, shown)


EMOJI_A = "Dock strike 🔥 spreads along the coast\n\nActivists 🔥🔥 posted videos of the dockers marching to the port gate."
EMOJI_B = "Strike at the port 😡 grows\n\nOn Monday 😡 the dockers marched to the port gate, their union said."


@pytest.fixture
def emoji_pair(db):
    return [ingest_text(text, outlet=outlet).article for text, outlet in ((EMOJI_A, "Coast Wire"), (EMOJI_B, "Port Daily"))]


def _link_by_hand(page, in_a: str, in_b: str) -> None:
    select_text(page, in_a, within=".article-text[data-side=a]")
    expect(page.locator('[data-link-preview="a"]')).to_have_text(in_a)
    select_text(page, in_b, within=".article-text[data-side=b]")
    expect(page.locator("[data-link-submit]")).to_be_enabled()
    _swapped(page, lambda: page.locator("[data-link-submit]").click())


def test_passages_after_an_emoji_are_linked_by_hand_at_their_offsets_in_the_text(page, alice, emoji_pair):
    a, b = emoji_pair
    sign_in(page, "alice")
    page.goto(f"/compare/?articles={a.pk},{b.pk}")
    _link_by_hand(page, "posted videos of the dockers", "the dockers marched")
    link = MatchDecision.objects.get(state=ReviewState.MANUAL)
    first, second = (a, b) if link.article_a_id == a.pk else (b, a)
    assert first.clean_text[link.a_start : link.a_end] == "posted videos of the dockers"
    assert second.clean_text[link.b_start : link.b_end] == "the dockers marched"


def test_a_refused_review_action_is_said_in_the_status_line_and_the_page_stays(page, alice, seeds, settings):
    settings.DEBUG = True  # as under `make run`, where django-htmx's debug helper is on the page
    a, b = seeds
    sign_in(page, "alice")
    page.goto(f"/compare/?articles={a.pk},{b.pk}")
    page.evaluate("window.notReloaded = true")
    _link_by_hand(page, "article 4 of the CSTO Collective Security Agreement", "critical red")
    MatchDecision.objects.all().delete()  # unlinked meanwhile, in another tab
    with page.expect_response(lambda r: "/compare/" in r.url and r.status >= 400):
        page.locator(".claim:has(button[data-action=undo]) button[data-action=undo]").first.click()
    expect(page.locator("#compare-status")).to_contain_text("reload the page")
    assert page.evaluate("window.notReloaded") and page.locator("#comparison .article-text").count() == 2
    # The refusal itself is all the browser logged (its 404, and htmx's note of it).
    assert all("404" in problem for problem in page.problems), page.problems
    page.problems.clear()
