"""Key word in context: each occurrence with the words around it, and a link to its exact place.

The link uses the RFC 5147 fragment ``#char=start,end`` on the reading page: citeable as it stands,
and framing.js scrolls to and selects the span.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Article, Occurrence

CONTEXT = 70


@dataclass(frozen=True)
class Line:
    occurrence: Occurrence
    left: str
    match: str
    right: str

    @property
    def href(self) -> str:
        return position_url(self.occurrence.article, self.occurrence.start, self.occurrence.end)


def position_url(article: Article, start: int, end: int) -> str:
    return f"{article.get_absolute_url()}#char={start},{end}"


def context(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[str, str, str]:
    """Up to ``width`` characters each side, within the paragraph, cut at a word boundary."""
    left = text[max(0, start - width) : start]
    left = left[left.rfind("\n") + 1 :]
    if start - width > 0 and "\n" not in text[start - width : start] and " " in left:
        left = "…" + left[left.index(" ") + 1 :]
    right = text[end : end + width]
    right = right.split("\n", 1)[0]
    if end + width < len(text) and "\n" not in text[end : end + width] and " " in right:
        right = right[: right.rindex(" ")] + "…"
    return left, text[start:end], right


def lines(occurrences: list[Occurrence]) -> list[Line]:
    """KWIC lines for one page of occurrences: reads only those articles' texts."""
    ids = {o.article_id for o in occurrences}
    texts = dict(Article.objects.filter(pk__in=ids).values_list("id", "clean_text"))
    return [Line(o, *context(texts.get(o.article_id, ""), o.start, o.end)) for o in occurrences]
