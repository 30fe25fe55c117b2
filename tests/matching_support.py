"""Helpers for the matching tests: articles built from plain text with exact segment offsets.

The real ingest pipeline (narratives.ingest) is the source of segments in production; these helpers
give the matching tests small articles whose segment kinds we state ourselves, so a test of the
aligner does not depend on how ingest classifies a line.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from pathlib import Path

import pytest

from narratives.models import Article, Outlet, Segment, SegmentKind

_counter = itertools.count(1)
# Sentence ends: terminal punctuation, optionally followed by closing quotes/brackets, then space.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(A-Z0-9])")


def split_sentences(paragraph: str, base: int) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``paragraph`` (which starts at ``base``)."""
    spans, start = [], 0
    for boundary in _SENTENCE_END.finditer(paragraph):
        end = boundary.start() + len(boundary.group(0).rstrip())
        spans.append((base + start, base + end))
        start = boundary.end()
    if paragraph[start:].strip():
        spans.append((base + start, base + len(paragraph.rstrip())))
    return spans


def make_article(
    outlet: str,
    title: str,
    paragraphs: list[str | tuple[str, str]],
) -> Article:
    """An article whose clean text is the title and paragraphs separated by blank lines.

    A paragraph given as ``(kind, text)`` becomes one segment of that kind; a plain string is split
    into sentence segments.
    """
    pieces: list[tuple[str, str]] = [(SegmentKind.TITLE, title)]
    pieces += [(p if isinstance(p, tuple) else (SegmentKind.SENTENCE, p)) for p in paragraphs]
    text = "\n\n".join(body for _, body in pieces)
    article = Article.objects.create(
        outlet=Outlet.objects.get_or_create(name=outlet)[0],
        title=title,
        original=text.encode(),
        clean_text=text,
        content_hash=hashlib.sha256(f"{next(_counter)}:{text}".encode()).hexdigest(),
        word_count=len(text.split()),
    )
    offset, order = 0, 0
    for paragraph_no, (kind, body) in enumerate(pieces):
        spans = split_sentences(body, offset) if kind == SegmentKind.SENTENCE else [(offset, offset + len(body))]
        for start, end in spans:
            Segment.objects.create(
                article=article, kind=kind, paragraph=paragraph_no, order=order,
                start=start, end=end, text=text[start:end],
            )  # fmt: skip
            order += 1
        offset += len(body) + 2
    return article


# Lines of web furniture and metadata in the seed files, by the shape a reader sees in them.
_BOILERPLATE = re.compile(
    r"^(you may also like|leave a reply|powered by|you can skip|here’s what you need to know|immediate access)",
    re.IGNORECASE,
)
_METADATA = re.compile(r"^(by |source\b|net source|[a-z]+ \d{1,2},? \d{4}$)", re.IGNORECASE)


def seed_kind(paragraph: str) -> str:
    """How a person would classify a seed paragraph; sentences unless it looks like furniture."""
    line = paragraph.strip()
    if _BOILERPLATE.match(line):
        return SegmentKind.BOILERPLATE
    if _METADATA.match(line):
        return SegmentKind.METADATA
    if not re.search(r"[.!?][\"”’)]*$|\(I\)$", line):
        # No closing punctuation: a subheading when short, otherwise an image caption.
        return SegmentKind.HEADING if len(line.split()) <= 8 else SegmentKind.CAPTION
    return SegmentKind.SENTENCE


def seed_article(path: Path) -> Article:
    """A seed file as an article: first line the title, blank-line paragraphs classified by shape."""
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    title, body = lines[0].strip(), lines[1:]
    paragraphs: list[str | tuple[str, str]] = []
    for line in body:
        line = line.strip()
        kind = seed_kind(line)
        paragraphs.append(line if kind == SegmentKind.SENTENCE else (kind, line))
    return make_article(outlet=path.stem, title=title, paragraphs=paragraphs)


@pytest.fixture(scope="session", name="prepared_model")
def prepared_model_fixture():
    """The int8 export of the configured model (``make install`` made it; made here if missing)."""
    from narratives.matching.embed import get_backend
    from narratives.matching.export import prepare_model

    prepare_model()
    return get_backend()
