"""Script injection, server side: every vector through every way in, every page and export that shows it.

Pages are checked with ``dom.html_problems`` (no element or attribute that runs, loads or acts that our
templates did not write) and for the words each input must keep; exports for spreadsheet formulas
and valid structure; original downloads for being inert. The browser half is tests/browser/test_xss.py.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from narratives import models as m
from tests.security import surface
from tests.security.dom import html_problems, visible_text
from tests.security.figures import record
from tests.security.hostile import Hostile
from tests.security.vectors import BY_ID, FORMULA_PREFIXES, VECTORS, words
from tests.security.world import World

pytestmark = pytest.mark.django_db
READ_ONLY_TYPES = ("text/html", "application/xhtml", "image/svg", "text/xml", "application/xml", "text/javascript", "application/javascript")


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            h = Hostile.build()
        except Exception:
            World().destroy()  # a half-built corpus must not break the modules after this one
            raise
    yield h
    with django_db_blocker.unblock():
        h.destroy()


class HostileWorld:
    """The objects a route's parameters name, taken from the hostile corpus instead of the plain world."""

    def __init__(self, h: Hostile, article: int, other: int):
        self.h = h
        self.objects = dict(h.world.objects)
        self.objects["article"] = m.Article.objects.get(pk=article)
        self.objects["article_b"] = m.Article.objects.get(pk=other)
        self.objects["outlet"] = self.objects["article"].outlet
        hostile_terms = m.FramingTerm.objects.filter(text__startswith="kilo")
        if hostile_terms.exists():
            self.objects["term"] = hostile_terms.first()
            self.objects["category"] = self.objects["term"].category
        tags = m.Annotation.objects.filter(note__startswith="kilo")
        if tags.exists():
            self.objects["annotation"] = tags.first()

    def instance_of(self, model):
        return self.h.world.instance_of(model)

    def query_for(self, route) -> str:
        words_ = f"{route.name or ''} {route.pattern}".lower()
        if "compare" in words_ and not route.params:
            return f"?articles={self.objects['article'].pk},{self.objects['article_b'].pk}"
        return ""


def reading_sample(h: Hostile) -> list[int]:
    """Reading pages to open: every HTML page (they hold all vectors in their bodies), every third text
    article, and the formula ones. Titles and outlet names of all the others show on the list pages."""
    text = sorted(h.by_text.values())
    return sorted({*h.by_html.values(), *text[::4], *h.formula_articles})


