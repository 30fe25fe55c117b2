"""The one allow-list for HTML that is kept for display (notes, descriptions, user-entered rich text).

Article text is never rendered from HTML: it is stored as clean text and escaped. Anything else that
must keep markup goes through ``clean_html`` once, at save time, and only its output is marked safe.
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
        "i", "ins", "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "q": {"cite"}, "blockquote": {"cite"}}
# No javascript:, data: or relative tricks: links in notes point at the web or at an address.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Dropped with their content, not just unwrapped: their text is code or layout, never prose.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript", "svg", "math"})


def clean_html(html: str) -> str:
    """Return ``html`` reduced to harmless inline and block markup; safe to render with ``|safe``."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
