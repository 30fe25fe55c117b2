"""Export and import of analysts' tags: CSV, JSON Lines, and W3C Web Annotation JSON-LD.

Every format carries what it takes to cite a tag and to restore it elsewhere: the article's content
hash (SHA-256 of its normalised text, the same in every copy of the corpus), exact offsets and the
quoted text, term, category, note, author and times. An import finds each article by content hash,
checks that the quoted text is at the offsets (or moves the tag to the nearest copy of the quote if
the text shifted), and skips what it already has, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from ..csvsafe import csv_safe, csv_unsafe
from ..models import Annotation, Article
from .annotations import nearest
from .lexicon import category_named, get_or_create_term, valid_colour

FORMATS = ("csv", "jsonl", "jsonld")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson", "jsonld": "application/ld+json"}
CSV_FIELDS = [
    "id", "article_id", "content_hash", "article_title", "outlet", "article_url", "published",
    "start", "end", "text", "term", "category", "category_colour", "note", "author", "created", "modified", "current",
]  # fmt: skip
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# Our two extra properties get IRIs of their own, so a JSON-LD processor keeps rather than drops them.
NS = "urn:narratives:terms#"
CONTEXT = [ANNO_CONTEXT, {"nar": NS}]
QUOTE_CONTEXT = 32


def export_queryset() -> QuerySet[Annotation]:
    return Annotation.objects.select_related("article__outlet", "term__category", "author").order_by(
        "article_id", "start", "end", "id"
    )


def record(a: Annotation, base_url: str = "") -> dict:
    """One tag as a flat record: the CSV row, the JSONL line, and the input to the JSON-LD form."""
    article = a.article
    return {
        "id": a.pk,
        "article_id": article.pk,
        "content_hash": article.content_hash,
        "article_title": article.title,
        "outlet": article.outlet.name,
        "article_url": base_url + article.get_absolute_url(),
        "published": article.published.isoformat() if article.published else "",
        "start": a.start,
        "end": a.end,
        "text": a.text,
        "term": a.term.text,
        "category": a.term.category.name,
        "category_colour": a.term.category.colour,
        "note": a.note,
        "author": a.author.get_username() if a.author else "",
        "created": a.created_at.isoformat(),
        "modified": a.updated_at.isoformat(),
        # False when the article's text changed under the tag and its quote is no longer at the offsets.
        "current": article.clean_text[a.start : a.end] == a.text,
    }


def write_csv(records: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for r in records:
        writer.writerow({k: csv_safe(v) for k, v in r.items()})
    return out.getvalue()




def write_jsonl(records: Iterable[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def web_annotation(r: dict, article_text: str) -> dict:
    """A tag as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/)."""
    start, end = r["start"], r["end"]
    bodies = [
        {"type": "TextualBody", "purpose": "tagging", "value": r["term"]},
        {"type": "TextualBody", "purpose": "classifying", "value": r["category"], "nar:colour": r["category_colour"]},
    ]
    if r["note"]:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": r["note"], "format": "text/plain"})
    annotation = {
        "id": f"{r['article_url']}#annotation-{r['id']}",
        "type": "Annotation",
        "motivation": "tagging",
        "created": r["created"],
        "modified": r["modified"],
        "body": bodies,
        "target": {
            "source": {
                "id": r["article_url"],
                "type": "Text",
                "format": "text/plain",
                "title": r["article_title"],
                "nar:contentHash": r["content_hash"],
                "nar:outlet": r["outlet"],
            },
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {
                    "type": "TextQuoteSelector",
                    "exact": r["text"],
                    "prefix": article_text[max(0, start - QUOTE_CONTEXT) : start],
                    "suffix": article_text[end : end + QUOTE_CONTEXT],
                },
            ],
        },
    }
    if r["author"]:
        annotation["creator"] = {"type": "Person", "nickname": r["author"]}
    return annotation


def write_jsonld(annotations: Iterable[Annotation], base_url: str = "") -> str:
    items = [web_annotation(record(a, base_url), a.article.clean_text) for a in annotations]
    collection = {
        "@context": CONTEXT,
        "id": base_url + reverse("framing_tags_export", args=["jsonld"]),  # where this very file is served
        "type": "AnnotationCollection",
        "label": "Narratives framing tags",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }
    return json.dumps(collection, ensure_ascii=False, indent=1)


def export(fmt: str, base_url: str = "", annotations: QuerySet[Annotation] | None = None) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    annotations = export_queryset() if annotations is None else annotations
    if fmt == "jsonld":
        return write_jsonld(annotations.iterator(chunk_size=500), base_url)
    records = (record(a, base_url) for a in annotations.iterator(chunk_size=500))
    return write_csv(records) if fmt == "csv" else write_jsonl(records)


# ----- import -----


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0
    moved: int = 0
    unmatched: int = 0
    errors: list[str] = field(default_factory=list)
    created_users: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "created": self.created,
            "existing": self.existing,
            "moved": self.moved,
            "unmatched": self.unmatched,
            "errors": self.errors,
            "created_users": self.created_users,
        }


def detect_format(name: str, head: str) -> str:
    lowered = name.lower()
    for fmt, suffixes in (("jsonld", (".jsonld", ".json")), ("jsonl", (".jsonl", ".ndjson")), ("csv", (".csv",))):
        if lowered.endswith(suffixes):
            return fmt
    stripped = head.lstrip()
    if stripped.startswith("{") and '"@context"' in stripped.split("\n", 1)[0] + stripped[:200]:
        return "jsonld"
    return "jsonl" if stripped.startswith("{") else "csv"


# What an import needs of each record: the article (by its content hash), the span, and the term.
REQUIRED_COLUMNS = ("content_hash", "start", "end", "text", "term", "category")


def read_records(fmt: str, content: str) -> Iterator[dict]:
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(content))
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            found = ", ".join(f for f in reader.fieldnames or [] if f) or "none"
            raise ValueError(
                f"the CSV has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''} (found {found}); "
                "a tags export from Narratives has them all"
            )
        for row in reader:
            yield {k: csv_unsafe(v or "") for k, v in row.items() if k}
    elif fmt == "jsonl":
        for number, line in enumerate(content.splitlines(), 1):
            if line.strip():
                yield _parsed(line, number)
    elif fmt == "jsonld":
        yield from (_from_web_annotation(item) for item in _web_annotations(json.loads(content)))
    else:
        raise ValueError(f"unknown import format {fmt!r}; use one of {', '.join(FORMATS)}")


def _parsed(line: str, number: int) -> dict:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        return {"_error": f"line {number}: not JSON ({exc.msg})"}


def _web_annotations(document) -> list:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise ValueError("it is not a W3C Web Annotation document (an Annotation or an AnnotationCollection)")
    if document.get("type") == "Annotation":
        return [document]
    page = document.get("first") or {}
    return page.get("items", []) if isinstance(page, dict) else []


def _from_web_annotation(item) -> dict:
    if not isinstance(item, dict):
        return {"_error": "an item of the collection is not an annotation object"}
    bodies = _listed(item.get("body"))
    by_purpose = {b.get("purpose"): b for b in bodies}
    target = item.get("target") if isinstance(item.get("target"), dict) else {}
    source = target.get("source") or {}
    selectors = _listed(target.get("selector"))
    position = next((s for s in selectors if s.get("type") == "TextPositionSelector"), {})
    quote = next((s for s in selectors if s.get("type") == "TextQuoteSelector"), {})
    return {
        "content_hash": source.get("nar:contentHash", "") if isinstance(source, dict) else "",
        "start": position.get("start"),
        "end": position.get("end"),
        "text": quote.get("exact", ""),
        "term": by_purpose.get("tagging", {}).get("value", ""),
        "category": by_purpose.get("classifying", {}).get("value", ""),
        "category_colour": by_purpose.get("classifying", {}).get("nar:colour", ""),
        "note": by_purpose.get("commenting", {}).get("value", ""),
        "author": _creator(item.get("creator")),
        "created": item.get("created", ""),
        "modified": item.get("modified", ""),
    }


def _creator(value) -> str:
    # The Web Annotation model allows a creator as an object or as a bare IRI, which names no analyst here.
    return value.get("nickname", "") if isinstance(value, dict) else ""


def _listed(value) -> list[dict]:
    """A JSON-LD value that may be one object or a list of them, keeping only the objects."""
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, dict)]


# Fields a record gives as text; a number or a list there is a malformed file, not a tag.
_TEXT_FIELDS = ("content_hash", "term", "category", "category_colour", "author", "note")


class BadRecord(ValueError):
    """A record that cannot become a tag, with the reason in the analyst's words."""


