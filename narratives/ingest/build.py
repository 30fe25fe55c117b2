"""A Document → everything an Article row needs, without touching the database.

Kept pure so the offset invariant and the classification can be tested (and re-run by reingest)
without storing anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from narratives.models import Article, Segment, SegmentKind

from .classify import Hints, plan_paragraphs
from .language import detect_language
from .normalize import clean_paragraphs, fix_quote_spacing, normalise_characters
from .readers import Document, Unreadable
from .segment import Span, build_spans

WORD = re.compile(r"\w+(?:[’'-]\w+)*")
FALLBACK_TITLE_CHARS = 100


@dataclass
class Built:
    clean_text: str
    spans: list[Span]
    title: str
    byline: str
    url: str
    published: date | None
    language: str
    word_count: int
    warnings: list[str] = field(default_factory=list)

    @property
    def comparable(self) -> str:
        """The article's own words: what duplicates are judged on."""
        return " ".join(span.text for span in self.spans if span.kind != SegmentKind.BOILERPLATE)


def build(document: Document, *, title: str = "", insert_title: bool = True) -> Built:
    """Clean, classify and segment ``document``; raises Unreadable when it holds no article text.

    ``title`` overrides the document's own; ``insert_title`` says whether a title the text does not
    contain is put at its head (reingest passes False unless the article was built that way).
    """
    paragraphs = clean_paragraphs(document.text, lines_are_paragraphs=document.lines_are_paragraphs)
    if not any(char.isalnum() for paragraph in paragraphs for char in paragraph):
        raise Unreadable("has no text" if not document.text.strip() else "has no words in it")
    title = clean_line(title or document.title)
    hints = Hints(
        title=title if any(char.isalnum() for char in title) else "",  # "—" or "…" names nothing
        headings=frozenset(clean_line(h) for h in document.headings),
        insert_title=insert_title,
    )
    plan = plan_paragraphs(paragraphs, hints)
    language = document.language or detect_language("\n".join(plan.paragraphs))
    clean_text, spans = build_spans(plan, language or "en")
    built = Built(
        clean_text=clean_text,
        spans=spans,
        title=_title(plan.title, spans, document.filename),
        byline=clean_line(document.byline or plan.byline)[: Article._meta.get_field("byline").max_length],
        url="",
        published=document.published or plan.published,
        language=language[: Article._meta.get_field("language").max_length],
        word_count=sum(len(WORD.findall(s.text)) for s in spans if s.kind != SegmentKind.BOILERPLATE),
        warnings=list(document.warnings),
    )
    if not built.comparable.strip():
        raise Unreadable("holds only web furniture (share buttons, comment forms …), no article text")
    built.url = _checked_url(document.url, built.warnings)
    return built


def clean_line(text: str) -> str:
    """A one-line value (title, heading, byline) normalised like the paragraphs it is compared with."""
    return fix_quote_spacing(" ".join(normalise_characters(text).split()))


def _title(title_paragraph: str, spans: list[Span], filename: str) -> str:
    limit = Article._meta.get_field("title").max_length
    if title_paragraph:
        return title_paragraph if len(title_paragraph) <= limit else title_paragraph[: limit - 1] + "…"
    # No headline in the text: the opening words stand in, marked as cut so nobody quotes them as one.
    first = next((s.text for s in spans if s.kind == SegmentKind.SENTENCE), "")
    if not first:
        return filename[:limit]
    if len(first) <= FALLBACK_TITLE_CHARS:
        return first
    return first[:FALLBACK_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def _checked_url(url: str, warnings: list[str]) -> str:
    url = url.strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        warnings.append(f"url {url[:80]!r} is not a web address; left empty")
        return ""
    return url[: Article._meta.get_field("url").max_length]


def paragraph_segments(article: Article, pieces: list[tuple[str, str]]) -> list[Segment]:
    """One segment per ``(kind, text)`` paragraph of a text joined with blank lines, offsets exact.

    For articles made without the reader (benchmarks, fixtures), whose paragraphs are their units.
    """
    segments, offset = [], 0
    for number, (kind, body) in enumerate(pieces):
        segments.append(
            Segment(article=article, kind=kind, paragraph=number, order=number, start=offset, end=offset + len(body), text=body)
        )
        offset += len(body) + 2
    return segments
