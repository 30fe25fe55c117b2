"""Script injection, in the browser: Debian's Chromium parses what the server sent, and must run nothing.

The corpus holds every vector as an article title, byline, outlet name and paragraph, inside HTML
pages ingested for real, and as framing category, term and tag-note names. Each page that shows them is
opened as staff (who sees every control) and must stay silent: no dialog (the vectors call alert),
no page error, no console error (Chromium logs every CSP violation as one), no CSP violation event,
no request to ``/__xss__/`` (the vectors that load or navigate aim there), and after parsing, no element
or attribute in the live DOM that could run (this catches mutation XSS the server-side check cannot see).
"""

from __future__ import annotations

import json
import time
from unittest import mock

import pytest

from narratives import models as m
from narratives.ingest.pipeline import ingest_html
from tests.browser.conftest import screenshot, sign_in
from tests.security.figures import record
from tests.security.hostile import html_document, html_groups
from tests.security.vectors import URL_VECTORS, VECTORS
from tests.security.world import World, make_article

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
  console.error('CSP violation: ' + e.violatedDirective + ' ' + (e.sample || ''));
});
"""

# The live DOM after parsing: what could run or load, whatever the HTML source looked like.
DOM_AUDIT = r"""
() => {
  const bad = [];
  const active = /^(javascript|vbscript|data:text|data:application|data:image\/svg)/i;
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const value = a.value.replace(/[\x00-\x20]+/g, '');
      if (name.startsWith('on')) bad.push(`${el.tagName} ${name}=${a.value.slice(0, 60)}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'].includes(name) && active.test(value))
        bad.push(`${el.tagName} ${name}=${a.value.slice(0, 60)}`);
      if (/^(data-)?hx-/.test(name) && /__xss__|alert[(`]|(kilo|lima)\d{3}/.test(a.value)) bad.push(`${el.tagName} ${name}=${a.value.slice(0, 60)}`);
    }
    const tag = el.tagName.toLowerCase();
    if (['iframe', 'frame', 'object', 'embed', 'base', 'portal', 'math', 'foreignobject', 'animate', 'set'].includes(tag)) bad.push(tag);
    const ours = el.src && /^\/(static|admin\/jsi18n)\//.test(new URL(el.src).pathname);
    if (tag === 'script' && !ours && el.type !== 'application/json') bad.push('script ' + (el.src || el.textContent.slice(0, 60)));
    if (tag === 'style' && /kilo|lima|__xss__|url\(/.test(el.textContent)) bad.push('style ' + el.textContent.slice(0, 60));
    if (tag === 'meta' && el.httpEquiv) bad.push('meta http-equiv ' + el.content);
  }
  return bad;
}
"""


def build_corpus() -> dict:
    """Every vector where the pages show it; made directly (the ways in are tested in test_injection.py)."""
    world = World.build()
    alice = world.users["alice"]
    texts = []
    for i, v in enumerate(VECTORS):
        # Written straight to the models, so without ingest's clean-up: PostgreSQL refuses NUL in text.
        name, title, body, byline = (x.replace("\x00", "") for x in (v.short(150), v.short(400), v.wrapped(), v.short(290)))
        outlet = m.Outlet.objects.create(name=name)
        article = make_article(outlet, title, [f"Harbour report {v.id}.", body, f"The port reopened {v.id}."], alice)
        m.Article.objects.filter(pk=article.pk).update(byline=byline, url=URL_VECTORS[i % len(URL_VECTORS)])
        texts.append(article.pk)
    htmls = []
    with mock.patch("narratives.matching.index.embed_article", return_value=0):
        for n, group in enumerate(html_groups()):
            result = ingest_html(html_document(group, URL_VECTORS[n % len(URL_VECTORS)]), outlet="Hostile HTML", user=alice)
            assert result.article is not None, result.error
            htmls.append(result.article.pk)
    terms = []
    first = m.Article.objects.get(pk=texts[0])
    start = first.clean_text.index("reopened")
    for v in VECTORS[::3]:
        name, text, body = (x.replace("\x00", "") for x in (v.short(95), v.short(190), v.wrapped()))
        (category,) = m.FramingCategory.objects.bulk_create([m.FramingCategory(name=name, description=body, created_by=alice)])
        (term,) = m.FramingTerm.objects.bulk_create([m.FramingTerm(text=text, category=category, notes=body, created_by=alice)])
        m.Annotation.objects.bulk_create([m.Annotation(article=first, term=term, start=start, end=start + 8, text="reopened", note=body, author=alice)])
        terms.append(term.pk)
    return {"world": world, "texts": texts, "htmls": htmls, "terms": terms}


def visit(page, path: str, hits: list[str]) -> list[str]:
    page.goto(path, wait_until="load")
    page.wait_for_timeout(150)  # hx-trigger="load" requests and deferred scripts
    found = page.evaluate(DOM_AUDIT)
    found += page.evaluate("window.__violations || []")
    return found


def test_no_vector_runs_in_the_browser(page, transactional_db):
    began = time.monotonic()
    corpus = build_corpus()
    built = time.monotonic() - began
    hits: list[str] = []
    page.add_init_script(WATCH)
    page.route("**/__xss__/**", lambda route: (hits.append(route.request.url), route.abort()))
    sign_in(page, "carol")
    texts, htmls = corpus["texts"], corpus["htmls"]
    paths = [f"/articles/?page={n}" for n in range(1, len(texts + htmls) // 25 + 2)]
    paths += ["/outlets/", "/framing/", "/framing/stats/", "/upload/", "/admin/narratives/article/", "/admin/narratives/outlet/"]
    paths += [m.Outlet.objects.get(articles__pk=pk).get_absolute_url() for pk in texts[:: max(1, len(texts) // 2)]]
    paths += [f"/articles/{pk}/" for pk in htmls]
    paths += [f"/articles/{pk}/" for pk in texts[:: max(1, len(texts) // 6)]]
    paths += [f"/compare/?articles={htmls[0]},{htmls[1]}", f"/compare/?articles={','.join(str(p) for p in htmls[:6])}"]
    paths += [f"/compare/print?articles={htmls[0]},{htmls[1]}"]
    paths += [f"/framing/terms/{pk}/" for pk in corpus["terms"][:2]]
    paths += [f"/admin/narratives/article/{texts[0]}/change/"]
    found = {}
    for path in paths:
        problems = visit(page, path, hits)
        if problems:
            found[path] = problems[:5]
        if page.problems:
            found.setdefault(path, []).extend(list(page.problems))
            page.problems.clear()
    # The tag popover and tag details are fragments framing.js puts into the page: open them too.
    article = m.Article.objects.get(pk=texts[0])
    page.goto(f"/articles/{article.pk}/", wait_until="load")
    for mark in page.locator("[data-annotation]").all()[:5]:
        mark.click()
        page.wait_for_timeout(100)
    problems = page.evaluate(DOM_AUDIT) + page.evaluate("window.__violations || []") + list(page.problems)
    if problems:
        found["tag popovers"] = problems[:5]
    page.problems.clear()
    screenshot(page, "xss-reading-page")
    record("xss-browser", {"vectors": len(VECTORS), "pages_opened": len(paths) + 1, "corpus_build_s": round(built, 1),
                           "pages_s": round(time.monotonic() - began - built, 1), "dialogs_errors_or_violations": len(found), "requests_to_payloads": len(hits)})
    assert not hits, f"payload requests: {hits[:10]}"
    assert not found, json.dumps(found, indent=1)[:6000]