def import_annotations(content: str, fmt: str) -> ImportResult:
    result = ImportResult()
    articles: dict[str, Article | None] = {}
    with transaction.atomic():
        for number, r in enumerate(read_records(fmt, content), 1):
            if isinstance(r, dict) and "_error" in r:
                result.errors.append(r["_error"])
                continue
            try:
                with transaction.atomic():  # a record that fails half-way leaves nothing of itself behind
                    _import_one(_checked(r), articles, result)
            except BadRecord as exc:
                result.errors.append(f"record {number}: {exc}")
            except ValidationError as exc:  # a term or category name the lexicon refuses
                result.errors.append(f"record {number}: {' '.join(exc.messages)}")
    return result


def _checked(r) -> dict:
    """The record with its offsets as ints and its times parsed; BadRecord says what is wrong."""
    if not isinstance(r, dict):
        raise BadRecord("is not an object with the tag's fields (content_hash, start, end, text, term, category)")
    missing = [name for name in ("start", "end", "term", "category") if r.get(name) in (None, "")]
    if missing:
        raise BadRecord(f"has no {', '.join(missing)}")
    start, end = _offset(r["start"], "start"), _offset(r["end"], "end")
    if end <= start:
        raise BadRecord(f"end ({end}) must come after start ({start})")
    if not isinstance(r.get("text", ""), str) or not r.get("text"):
        raise BadRecord("has no text: the tagged words are needed to check the place")
    wrong = [name for name in _TEXT_FIELDS if r.get(name) is not None and not isinstance(r[name], str)]
    if wrong:
        raise BadRecord(f"{', '.join(wrong)} must be text")
    return {**r, "start": start, "end": end, "created": _time(r, "created"), "modified": _time(r, "modified")}


