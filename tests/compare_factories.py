"""Helpers for the compare and review tests: articles with exact segments (made without the ingest
pipeline, so a test states precisely which sentences exist), a stand-in matcher that suggests exactly
the pairs a test names, their fixtures, and a parser that reads a compare page as a browser would."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from narratives.matching import align
from narratives.models import Article, Outlet, Segment, SegmentKind
from narratives.review.machine import RECENT_MATCHES

_serial = itertools.count(1)

Block = str | tuple[str, str]  # a sentence, or (kind, text) for a title, caption, boilerplate…


def make_article(paragraphs: list[list[Block]], outlet: str = "Outlet A", title: str = "") -> Article:
    """An article whose clean text is ``paragraphs`` (each a list of sentences, joined by spaces;
    paragraphs separated by a blank line, as ingest does) with one segment per block."""
    pieces: list[tuple[str, int, str]] = []  # (kind, paragraph, text)
    for index, paragraph in enumerate(paragraphs):
        for block in paragraph:
            kind, text = block if isinstance(block, tuple) else (SegmentKind.SENTENCE, block)
            pieces.append((kind, index, text))
    text, spans = _layout(pieces)
    n = next(_serial)
    article = Article.objects.create(
        outlet=Outlet.objects.get_or_create(name=outlet)[0],
        title=title or f"Article {n}",
        clean_text=text,
        original=text.encode(),
        content_hash=hashlib.sha256(f"{n}:{text}".encode()).hexdigest(),
        word_count=len(text.split()),
    )
    Segment.objects.bulk_create(
        Segment(article=article, kind=kind, paragraph=p, order=i, start=s, end=e, text=text[s:e])
        for i, (kind, p, s, e) in enumerate(spans)
    )
    return article


def _layout(pieces: list[tuple[str, int, str]]) -> tuple[str, list[tuple[str, int, int, int]]]:
    text, spans, previous = "", [], None
    for kind, paragraph, piece in pieces:
        if previous is not None:
            text += "\n\n" if paragraph != previous else " "
        spans.append((kind, paragraph, len(text), len(text) + len(piece)))
        text += piece
        previous = paragraph
    return text, spans


def span_of(article: Article, needle: str) -> tuple[int, int]:
    start = article.clean_text.index(needle)
    return start, start + len(needle)


def segment_with(article: Article, needle: str) -> Segment:
    return next(s for s in article.segments.all() if needle in s.text)


class Machine:
    """A stand-in for the matcher that suggests exactly the pairs a test names, and honours ``exclude``
    as the real one must. Tests of the review layer use it so they state the suggestions; the real
    matcher is exercised by the seed and browser tests."""

    def __init__(self) -> None:
        self.pairs: list[tuple[Article, Segment, Article, Segment, float, str]] = []
        self.calls: list[dict] = []

    def suggest(self, a: Article, a_needle: str, b: Article, b_needle: str, score: float = 0.8, tier: str = "strong") -> None:
        self.pairs.append((a, segment_with(a, a_needle), b, segment_with(b, b_needle), score, tier))

    def __call__(self, a: Article, b: Article, sensitivity=None, exclude=frozenset()):
        self.calls.append({"a": a.pk, "b": b.pk, "sensitivity": sensitivity, "exclude": set(exclude)})
        threshold = 1.0 - (align.DEFAULT_SENSITIVITY if sensitivity is None else sensitivity)
        matches = []
        for pa, sa, pb, sb, score, tier in self.pairs:
            if (pa.pk, pb.pk) == (b.pk, a.pk):  # asked the other way round
                pa, sa, pb, sb = pb, sb, pa, sa
            if (pa.pk, pb.pk) != (a.pk, b.pk) or score < threshold:
                continue
            key = (sa.start, sa.end, sb.start, sb.end)
            if key in exclude:
                continue
            phrase = align.PhrasePair(align.SpanRef(sa.start, sa.start + 3, sa.text[:3]), align.SpanRef(sb.start, sb.start + 3, sb.text[:3]), score)
            matches.append(
                align.Match(
                    id=align.match_id(a, b, key),
                    a=align.SpanRef(sa.start, sa.end, sa.text),
                    b=align.SpanRef(sb.start, sb.end, sb.text),
                    score=score,
                    tier=tier,
                    phrases=[phrase],
                    reasons=["paraphrase"],
                    a_segment_id=sa.pk,
                    b_segment_id=sb.pk,
                )
            )
        return align.Comparison(a, b, matches, align.DEFAULT_SENSITIVITY if sensitivity is None else sensitivity)


@pytest.fixture
def machine(monkeypatch) -> Iterator[Machine]:
    stand_in = Machine()
    monkeypatch.setattr("narratives.review.machine.compare_articles", stand_in)
    RECENT_MATCHES.clear()  # answers remembered from another test's stand-in must not leak in
    yield stand_in
    RECENT_MATCHES.clear()


@pytest.fixture
def pair(db) -> tuple[Article, Article]:
    """Two short articles on the seeds' story: a title, claims both make, claims one makes, furniture."""
    a = make_article(
        [
            [("title", "The riots in Kazakhstan are inspired from abroad, according to Moscow")],
            [
                "The demonstrations broke out on January 2 in response to the increase in the prices of liquefied gas.",
                "Moscow defended the participation of the CSTO forces.",
            ],
            ["The president noted that “terrorist gangs” had staged riots in several Kazakh cities."],
            [("boilerplate", "You may also like")],
        ],
        outlet="Prensa Latina",
        title="The riots in Kazakhstan are inspired from abroad, according to Moscow",
    )
    b = make_article(
        [
            [("title", "Lebedev: Those involved in violent unrest were foreign-backed")],
            [("metadata", "January 9 2022")],
            [
                "Protests against a hike in fuel prices turned violent in Kazakhstan.",
                "Tokayev said the protests were led by “terrorist gangs.”",
            ],
            ["Kazakhstan imposed a countrywide “critical red” terrorism threat level."],
        ],
        outlet="Al Mayadeen",
        title="Lebedev: Those involved in violent unrest were foreign-backed",
    )
    return a, b


