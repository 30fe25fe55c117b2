"""Clean paragraphs → clean text and segments with exact offsets.

The invariant every highlight relies on is built in here: a segment's text is always cut out of the
clean text by its offsets, never re-typed. Sentence boundaries come from sentencex (fast on long
texts, knows abbreviations, initials, decimals and quotes); this module only turns its pieces into
cut points, so whatever sentencex returns, every character of a paragraph lands in exactly one
segment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sentencex

from narratives.models import SegmentKind

from .classify import BODY, Plan, is_boilerplate_sentence

log = logging.getLogger(__name__)

PARAGRAPH_SEPARATOR = "\n\n"
# sentencex keeps a quotation that holds several sentences together. Past this length a "sentence" is
# more likely a run-on caused by an unpaired quote mark, and is split again with quotes ignored.
LONG_SENTENCE_CHARS = 600
QUOTE_CHARS = "\"“”„«»‘’'‹›"
QUOTE_MARKS = str.maketrans({mark: " " for mark in QUOTE_CHARS})
MIN_SENTENCE_ALNUM = 2  # ". " or "(I)" left between two cuts is glued to the sentence before


@dataclass(frozen=True)
class Span:
    kind: str
    paragraph: int
    start: int
    end: int
    text: str


def build_spans(plan: Plan, language: str = "en") -> tuple[str, list[Span]]:
    """The clean text (paragraphs separated by a blank line) and its segments in reading order."""
    clean_text = PARAGRAPH_SEPARATOR.join(plan.paragraphs)
    spans: list[Span] = []
    offset = 0
    for index, (paragraph, kind) in enumerate(zip(plan.paragraphs, plan.kinds)):
        if kind == BODY:
            for start, end in sentence_bounds(paragraph, language):
                text = paragraph[start:end]
                sentence_kind = SegmentKind.BOILERPLATE if is_boilerplate_sentence(text) else SegmentKind.SENTENCE
                spans.append(Span(str(sentence_kind), index, offset + start, offset + end, text))
        else:
            spans.append(Span(kind, index, offset, offset + len(paragraph), paragraph))
        offset += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    return clean_text, spans


def sentence_bounds(paragraph: str, language: str = "en") -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``paragraph``, trimmed of spaces, covering all its text."""
    bounds = _bounds_from_cuts(paragraph, _cuts(paragraph, language))
    bounds = [piece for start, end in bounds for piece in _split_run_on(paragraph, start, end, language)]
    return _merge_fragments(paragraph, bounds)


def _cuts(text: str, language: str) -> list[int]:
    """Where sentencex starts each sentence, found in ``text`` itself rather than trusted as indices."""
    try:
        pieces = list(sentencex.segment(language or "en", text))
    except Exception:  # a tokenizer bug must not lose the paragraph: keep it whole
        log.warning("sentencex failed on a paragraph of %d characters; kept as one sentence", len(text))
        return [0]
    cuts, cursor = [0], 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        found = text.find(piece, cursor)
        if found < 0:
            continue  # sentencex altered the text; the previous sentence absorbs this one
        if found > 0:
            cuts.append(found)
        cursor = found + len(piece)
    return cuts


def _bounds_from_cuts(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    bounds = []
    edges = sorted(set(cuts)) + [len(text)]
    for left, right in zip(edges, edges[1:]):
        start, end = _trim(text, left, right)
        if start < end:
            bounds.append((start, end))
    return bounds


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_run_on(text: str, start: int, end: int, language: str) -> list[tuple[int, int]]:
    if end - start <= LONG_SENTENCE_CHARS:
        return [(start, end)]
    # Same length after translation, so cut points found in the copy are cut points in the original.
    original = text[start:end]
    cuts = [_back_over_quotes(original, cut) for cut in _cuts(original.translate(QUOTE_MARKS), language)]
    return [(start + left, start + right) for left, right in _bounds_from_cuts(original, cuts)]


def _back_over_quotes(text: str, cut: int) -> int:
    """Move a cut found in the unquoted copy before an opening quote mark: “We … starts a sentence."""
    j = cut
    while j > 0 and text[j - 1] in QUOTE_CHARS:
        j -= 1
    return j if j == 0 or text[j - 1].isspace() else cut


def _merge_fragments(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Glue pieces with hardly a letter (". ", "(I)") to a neighbouring sentence."""
    merged: list[tuple[int, int]] = []
    for start, end in bounds:
        if merged and (_is_fragment(text, start, end) or _is_fragment(text, *merged[-1])):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _is_fragment(text: str, start: int, end: int) -> bool:
    return sum(c.isalnum() for c in text[start:end]) < MIN_SENTENCE_ALNUM
