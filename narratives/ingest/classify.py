"""Decide what each clean paragraph is: title, heading, caption, metadata, boilerplate or body text.

Only body paragraphs are split into sentences (the claims); everything else becomes one segment that
is shown but never matched or counted. When unsure, a paragraph stays body text: a spurious claim
costs an analyst a glance, a claim hidden as furniture is a finding lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from narratives.models import SegmentKind

from . import patterns
from .normalize import CLOSERS

BODY = "body"  # split into sentences later
HEADER_SPAN = 6  # the headline is looked for among the first paragraphs only
HEADLINE_MIN_WORDS, HEADLINE_MAX_WORDS, HEADLINE_MAX_CHARS = 2, 30, 250  # one word: a section label
QUESTION_HEADING_MAX_WORDS = 8  # "What happens next?" standing alone is a subheading, not a claim
HEADING_MAX_WORDS, HEADING_MAX_CHARS = 12, 150  # longer unpunctuated lines are more likely sentences
CAPTION_MAX_WORDS = 40
CAPTION_ECHO_WORDS = 8  # a caption repeats up to this many opening words of a neighbouring paragraph
CAPTION_MIN_WORDS = 4
HEADER_LINE_MAX_WORDS, HEADER_LINE_MAX_CHARS = 15, 200  # dates, bylines and "Source:" lines are short
FURNITURE_MAX_WORDS, FURNITURE_MAX_CHARS = 60, 600
TAIL_LINK_MAX_WORDS = 20  # link titles listed under "You may also like"
AGENCY_SIGNATURE = re.compile(r"\s*\([^()]{1,12}\)$")  # "… vandalism. (I)", "… (AP)"
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hints:
    """What the input format itself says about the text."""

    title: str = ""
    headings: frozenset[str] = frozenset()
    insert_title: bool = True  # put a title the text does not contain at its head


@dataclass
class Plan:
    paragraphs: list[str]
    kinds: list[str]  # a SegmentKind value, or BODY
    byline: str = ""
    published: date | None = None

    @property
    def title(self) -> str:
        return next((p for p, k in zip(self.paragraphs, self.kinds) if k == SegmentKind.TITLE), "")


def plan_paragraphs(paragraphs: list[str], hints: Hints) -> Plan:
    paragraphs = list(paragraphs)
    kinds: list[str | None] = [furniture_kind(p) for p in paragraphs]
    title_at = _title_index(paragraphs, kinds, hints)
    if title_at is None and hints.title and hints.insert_title:
        # The format names a title the text does not repeat (a CSV column, an HTML <title>): it is put
        # first in the clean text so the headline's claim can be matched like any other.
        paragraphs.insert(0, hints.title)
        kinds.insert(0, None)
        title_at = 0
    if title_at is not None:
        kinds[title_at] = SegmentKind.TITLE
    _mark_link_lists(paragraphs, kinds)
    for i, kind in enumerate(kinds):
        if kind is None:
            kinds[i] = _text_kind(paragraphs, kinds, i, hints)
    plan = Plan(paragraphs, [str(k) for k in kinds])
    plan.byline, plan.published = _header_values(paragraphs, plan.kinds)
    return plan


def furniture_kind(paragraph: str) -> str | None:
    """Boilerplate, metadata or picture credit recognisable from the paragraph alone; else None."""
    # Limits in characters as well as words: one 1 MB "word" must not reach the regular expressions.
    words, chars = len(paragraph.split()), len(paragraph)
    furniture_sized = words <= FURNITURE_MAX_WORDS and chars <= FURNITURE_MAX_CHARS
    if patterns.widget_label(paragraph):
        return SegmentKind.BOILERPLATE
    if furniture_sized and patterns.furniture_phrase(paragraph):
        return SegmentKind.BOILERPLATE
    if words <= HEADER_LINE_MAX_WORDS and chars <= HEADER_LINE_MAX_CHARS and _is_header_line(paragraph):
        return SegmentKind.METADATA
    if furniture_sized and patterns.PICTURE_CREDIT.search(paragraph):
        return SegmentKind.CAPTION
    return None


def is_boilerplate_sentence(sentence: str) -> bool:
    """A widget label that sits inside a paragraph of text ("… he said. Read more: …")."""
    return patterns.widget_label(sentence) or patterns.furniture_phrase(sentence)


def _is_header_line(paragraph: str) -> bool:
    return (
        patterns.parse_date_line(paragraph)[0]
        or patterns.byline_name(paragraph) is not None
        or patterns.SOURCE_LINE.fullmatch(paragraph.rstrip(". ")) is not None
    )


def reads_as_headline(paragraph: str) -> bool:
    words = paragraph.split()
    return (
        0 < len(words) <= HEADLINE_MAX_WORDS
        and len(paragraph) <= HEADLINE_MAX_CHARS
        and sum(c.isalpha() for c in paragraph) >= 3
        and not paragraph.rstrip(CLOSERS).endswith((".", ",", ";", ":"))
    )


def _title_index(paragraphs: list[str], kinds: list[str | None], hints: Hints) -> int | None:
    header = range(min(HEADER_SPAN, len(paragraphs)))
    if hints.title:
        wanted = _loose(hints.title)
        found = next((i for i in header if _loose(paragraphs[i]) == wanted), None)
        if found is not None or hints.insert_title:
            return found
    short = None  # a section label ("World") above the headline, or a very short headline
    for i in header:
        if kinds[i] is not None:  # a date or a widget above the headline
            continue
        if not reads_as_headline(paragraphs[i]):
            return short
        if len(paragraphs[i].split()) >= HEADLINE_MIN_WORDS:
            return i
        short = i if short is None else short
    return short


def _mark_link_lists(paragraphs: list[str], kinds: list[str | None]) -> None:
    """Short unpunctuated lines under "You may also like" or "Leave a Reply" are the widget's links."""
    in_list = False
    for i, paragraph in enumerate(paragraphs):
        if kinds[i] == SegmentKind.BOILERPLATE:
            in_list = in_list or patterns.SECTION_MARKER.match(paragraph) is not None
        elif kinds[i] is None and in_list:
            # Link titles are often questions; a full stop or a long paragraph means prose again.
            if paragraph.rstrip(CLOSERS).endswith((".", "!")) or len(paragraph.split()) > TAIL_LINK_MAX_WORDS:
                in_list = False
            else:
                kinds[i] = SegmentKind.BOILERPLATE