@pytest.fixture
def suggested(pair, machine) -> tuple[Article, Article, Machine]:
    """The pair with three suggestions: two strong, one possible."""
    a, b = pair
    machine.suggest(a, "inspired from abroad", b, "foreign-backed", 0.83, "strong")
    machine.suggest(a, "prices of liquefied gas", b, "hike in fuel prices", 0.71, "strong")
    machine.suggest(a, "terrorist gangs", b, "terrorist gangs", 0.62, "possible")
    return a, b, machine


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class PageText(HTMLParser):
    """What a reader's browser sees of the rendering contract: per ``.article-text`` block, each
    ``<p data-start>``'s text content, and every highlight element with its attributes and text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[tuple[int, int, str]] = []  # (article id, data-start, text content)
        self.marks: list[dict] = []  # attrs + "article" + "text"
        self._article: int | None = None
        self._article_depth = -1
        self._paragraph: list | None = None
        self._open: list[tuple[str, dict | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "article-text" in (attrs.get("class") or "").split():
            self._article, self._article_depth = int(attrs["data-article"]), len(self._open)
        if tag == "p" and "data-start" in attrs and self._article is not None:
            self._paragraph = [self._article, int(attrs["data-start"]), ""]
        record = None
        if tag == "mark" and "data-match" in attrs and self._article is not None:
            record = {**attrs, "article": self._article, "text": ""}
            self.marks.append(record)
        if tag not in _VOID:
            self._open.append((tag, record))

    def handle_endtag(self, tag):
        while self._open:
            name, _ = self._open.pop()
            if name == tag:
                break
        if tag == "p" and self._paragraph is not None:
            self.paragraphs.append(tuple(self._paragraph))
            self._paragraph = None
        if tag == "div" and len(self._open) == self._article_depth:
            self._article, self._article_depth = None, -1

    def handle_data(self, data):
        if self._paragraph is not None:
            self._paragraph[2] += data
        for _, record in self._open:
            if record is not None:
                record["text"] += data

    def match_ids(self, article_id: int, needle: str) -> set[str]:
        """The data-match ids on the highlight(s) in ``article_id`` whose text contains ``needle``."""
        return {i for m in self.marks if m["article"] == article_id and needle in m["text"] for i in m["data-match"].split()}