def _offset(value, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadRecord(f"{name} is not a whole number ({value!r})") from None
    if number < 0:
        raise BadRecord(f"{name} is negative ({number})")
    return number


def _time(r: dict, name: str) -> datetime | None:
    value = r.get(name)
    if not value:
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadRecord(f"{name} {value!r} is not a date and time (ISO 8601, e.g. 2025-03-08T10:00:00Z)")
    return parsed


def _import_one(r: dict, articles: dict[str, Article | None], result: ImportResult) -> None:
    content_hash = r.get("content_hash") or ""
    if content_hash not in articles:
        articles[content_hash] = Article.objects.filter(content_hash=content_hash).first() if content_hash else None
    article = articles[content_hash]
    if article is None:
        result.unmatched += 1
        return
    start, end, text = r["start"], r["end"], r["text"]
    if article.clean_text[start:end] != text:
        place = nearest(article.clean_text, text, start) if text else None
        if place is None:
            raise BadRecord(f"“{text[:40]}” is not in article {article.pk}")
        start, end = place, place + len(text)
        result.moved += 1
    category = category_named(r["category"])
    if (
        r.get("category_colour")
        and category.colour != valid_colour(r["category_colour"])
        and not category.terms.exists()
    ):
        category.colour = valid_colour(r["category_colour"])
        category.save(update_fields=["colour"])
    author = _author(r.get("author") or "", result)
    term, _ = get_or_create_term(r["term"], category, user=author)
    annotation, created = Annotation.objects.get_or_create(
        article=article,
        term=term,
        start=start,
        end=end,
        author=author,
        defaults={"text": text, "note": r.get("note") or ""},
    )
    if not created:
        result.existing += 1
        return
    _keep_times(annotation, r)
    result.created += 1


def _author(username: str, result: ImportResult):
    """The user with this name; if the copy has none, an inactive account of that name keeps the attribution."""
    if not username:
        return None
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, is_active=False)
        user.set_unusable_password()
        user.save()
        result.created_users.append(username)
    return user


def _keep_times(annotation: Annotation, r: dict) -> None:
    created, modified = r["created"], r["modified"]  # parsed by _checked
    if created or modified:
        # update() bypasses auto_now/auto_now_add, which would stamp the import's own time.
        Annotation.objects.filter(pk=annotation.pk).update(
            created_at=created or annotation.created_at, updated_at=modified or created or annotation.updated_at
        )

