"""Render a stretch of clean text with highlighted spans as properly nested, escaped HTML.

Matches, phrases, tags and occurrences overlap freely; HTML elements cannot. Where two spans cross,
the inner one is closed and reopened around the boundary, so every piece of text sits inside exactly
the spans that cover it, and each element keeps its span's attributes (the same ``data-match`` may
therefore appear on several adjacent elements).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    tag: str = "mark"
    attrs: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def open_html(self) -> str:
        return _open_tag(self.tag, self.attrs)

    def close_html(self) -> str:
        return f"</{self.tag}>"


ATTR = ' {}="{}"'


@functools.lru_cache(maxsize=4096)
def _open_tag(tag: str, attrs: tuple[tuple[str, str], ...]) -> str:
    # Escaping attributes dominated page rendering; the same few tags recur on every paragraph.
    return f"<{tag}{format_html_join('', ATTR, attrs)}>"


def mark_up(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> SafeString:
    """HTML for ``text[start:end]`` with ``spans`` (absolute offsets into ``text``) wrapped around their pieces."""
    end = len(text) if end is None else end
    clipped = [
        Span(max(s.start, start), min(s.end, end), s.tag, s.attrs) for s in spans if s.start < end and s.end > start
    ]
    clipped = [s for s in clipped if s.end > s.start]
    # Longer spans open first so they sit outside the shorter ones that start at the same place.
    clipped.sort(key=lambda s: (s.start, -s.end))
    bounds = sorted({start, end, *(s.start for s in clipped), *(s.end for s in clipped)})
    out: list[str] = []
    stack: list[Span] = []
    pending = list(reversed(clipped))
    for i, pos in enumerate(bounds):
        _close_ending(stack, pos, out)
        while pending and pending[-1].start == pos:
            span = pending.pop()
            stack.append(span)
            out.append(span.open_html())
        if i + 1 < len(bounds):
            out.append(escape(text[pos : bounds[i + 1]]))
    return mark_safe("".join(out))


def _close_ending(stack: list[Span], pos: int, out: list[str]) -> None:
    if not any(s.end == pos for s in stack):
        return
    # Unwind to the deepest span that ends here, then reopen the ones that go on.
    depth = min(i for i, s in enumerate(stack) if s.end == pos)
    reopen = [s for s in stack[depth:] if s.end != pos]
    for s in reversed(stack[depth:]):
        out.append(s.close_html())
    del stack[depth:]
    for s in reopen:
        stack.append(s)
        out.append(s.open_html())