def _text_kind(paragraphs: list[str], kinds: list[str | None], i: int, hints: Hints) -> str:
    paragraph = paragraphs[i]
    words = len(paragraph.split())
    if paragraph in hints.headings or (paragraph.endswith("?") and words <= QUESTION_HEADING_MAX_WORDS):
        return SegmentKind.HEADING
    if _ends_sentence(paragraph):
        return BODY
    if words > CAPTION_MAX_WORDS:
        return BODY
    if words >= CAPTION_MIN_WORDS and (_echoes_neighbour(paragraphs, kinds, i) or _names_a_person(paragraph)):
        return SegmentKind.CAPTION
    if words <= HEADING_MAX_WORDS and len(paragraph) <= HEADING_MAX_CHARS:
        return SegmentKind.HEADING
    return BODY


def _ends_sentence(paragraph: str) -> bool:
    core = AGENCY_SIGNATURE.sub("", paragraph).rstrip(CLOSERS + " ")
    return core.endswith((".", "!", "?", "…"))


def _echoes_neighbour(paragraphs: list[str], kinds: list[str | None], i: int) -> bool:
    """An image caption often repeats the opening of the sentence next to it (the seeds do)."""
    opening = _words(paragraphs[i])[:CAPTION_ECHO_WORDS]
    for j in (i - 1, i + 1):
        if 0 <= j < len(paragraphs) and kinds[j] in (None, BODY):
            if _words(paragraphs[j])[: len(opening)] == opening:
                return True
    return False


def _names_a_person(paragraph: str) -> bool:
    return patterns.NAMED_PERSON.match(paragraph) is not None or "pictured" in paragraph.lower()


def _header_values(paragraphs: list[str], kinds: list[str]) -> tuple[str, date | None]:
    """The first byline and the first readable date among the metadata lines."""
    byline, published = "", None
    for paragraph, kind in zip(paragraphs, kinds):
        if kind != SegmentKind.METADATA:
            continue
        byline = byline or patterns.byline_name(paragraph) or ""
        published = published or patterns.parse_date_line(paragraph)[1]
    return byline, published


def _words(text: str) -> list[str]:
    return WORD.findall(text.casefold())


def _loose(text: str) -> str:
    """Compare titles ignoring case, punctuation and spacing."""
    return " ".join(_words(text))
