"""An outlet's own wording: the words and phrases of its text, and the phrases it puts in scare quotes.

Only what the outlet wrote counts: titles, headings, sentences and captions, never web furniture or
metadata (datelines, bylines, "Source: …").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..models import SegmentKind
from .stopwords import STOPWORDS

WORDING_KINDS = (SegmentKind.TITLE, SegmentKind.HEADING, SegmentKind.SENTENCE, SegmentKind.CAPTION)

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")

# A scare-quoted phrase is short: longer quoted text is reported speech, not a label.
MAX_QUOTED_WORDS = 4
_QUOTED = re.compile(
    r"(?:“(?P<a>[^“”\n]{2,80}?)”|«(?P<b>[^«»\n]{2,80}?)»|„(?P<c>[^„“”\n]{2,80}?)[“”]|‘(?P<d>[^‘’\n]{2,80}?)’(?![^\W\d_])|\"(?P<e>[^\"\n]{2,80}?)\")"
)
_EDGE_PUNCTUATION = " \u00a0.,;:!?-–—…"


def words(text: str) -> list[str]:
    """Lower-cased words; hyphenated compounds and contractions stay one word."""
    return _WORD.findall(text.lower().replace("’", "'"))


def content_words(tokens: list[str]) -> Iterator[str]:
    return (w for w in tokens if w not in STOPWORDS and len(w) > 1)


def phrases(tokens: list[str]) -> list[str]:
    """Two- and three-word sequences that neither start nor end with a stopword ("terrorist gangs",
    "inspired from abroad"). Comprehensions over zipped lists: this runs over every word of the corpus."""
    stop = [w in STOPWORDS for w in tokens]
    pairs = [f"{a} {b}" for a, b, sa, sb in zip(tokens, tokens[1:], stop, stop[1:]) if not (sa or sb)]
    triples = [
        f"{a} {b} {c}" for a, b, c, sa, sc in zip(tokens, tokens[1:], tokens[2:], stop, stop[2:]) if not (sa or sc)
    ]
    return pairs + triples


@dataclass(frozen=True)
class Quoted:
    start: int
    end: int
    text: str


def scare_quoted(text: str) -> Iterator[Quoted]:
    """Short phrases in quotation marks, without the punctuation typed inside them (“pacification. ”)."""
    for m in _QUOTED.finditer(text):
        group = next(name for name in "abcde" if m.group(name) is not None)
        inner_start, inner_end = m.span(group)
        raw = text[inner_start:inner_end]
        stripped = raw.strip(_EDGE_PUNCTUATION)
        if not stripped:
            continue
        start = inner_start + raw.index(stripped)
        n_words = len(words(stripped))
        if 1 <= n_words <= MAX_QUOTED_WORDS and any(ch.isalpha() for ch in stripped):
            yield Quoted(start, start + len(stripped), stripped)


@dataclass
class OutletWording:
    """Counts gathered over one outlet's texts."""

    words: Counter[str]
    phrases: Counter[str]
    quoted: Counter[str]
    quoted_articles: dict[str, set[int]]


def gather(rows: Iterable[tuple[int, int, int, str]]) -> dict[int, OutletWording]:
    """``rows`` of (outlet id, article id, paragraph, segment text) in reading order → per outlet, its counts.

    Words and phrases are counted per segment, so a phrase never runs across two sentences; scare
    quotes per paragraph, because a sentence splitter may cut “pacification. ”Of between two segments.
    """
    result: dict[int, OutletWording] = {}
    paragraph: list[str] = []
    current: tuple[int, int, int] | None = None
    for outlet_id, article_id, number, text in rows:
        if current != (outlet_id, article_id, number):
            if current is not None:
                _count_quotes(result[current[0]], current[1], " ".join(paragraph))
            current, paragraph = (outlet_id, article_id, number), []
        wording = result.get(outlet_id)
        if wording is None:
            wording = result[outlet_id] = OutletWording(Counter(), Counter(), Counter(), {})
        tokens = words(text)
        wording.words.update(content_words(tokens))
        wording.phrases.update(phrases(tokens))
        paragraph.append(text)
    if current is not None:
        _count_quotes(result[current[0]], current[1], " ".join(paragraph))
    return result


def _count_quotes(wording: OutletWording, article_id: int, text: str) -> None:
    for q in scare_quoted(text):
        key = " ".join(q.text.split())
        wording.quoted[key] += 1
        wording.quoted_articles.setdefault(key, set()).add(article_id)
