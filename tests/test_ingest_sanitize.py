"""The one allow-list for HTML kept for display (tests/security/test_sanitizer.py runs the vector corpus)."""

from __future__ import annotations

from narratives.ingest.sanitize import clean_html


def test_scripts_styles_and_handlers_are_removed_with_their_code():
    cleaned = clean_html('<p onclick="steal()">Words<script>alert(1)</script><style>p{}</style></p>')
    assert cleaned == "<p>Words</p>"


def test_links_keep_web_addresses_only_and_get_a_safe_rel():
    cleaned = clean_html('<a href="javascript:alert(1)">bad</a> <a href="https://example.org/x" target=_blank>good</a>')
    assert "javascript" not in cleaned and "target" not in cleaned
    assert '<a href="https://example.org/x" rel="noopener noreferrer nofollow">good</a>' in cleaned


def test_ordinary_rich_text_survives_unchanged():
    html = (
        "<h3>Heading</h3><p>A <strong>bold</strong> and <em>quoted</em> <q>claim</q>.</p>"
        "<ol><li>one</li></ol><blockquote>cited</blockquote>"
    )
    assert clean_html(html) == html


def test_unknown_tags_are_unwrapped_keeping_their_words():
    assert clean_html('<p><font color="red">red</font> <img src=x onerror=alert(1)>text</p>') == "<p>red text</p>"
