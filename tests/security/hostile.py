"""A corpus made of the vector corpus, pushed in through every way in, by the same requests a person sends.

Ways in: the API (JSON text, JSON HTML, multipart file), the paste form, the file upload page (file
names, HTML files, CSV and JSONL bulk files), the framing pages (category names and descriptions,
term texts and notes, tag notes), the admin (outlet notes) and re-import of an export. Each response
is kept: a way in may refuse a vector (4xx with a message), never fail on it (5xx).

Embedding is switched off while building: it is not a way in, and it is most of ingest's time.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from narratives import models as m
from tests.security.vectors import FORMULA_VECTORS, URL_VECTORS, VECTORS, Vector
from tests.security.world import World

FILLER = "The harbour at Veltria reopened on Tuesday after the storm, officials said."


def article_text(v: Vector) -> str:
    return f"Harbour report {v.id}\n\n{FILLER}\n\n{v.wrapped()}\n\nThe port reopened later that week {v.id}."


def html_document(group: list[Vector], url: str) -> str:
    title, author, site = (group + group + group)[:3]
    body = "".join(f"<p>{FILLER} Paragraph {v.id}.</p><p>{v.wrapped()}</p>" for v in group)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title.payload} {title.before}</title>'
        f'<meta name="author" content="{author.payload}"><meta property="og:site_name" content="{site.payload}">'
        f'<link rel="canonical" href="{url}"><meta property="og:url" content="{url}"></head>'
        f"<body><article><h1>Hostile page {group[0].id}</h1><p>{FILLER}</p>{body}<p>{FILLER} The end.</p></article></body></html>"
    )


def html_groups(size: int = 10) -> list[list[Vector]]:
    """Vectors in groups for one page each; those that swallow what follows go last, one per page."""
    plain = [v for v in VECTORS if not v.eats_rest]
    groups = [plain[i : i + size] for i in range(0, len(plain), size)]
    return groups + [[v] for v in VECTORS if v.eats_rest]


@dataclass
class Entry:
    way: str
    vector: str
    status: int
    detail: str = ""


@dataclass
class Hostile:
    world: World
    entries: list[Entry] = field(default_factory=list)
    by_text: dict[str, int] = field(default_factory=dict)  # vector id -> article from the text route
    by_html: dict[str, int] = field(default_factory=dict)  # vector id -> article from the HTML route
    formula_articles: list[int] = field(default_factory=list)

    def note(self, way: str, vector: str, response) -> dict | None:
        detail = ""
        data = None
        if response.headers.get("Content-Type", "").startswith("application/json"):
            data = response.json()
            detail = str(data.get("detail", ""))[:200] if isinstance(data, dict) else ""
        self.entries.append(Entry(way, vector, response.status_code, detail))
        return data

    @property
    def articles(self) -> list[int]:
        return sorted({*self.by_text.values(), *self.by_html.values(), *self.formula_articles})

    def server_errors(self) -> list[Entry]:
        return [e for e in self.entries if e.status >= 500]

    @classmethod
    def build(cls) -> Hostile:
        with mock.patch("narratives.matching.index.embed_article", return_value=0):
            h = cls(World.build())
            analyst = Client(raise_request_exception=False)
            analyst.force_login(h.world.users["alice"])
            staff = Client(raise_request_exception=False)
            staff.force_login(h.world.users["carol"])
            api = h.world.bearer("alice")
            h._api_text(api)
            h._api_html(api)
            h._api_files(api)
            h._paste(analyst)
            h._upload_files(analyst)
            h._framing(analyst)
            h._formulas(analyst)
            h._admin(staff)
        return h

    def destroy(self) -> None:
        self.world.destroy()

    # --- ways in

    def _api_text(self, api: dict) -> None:
        client = Client(raise_request_exception=False)
        for i, v in enumerate(VECTORS):
            # A NUL in a name is refused with a 400 (tests/test_api_articles.py), as the upload form
            # refuses it; in a title or text it is cleaned away like a file's would be.
            body = {"outlet": v.short(150).replace("\x00", ""), "title": v.short(400), "text": article_text(v), "url": URL_VECTORS[i % len(URL_VECTORS)]}
            r = client.post("/api/articles", json.dumps(body), "application/json", **api)
            data = self.note("api-text", v.id, r)
            if r.status_code == 201:
                self.by_text[v.id] = data["id"]
        for n, formula in enumerate(FORMULA_VECTORS):
            body = {"outlet": "Formula Wire", "title": formula, "text": f"{formula}\n\nFormula report {n}. {FILLER}"}
            r = client.post("/api/articles", json.dumps(body), "application/json", **api)
            data = self.note("api-formula", f"f{n}", r)
            if r.status_code == 201:
                self.formula_articles.append(data["id"])

    def _api_html(self, api: dict) -> None:
        client = Client(raise_request_exception=False)
        for n, group in enumerate(html_groups()):
            body = {"outlet": "Hostile HTML", "html": html_document(group, URL_VECTORS[n % len(URL_VECTORS)])}
            r = client.post("/api/articles", json.dumps(body), "application/json", **api)
            data = self.note("api-html", ",".join(v.id for v in group), r)
            if r.status_code == 201:
                for v in group:
                    self.by_html[v.id] = data["id"]

    def _api_files(self, api: dict) -> None:
        client = Client(raise_request_exception=False)
        for v in VECTORS[:12]:
            upload = SimpleUploadedFile(f"{v.short(120)}.txt", article_text(v).replace("Harbour", "File harbour").encode(), "text/plain")
            r = client.post("/api/articles", {"outlet": v.short(150), "file": upload}, **api)
            self.note("api-file", v.id, r)

    def _paste(self, analyst: Client) -> None:
        for v in VECTORS[12:20]:
            data = {"text": article_text(v).replace("Harbour", "Pasted harbour"), "title": v.short(400), "outlet": v.short(150)}
            r = analyst.post("/upload/paste", data)
            self.note("paste", v.id, r)

    def _upload_files(self, analyst: Client) -> None:
        from narratives.tasks import process_batch

        chosen = VECTORS[20:35]
        for i in range(0, len(chosen), 5):
            files = [
                SimpleUploadedFile(f"{v.short(100)}.txt", article_text(v).replace("Harbour", "Uploaded harbour").encode(), "text/plain")
                for v in chosen[i : i + 5]
            ]
            r = analyst.post("/upload/files", {"outlet": chosen[i].short(150), "files": files})
            self.note("upload-files", ",".join(v.id for v in chosen[i : i + 5]), r)
        # Bulk files go to the worker; the test runs the worker's function itself.
        rows = io.StringIO()
        import csv

        writer = csv.writer(rows)
        writer.writerow(["title", "outlet", "url", "published", "text"])
        jsonl = []
        for n, v in enumerate(VECTORS[35:70]):
            text = article_text(v).replace("Harbour", "Bulk harbour")
            writer.writerow([v.short(300), v.short(150), URL_VECTORS[n % len(URL_VECTORS)], "2022-01-09", text])
            jsonl.append(json.dumps({"title": v.short(300), "outlet": v.short(150), "text": text.replace("Bulk", "Lines")}))
        bulk = [
            SimpleUploadedFile("hostile.csv", rows.getvalue().encode(), "text/csv"),
            SimpleUploadedFile("hostile.jsonl", "\n".join(jsonl).encode(), "application/x-ndjson"),
        ]
        r = analyst.post("/upload/files", {"outlet": "Bulk Wire", "files": bulk})
        self.note("upload-bulk", "x036-x070", r)
        for batch in m.IngestBatch.objects.exclude(status=m.BatchStatus.DONE):
            process_batch(batch.pk)

    def _framing(self, analyst: Client) -> None:
        article_id = self.by_text.get(VECTORS[0].id) or self.world.objects["article"].pk
        article = m.Article.objects.get(pk=article_id)
        for v in VECTORS[70:100]:
            r = analyst.post("/framing/categories/new", {"name": v.short(95), "colour": "#2a6f97", "description": v.wrapped()})
            self.note("category", v.id, r)
            category = m.FramingCategory.objects.filter(name__startswith=v.before).first()
            r = analyst.post(
                "/framing/terms/new",
                {"text": v.short(190), "category": category.pk if category else "", "new_category": "" if category else v.short(95), "notes": v.wrapped()},
            )
            self.note("term", v.id, r)
            start = article.clean_text.find("reopened")
            r = analyst.post(
                f"/framing/articles/{article.pk}/tags",
                {"start": start, "end": start + 8, "text": "reopened", "term": v.short(190), "new_category": v.short(95) + " tag",
                 "note": v.wrapped()},
            )  # fmt: skip
            self.note("tag", v.id, r)

    def _formulas(self, analyst: Client) -> None:
        """Spreadsheet formulas as term names, tag notes and a hand-made link: they reach every CSV export."""
        first = m.Article.objects.get(pk=self.formula_articles[0])
        second = m.Article.objects.get(pk=self.formula_articles[1])
        start = first.clean_text.find("Formula report")
        for n, formula in enumerate(FORMULA_VECTORS):
            r = analyst.post(
                f"/framing/articles/{first.pk}/tags",
                {"start": start, "end": start + 14, "text": "Formula report", "term": formula.strip() or f"formula {n}",
                 "new_category": f"formula category {n}", "note": formula},
            )  # fmt: skip
            self.note("tag-formula", f"f{n}", r)
        a_text, b_text = first.clean_text.split("\n\n")[0], second.clean_text.split("\n\n")[0]
        r = analyst.post(
            "/compare/link",
            {"articles": f"{first.pk},{second.pk}", "a_start": 0, "a_end": len(a_text), "a_text": a_text,
             "b_start": 0, "b_end": len(b_text), "b_text": b_text},
        )  # fmt: skip
        self.note("review-link", "f0-f1", r)

    def _admin(self, staff: Client) -> None:
        for v in VECTORS[100:110]:
            outlet = m.Outlet.objects.filter(name__startswith=v.before).first() or self.world.objects["outlet"]
            data = {"name": outlet.name, "slug": outlet.slug, "homepage": "", "country": v.short(90), "language": "en", "notes": v.wrapped()}
            r = staff.post(f"/admin/narratives/outlet/{outlet.pk}/change/", data)
            self.note("admin-outlet", v.id, r)
