"""Overlapping highlights render as valid nesting whose text is exactly the input, escaped."""

from __future__ import annotations

import re
from html import unescape

from hypothesis import given
from hypothesis import strategies as st

from narratives.textspans import Span, mark_up


def visible_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_crossing_spans_are_split_into_nested_elements():
    html = mark_up("abcdefgh", [Span(1, 5, "mark", (("data-match", "m1"),)), Span(3, 7, "em")])
    assert html == 'a<mark data-match="m1">bc<em>de</em></mark><em>fg</em>h'


def test_text_and_attributes_are_escaped():
    html = mark_up("<b>&", [Span(0, 3, "mark", (("title", '"><script>'),))])
    assert "<script>" not in html and "<b>" not in html
    assert html.startswith('<mark title="&quot;&gt;&lt;script&gt;">&lt;b&gt;')


def test_only_the_requested_slice_is_rendered():
    assert visible_text(mark_up("one two three", [Span(0, 13)], start=4, end=7)) == "two"


spans = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=8)


@given(st.text(max_size=40), spans)
def test_any_spans_keep_the_text_and_balance_the_tags(text, pairs):
    built = [Span(min(a, b), max(a, b), "mark") for a, b in pairs if min(a, b) < max(a, b) <= len(text)]
    html = mark_up(text, built)
    assert visible_text(html) == text
    depth = 0
    for tag in re.findall(r"</?mark>", html):
        depth += -1 if tag.startswith("</") else 1
        assert depth >= 0
    assert depth == 0