def get_pages(h: Hostile) -> dict[str, object]:
    """Every GET page of the site, with hostile objects in its parameters, as staff sees it."""
    client = h.world.client("carol")
    articles = h.articles
    sample = reading_sample(h)
    pairs = [(sample[i], sample[(i + 1) % len(sample)]) for i in range(0, len(sample), max(1, len(sample) // 4))]
    out: dict[str, object] = {}
    routes = [r for r in surface.page_routes(include_admin=True) if not r.name or not r.name.startswith(("admin:auth", "admin:django_tasks"))]
    for route in routes:
        if route.name == "article_original":
            combos = [(a, articles[0]) for a in articles]
        elif route.name == "article_detail":
            combos = [(a, articles[0]) for a in sample]
        else:
            combos = pairs
        for a, b in combos:
            hw = HostileWorld(h, a, b)
            try:
                paths = surface.fill_all(route, hw)
            except surface.NoInstance:
                continue
            for path in paths:
                if path not in out:
                    out[path] = client.get(path)
    # Every upload batch: their result lists show the hostile file names and per-row errors.
    for batch in m.IngestBatch.objects.values_list("pk", flat=True):
        for path in (f"/upload/batches/{batch}/",):
            out[path] = client.get(path)
    # Listing pages, every page of them, and a grid of six.
    for n in range(1, len(articles) // 25 + 2):
        out[f"/articles/?page={n}"] = client.get(f"/articles/?page={n}")
    six = ",".join(str(a) for a in sample[:6])
    out[f"/compare/?articles={six}"] = client.get(f"/compare/?articles={six}")
    return {path: r for path, r in out.items() if r.status_code != 405}


@pytest.fixture(scope="module")
def pages(hostile, django_db_blocker):
    with django_db_blocker.unblock():
        return get_pages(hostile)


def test_every_way_in_answers_without_a_server_error(hostile):
    errors = [e for e in hostile.entries if e.status >= 500]
    ways = sorted({e.way for e in hostile.entries})
    assert len(ways) >= 8, ways
    # Not vacuous: every way in let at least one vector through (a form that refused them all tests nothing).
    accepted = {e.way for e in hostile.entries if 200 <= e.status < 400}
    assert accepted == set(ways), {w: [e.status for e in hostile.entries if e.way == w][:5] for w in set(ways) - accepted}
    assert not errors, errors[:10]
    assert len(hostile.by_text) == len(VECTORS), f"the API refused {len(VECTORS) - len(hostile.by_text)} texts"


def test_no_page_carries_active_markup(hostile, pages):
    failures, html_pages = {}, 0
    for path, response in pages.items():
        if response.status_code >= 500:
            failures[path] = f"status {response.status_code}"
            continue
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        html_pages += 1
        problems = html_problems(response.content.decode())
        if problems:
            failures[path] = problems[:5]
    record(
        "xss-server",
        {"vectors": len(VECTORS), "ways_in": sorted({e.way for e in hostile.entries}), "requests_in": len(hostile.entries),
         "pages_checked": html_pages, "pages_with_active_markup": len(failures)},
    )  # fmt: skip
    assert html_pages > 100
    assert not failures, json.dumps(failures, indent=1)[:6000]


def _reading_page(pages, article_id: int) -> str:
    return pages[f"/articles/{article_id}/"].content.decode()


def test_text_inputs_are_shown_word_for_word(hostile, pages):
    """Pasted text and titles are text: every word of the payload shows, nothing is dropped."""
    lost = {}
    sample = set(reading_sample(hostile))
    for vector_id, article_id in hostile.by_text.items():
        if article_id not in sample:
            continue
        v = BY_ID[vector_id]
        seen = words(visible_text(_reading_page(pages, article_id)))
        expected = words(v.wrapped())
        missing = [w for w in expected if w not in seen]
        if missing:
            lost[vector_id] = missing[:6]
    assert not lost, lost


def test_titles_show_word_for_word_on_the_list_pages(hostile, pages):
    seen = set()
    for path, response in pages.items():
        if path.startswith("/articles/?page="):
            seen |= set(words(visible_text(response.content.decode())))
    missing = {v.id: [w for w in words(v.short(400)) if w not in seen][:5] for v in VECTORS if v.id in hostile.by_text}
    assert not {k: w for k, w in missing.items() if w}, missing


def test_html_inputs_keep_their_visible_words(hostile, pages):
    lost = {}
    for vector_id, article_id in hostile.by_html.items():
        v = BY_ID[vector_id]
        seen = words(visible_text(_reading_page(pages, article_id)))
        expected = [v.before, *v.shows] + ([] if v.eats_rest else [v.after])
        missing = [w for w in expected if w not in seen]
        if missing:
            lost[vector_id] = missing
    assert len(hostile.by_html) == len(VECTORS), f"{len(VECTORS) - len(hostile.by_html)} vectors did not arrive as HTML"
    assert not lost, json.dumps({k: [BY_ID[k].payload, *v] for k, v in lost.items()}, indent=1)


def test_outlet_list_shows_every_hostile_outlet_name_as_text(hostile):
    page = hostile.world.client("carol").get("/outlets/").content.decode()
    assert not html_problems(page)
    seen = words(visible_text(page))
    missing = [v.id for v in VECTORS if v.id in hostile.by_text and v.before not in seen]
    assert not missing, missing


def test_reflected_query_parameters_are_inert(hostile):
    """Label Studio's CVEs were reflected XSS and XSS in error messages: query strings on every page."""
    client = hostile.world.client("carol")
    params = ("q", "page", "articles", "outlet", "sensitivity", "filter", "back", "next", "term", "category", "start", "end", "article", "language")
    failures = {}
    sample = [v for v in VECTORS if v.family in {"script", "handler", "url", "breakout", "htmx", "svg"}][::12]
    hw = HostileWorld(hostile, hostile.articles[0], hostile.articles[1])
    for route in surface.page_routes(include_admin=False):
        try:
            base = surface.fill(route, hw).split("?")[0]
        except surface.NoInstance:
            continue
        for v in sample:
            query = "&".join(f"{p}={_q(v.payload)}" for p in params)
            response = client.get(f"{base}?{query}")
            if response.status_code == 405:
                break  # a POST-only route reflects nothing on GET
            if response.status_code >= 500:
                failures[f"{base} {v.id}"] = response.status_code
            elif response.headers.get("Content-Type", "").startswith("text/html"):
                problems = html_problems(response.content.decode())
                if problems:
                    failures[f"{base} {v.id}"] = problems[:3]
            if response.status_code in (301, 302) and _squash(response.headers["Location"]).startswith(("javascript:", "//", "http", "data:")):
                failures[f"{base} {v.id} redirect"] = response.headers["Location"]
    assert not failures, json.dumps(failures, indent=1)[:4000]


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def _squash(url: str) -> str:
    return re.sub(r"[\x00-\x20]", "", url).lower()


def test_open_redirects_are_refused(hostile):
    client = hostile.world.client("carol")
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example", "https:evil.example"):
        for path in (f"/articles/compare?back={_q(target)}", f"/accounts/login/?next={_q(target)}"):
            response = client.get(path)
            location = response.headers.get("Location", "")
            assert "evil.example" not in location and not location.lower().startswith("javascript"), (path, location)


def test_original_downloads_cannot_run_in_our_origin(hostile):
    client = hostile.world.client("carol")
    problems = {}
    for article_id in hostile.articles:
        response = client.get(f"/articles/{article_id}/original")
        kind = response.headers.get("Content-Type", "")
        disposition = response.headers.get("Content-Disposition", "")
        if not disposition.startswith("attachment"):
            problems[article_id] = f"served inline: {disposition!r}"
        elif kind.startswith(READ_ONLY_TYPES):
            problems[article_id] = f"served as {kind}"
        elif response.headers.get("X-Content-Type-Options") != "nosniff":
            problems[article_id] = "no nosniff"
        elif "\n" in disposition or "\r" in disposition:
            problems[article_id] = f"header injection: {disposition!r}"
    assert not problems, problems


# --- exports ----------------------------------------------------------------------------------------


def export_responses(hostile) -> dict[str, object]:
    client = hostile.world.client("carol")
    articles = hostile.articles
    pair = f"{hostile.formula_articles[0]},{hostile.formula_articles[1]}"
    out = {
        "compare.csv": client.get(f"/compare/export.csv?articles={pair}"),
        "compare.json": client.get(f"/compare/export.json?articles={pair}"),
    }
    for route in surface.page_routes(include_admin=False):
        if route.name and ("export" in route.name or route.name.endswith("_csv")):
            for path in surface.fill_all(route, HostileWorld(hostile, articles[0], articles[1])):
                out[path] = client.get(path)
    for action in ("export_csv", "export_jsonl"):
        out[f"admin {action}"] = client.post(
            "/admin/narratives/article/", {"action": action, "_selected_action": [str(a) for a in articles], "index": "0"}
        )
    return out


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_csv_exports_neutralise_spreadsheet_formulas(hostile):
    """A cell an analyst's spreadsheet would run (= + - @ tab CR) must be prefixed, e.g. with a quote."""
    dangerous, carried = {}, {}
    markers = ("HYPERLINK", "cmd|", "@SUM", "=1+1", "DDE(")
    for name, response in export_responses(hostile).items():
        if "csv" not in response.headers.get("Content-Type", ""):
            continue
        assert response.status_code == 200, (name, response.status_code)
        for cell in csv_cells(response.content.decode()):
            if any(marker in cell for marker in markers):
                carried[name] = carried.get(name, 0) + 1
            if cell.startswith(FORMULA_PREFIXES) and not re.fullmatch(r"-?\d+(\.\d+)?", cell):
                dangerous.setdefault(name, []).append(cell[:60])
    # Not vacuous: the formulas did reach the exports that show user text.
    assert any("compare" in name for name in carried) and any("admin" in name for name in carried), carried
    assert any("framing" in name for name in carried), carried
    assert not dangerous, json.dumps(dangerous, indent=1)[:3000]


def test_json_exports_are_valid_and_inert(hostile):
    for name, response in export_responses(hostile).items():
        kind = response.headers.get("Content-Type", "")
        if "json" not in kind:
            continue
        assert response.status_code == 200, name
        assert response.headers.get("Content-Disposition", "").startswith("attachment"), name
        body = response.content.decode()
        lines = body.splitlines() if "ndjson" in kind else [body]
        for line in lines:
            if line.strip():
                json.loads(line)


def test_print_view_and_exports_render_no_active_markup(hostile):
    client = hostile.world.client("carol")
    articles = hostile.articles
    for n in range(0, min(len(articles), 10), 2):
        response = client.get(f"/compare/print?articles={articles[n]},{articles[n + 1]}")
        assert response.status_code == 200
        assert not html_problems(response.content.decode()), articles[n]


def test_exported_tags_reimport_and_still_render_inert(hostile):
    client = hostile.world.client("carol")
    exported = client.get("/framing/tags/export.jsonl")
    assert exported.status_code == 200
    m.Annotation.objects.filter(note__startswith="kilo").delete()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("framing-tags.jsonl", exported.content, "application/x-ndjson")
    response = hostile.world.client("alice").post("/framing/tags/import", {"file": upload, "format": "jsonl"})
    assert response.status_code in (200, 302), response.status_code
    assert m.Annotation.objects.filter(note__startswith="kilo").exists(), "the re-import restored no hostile tag"
    for path in ("/framing/", f"/articles/{hostile.by_text[VECTORS[0].id]}/"):
        page = client.get(path)
        assert page.status_code == 200 and not html_problems(page.content.decode()), path


def test_category_stylesheet_cannot_be_broken_out_of(hostile):
    css = hostile.world.client("carol").get("/framing/categories.css")
    assert css.status_code == 200
    body = css.content.decode()
    assert "kilo" not in body and "</" not in body and "@import" not in body and "url(" not in body, body[:500]
    assert body.count("{") == body.count("}")
