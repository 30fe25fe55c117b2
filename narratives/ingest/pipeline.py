"""The one way articles enter the corpus: upload page, admin, API and command line all call these.

Each article is stored in its own transaction (outlet, article and segments together), so a failure
leaves nothing half-written and never stops the rest of a batch. Every outcome, good or bad, comes
back as an IngestResult that names the file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypedDict, Unpack

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Count, Q

from narratives.models import Article, Outlet, Segment, SegmentKind

from . import dedupe
from .build import Built, build, clean_line
from .containers import read_input
from .dependants import analyst_work, forget_machine_spans
from .html import read_html
from .readers import Document, Failure, Unreadable

log = logging.getLogger(__name__)

UNKNOWN_OUTLET = "Unknown outlet"
EMBED_TOGETHER = 16  # articles embedded in one encoder call on import (see iter_ingest_paths)


@dataclass
class IngestResult:
    file: str  # "x.txt", "pasted text", "batch.zip/member.txt", "rows.csv:row 3"
    article: Article | None = None
    duplicate_of: Article | None = None  # set when the input is already in the corpus (nothing created)
    error: str | None = None  # names the file and the reason
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """The row of ``import_articles --json`` (and of the upload page's result list)."""
        counts = {"total": 0, "boilerplate": 0}
        if self.article is not None:
            counts = self.article.segments.aggregate(
                total=Count("id"), boilerplate=Count("id", filter=Q(kind=SegmentKind.BOILERPLATE))
            )
        return {
            "file": self.file,
            "id": self.article.pk if self.article else None,
            "title": self.article.title if self.article else None,
            "outlet": self.article.outlet.name if self.article else None,
            "segments": counts["total"],
            "boilerplate": counts["boilerplate"],
            "duplicate_of": self.duplicate_of.pk if self.duplicate_of else None,
            "error": self.error,
        }


class Given(TypedDict, total=False):
    """What the uploader says of an article; each value given wins over what is found in the text."""

    title: str
    byline: str
    url: str
    published: date | None
    language: str


def ingest_text(text: str, *, outlet: str, user=None, filename: str = "pasted text", **given: Unpack[Given]) -> IngestResult:
    """Pasted plain text."""
    document = Document(filename, text.encode("utf-8", "replace"), "text/plain; charset=utf-8", text)
    return _ingest_with(document, outlet, user, given)


def ingest_html(html: str, *, outlet: str, user=None, filename: str = "pasted HTML", **given: Unpack[Given]) -> IngestResult:
    """An HTML page or fragment; main text and metadata by trafilatura."""
    try:
        document = read_html(html, filename)
    except Unreadable as exc:
        return IngestResult(filename, error=Failure(filename, str(exc)).message)
    return _ingest_with(document, outlet, user, given)


def ingest_file(
    data: bytes, filename: str, *, outlet: str | None = None, content_type: str = "", user=None
) -> list[IngestResult]:
    """One uploaded file; a zip, CSV or JSONL gives one result per article (or per bad member/row)."""
    return ingest_items(read_input(data, filename, content_type), outlet=outlet, user=user)


def ingest_items(items: Iterable[Document | Failure], *, outlet: str | None = None, user=None) -> list[IngestResult]:
    """Read documents (or failures) stored one by one, then embedded together in one encoder call."""
    return embed_results([ingest_item(item, outlet=outlet, user=user, embed=False) for item in items])


def ingest_paths(paths: list[Path], *, outlet: str | None = None, user=None) -> list[IngestResult]:
    """Files, folders (recursively), zips and CSV/JSONL on disk."""
    return list(iter_ingest_paths(paths, outlet=outlet, user=user))


def iter_ingest_paths(paths: Iterable[Path], *, outlet: str | None = None, user=None) -> Iterator[IngestResult]:
    """As ingest_paths, a few results at a time, so a long import can report as it goes.

    Each result comes out once its article is stored *and* embedded. Articles are embedded
    EMBED_TOGETHER at a time: one encoder call over all their sentences, sorted by length, pads
    far less than a call per article (docs/MATCHING.md, "ingest path").
    """
    waiting: list[IngestResult] = []
    for result in _stored_from_paths(paths, outlet, user):
        waiting.append(result)
        if sum(r.article is not None for r in waiting) >= EMBED_TOGETHER:
            yield from embed_results(waiting)
            waiting = []
    yield from embed_results(waiting)


def _stored_from_paths(paths: Iterable[Path], outlet: str | None, user) -> Iterator[IngestResult]:
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for file in _files_under(path):
                yield from _ingest_path(file, str(file.relative_to(path.parent)), outlet, user)
        elif path.is_file():
            yield from _ingest_path(path, str(path), outlet, user)
        else:
            yield IngestResult(str(path), error=f"{path}: no such file or folder")


def ingest_item(item: Document | Failure, *, outlet: str | None = None, user=None, embed: bool = True) -> IngestResult:
    """Store one read Document (or report its Failure); never raises for the sake of a batch.

    With ``embed=False`` the new article is stored without vectors: the caller embeds it, together
    with others, by ``embed_results``.
    """
    if isinstance(item, Failure):
        return IngestResult(item.filename, error=item.message)
    try:
        built = build(item)
    except Unreadable as exc:
        return IngestResult(item.filename, error=Failure(item.filename, str(exc)).message)
    try:
        return _store(item, built, outlet, user, embed)
    except (OperationalError, InterfaceError):
        # The database itself failed (gone, or full): no other file would fare better, and the caller
        # must say so (503/507, "nothing was saved") rather than blame this file.
        raise
    except Exception:  # an unexpected bug must cost one file, not the batch; the log has the trace
        log.exception("ingest of %s failed", item.filename)
        return IngestResult(item.filename, error=f"{item.filename}: could not be stored (an internal error, logged)")


def reingest(article: Article) -> IngestResult:
    """Rebuild clean text and segments from ``article.original`` in place (same row id).

    Title, outlet, byline, date and url stay as they are: an analyst may have corrected them. If the
    rebuilt text differs and analysts have tagged or judged spans of the old text, nothing changes:
    their offsets would no longer point at the words they chose.
    """
    name = article.original_filename or f"article {article.pk}"
    items = list(read_input(bytes(article.original), name, article.original_content_type))
    if len(items) != 1:
        return IngestResult(name, error=f"{name}: the original holds {len(items)} articles, not one")
    if isinstance(items[0], Failure):
        return IngestResult(name, error=items[0].message)
    headline, inserted = _headline_as_built(article)
    try:
        built = build(items[0], title=headline, insert_title=inserted)
    except Unreadable as exc:
        return IngestResult(name, error=Failure(name, str(exc)).message)
    return _replace_text(article, built, name)


# --- storing --------------------------------------------------------------------------------------


def _ingest_with(document: Document, outlet: str, user, given: Given) -> IngestResult:
    for name, value in given.items():
        if value:
            setattr(document, name, value)
    return ingest_item(document, outlet=outlet, user=user)


def _store(document: Document, built: Built, default_outlet: str | None, user, embed: bool = True) -> IngestResult:
    result = IngestResult(document.filename, warnings=list(built.warnings))
    outlet_name = _outlet_name(document, default_outlet, result.warnings)
    try:
        with transaction.atomic():
            outlet = outlet_named(outlet_name)
            digest = dedupe.content_hash(outlet.pk, built.comparable)
            existing = Article.objects.filter(content_hash=digest).first()
            if existing is not None:
                result.duplicate_of = existing
                result.warnings.append(f"already in the corpus as article {existing.pk} (“{existing.title}”)")
                return result
            near = dedupe.find_near_duplicate(built.comparable, built.word_count)
            article = Article.objects.create(
                outlet=outlet,
                title=built.title,
                byline=built.byline,
                published=built.published,
                url=built.url,
                language=built.language,
                original=document.original,
                original_filename=document.filename[-255:],
                original_content_type=document.content_type[:100],
                clean_text=built.clean_text,
                content_hash=digest,
                near_duplicate_of=near.article if near else None,
                word_count=built.word_count,
                uploaded_by=user if getattr(user, "pk", None) else None,
            )
            _create_segments(article, built)
    except IntegrityError:
        # Another upload of the same text committed between our check and our insert.
        existing = Article.objects.filter(content_hash=digest).first()
        if existing is None:
            raise
        result.duplicate_of = existing
        return result
    if near:
        result.warnings.append(_near_warning(near))
    result.article = article
    if embed:
        embed_results([result])
    return result


def _replace_text(article: Article, built: Built, name: str) -> IngestResult:
    result = IngestResult(name, warnings=list(built.warnings))
    digest = dedupe.content_hash(article.outlet_id, built.comparable)
    twin = Article.objects.filter(content_hash=digest).exclude(pk=article.pk).first()
    if twin is not None:
        error = f"{name}: re-ingested, it would be identical to article {twin.pk}"
        return IngestResult(name, error=error, duplicate_of=twin)
    text_changed = built.clean_text != article.clean_text
    if text_changed:
        work = analyst_work(article)
        if work:
            error = f"{name}: the rebuilt text differs, and analysts' work points into the old one ({work}); "
            error += "kept as it was"
            return IngestResult(name, error=error)
    with transaction.atomic():
        article.segments.all().delete()
        if text_changed:
            forget_machine_spans(article)
        article.clean_text = built.clean_text
        article.content_hash = digest
        article.word_count = built.word_count
        article.language = article.language or built.language
        article.byline = article.byline or built.byline
        article.published = article.published or built.published
        article.save()
        _create_segments(article, built)
    result.article = article
    embed_results([result])
    return result


def _create_segments(article: Article, built: Built) -> None:
    Segment.objects.bulk_create(
        Segment(article=article, kind=s.kind, paragraph=s.paragraph, order=i, start=s.start, end=s.end, text=s.text)
        for i, s in enumerate(built.spans)
    )


def embed_results(results: list[IngestResult]) -> list[IngestResult]:
    """Index the new articles' sentences for matching, in one encoder call; returns the results.

    An article is kept if this fails (it can be re-embedded): its result says so. When a group
    fails, each article is tried alone, so one bad article does not leave the others unindexed.
    """
    from narratives.matching import index  # loaded late: the embedding model is heavy and optional here

    fresh = [r for r in results if r.article is not None and r.duplicate_of is None and not r.error]
    groups = [fresh] if fresh else []
    for group in groups:  # grows when a group fails: then each of its articles is tried alone
        try:
            with transaction.atomic():
                index.embed_articles([r.article for r in group])
        except Exception as exc:
            if len(group) > 1:
                groups.extend([r] for r in group)
                continue
            log.exception("embedding article %s failed", group[0].article.pk)
            reason = f"{exc.__class__.__name__}: {exc}"
            group[0].warnings.append(f"stored, but not yet indexed for matching ({reason}); re-embed it later")
    return results


def outlet_named(name: str) -> Outlet:
    """The outlet of that name (any capitalisation), created if new."""
    name = clean_line(name)[: Outlet._meta.get_field("name").max_length]
    outlet = Outlet.objects.filter(name__iexact=name).first()
    if outlet is not None:
        return outlet
    try:
        with transaction.atomic():
            return Outlet.objects.create(name=name)
    except IntegrityError:  # created by a concurrent upload meanwhile
        return Outlet.objects.get(name__iexact=name)


def _outlet_name(document: Document, default: str | None, warnings: list[str]) -> str:
    """A row's own outlet, else the caller's, else the page's site name, else "Unknown outlet"."""
    for name in (document.outlet, default or ""):
        if clean_line(name):
            return name
    if clean_line(document.site_name):
        warnings.append(f"no outlet given: filed under the page's site name “{document.site_name}”")
        return document.site_name
    warnings.append(f"no outlet given: filed under “{UNKNOWN_OUTLET}”; set the right one in the admin")
    return UNKNOWN_OUTLET


def _near_warning(near: dedupe.NearDuplicate) -> str:
    other = near.article
    if near.similarity >= 1.0:
        return f"same wording as article {other.pk} from {other.outlet.name} (“{other.title}”): a reprint?"
    share = f"{near.similarity:.0%} shared wording"
    return f"near-duplicate ({share}) of article {other.pk} from {other.outlet.name} (“{other.title}”)"


def _headline_as_built(article: Article) -> tuple[str, bool]:
    """(the title hint, whether to insert it) that rebuild the text with the headline it was built with.

    The stored title segment says it, not ``article.title``: an analyst may have corrected the title
    since (a corrected title would not be found in the text and be inserted as a second headline), and
    an article without a headline carries its opening words as title (they would become one).
    """
    if article.segments.exists():
        headline = article.segments.filter(kind=SegmentKind.TITLE).order_by("start").values_list("text", flat=True)
        return (headline[0], True) if headline else ("", False)
    # No segments to ask (removed by hand, or an old pipeline's article): the text's first line says it.
    return article.title, article.clean_text.split("\n\n", 1)[0] == clean_line(article.title)


def _files_under(folder: Path) -> list[Path]:
    """Regular files below ``folder`` in a stable order, without hidden files and folders."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def _ingest_path(path: Path, name: str, outlet: str | None, user) -> Iterator[IngestResult]:
    limit = settings.NARRATIVES_MAX_UPLOAD_BYTES
    try:
        size = path.stat().st_size
        if size > limit:  # checked before reading: a 5 GB file must not be loaded to be refused
            error = f"{name}: is {size // 2**20} MB, over the {limit // 2**20} MB limit per file"
            yield IngestResult(name, error=error)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield IngestResult(name, error=f"{name}: cannot be read ({exc.strerror})")
        return
    for item in read_input(data, name):
        yield ingest_item(item, outlet=outlet, user=user, embed=False)
