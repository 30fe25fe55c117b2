"""Playwright on Debian's chromium (`playwright install` cannot download here).

Each test gets a fresh page that fails the test on any console error, page error, dialog (an
executed alert() means injected script ran) or CSP violation report.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("NARRATIVES_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told it is safe (it is: the loop is Playwright's, not ours).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian chromium is missing at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems(list):
    """Console errors, page errors, dialogs and CSP violations seen on a page."""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    page = context.new_page()
    problems = PageProblems()
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))

    def on_dialog(dialog):
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.problems = problems
    yield page
    context.close()
    assert not problems, f"the browser reported problems: {problems}"


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Selects `needle` inside the first paragraph under `within` that holds it, the way a reader's drag
# would (across any highlight elements inside the paragraph); with `release`, the mouse is let go
# there too, which is what opens the tag popover on the reading page.
_SELECT = """([within, needle, release]) => {
  for (const p of document.querySelectorAll(`${within} p[data-start]`)) {
    const at = p.textContent.indexOf(needle);
    if (at < 0) continue;
    const point = (offset) => {
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (offset <= node.data.length) return [node, offset];
        offset -= node.data.length;
      }
    };
    const range = document.createRange();
    range.setStart(...point(at));
    range.setEnd(...point(at + needle.length));
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    if (release) p.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    return range.toString();
  }
  return null;
}"""


def select_text(page, needle: str, within: str = ".article-text", release: bool = False) -> str | None:
    """Select `needle` on the page; returns the selected text (None when no paragraph holds it)."""
    return page.evaluate(_SELECT, [within, needle, release])
