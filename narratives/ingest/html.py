"""A web page → a Document: the article's main text and metadata by trafilatura.

trafilatura drops navigation, comments and most widgets; the furniture it lets through is caught
later by the same rules as for plain text. When it finds no article at all (a short fragment sent
through the API, an unusual page) every block of visible text is kept instead: better furniture to
dim than an article silently emptied.
"""

from __future__ import annotations

import difflib
import logging
import re
from datetime import date
from typing import NamedTuple

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from .language import primary_subtag
from .normalize import joins_hyphenated
from .readers import Document, Unreadable, decode_text

log = logging.getLogger(__name__)

DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
HTML_LANG = re.compile(r"""<html[^>]*?\blang\s*=\s*["']?([A-Za-z_-]+)""", re.IGNORECASE)
LOOKS_LIKE_HTML = re.compile(r"<\s*(?:html|body|p|div|article|h[1-6]|br|span|!doctype)\b", re.IGNORECASE)
FALLBACK_DROPPED = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "head")
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# The block elements of trafilatura's output tree (the others, <hi>, <ref>, <del>, <code>, are inline).
OUTPUT_BLOCKS = ("p", "head", "list", "item", "quote", "table", "row", "cell", "lb", "div", "ab")
# Elements that end a line of text: loose text beside one of them is a paragraph of its own. The
# list holds every element that makes libxml2 close an open <p> (checked by parsing
# ``<p>a <x>b</x> c</p>`` for each tag), plus the sectioning ones that break a line without closing it.
LOOSE_TEXT_BREAKERS = (
    "p", "div", "center", "ul", "ol", "menu", "dir", "li", "dl", "dt", "dd", "table", "tbody", "tfoot",
    "tr", "td", "th", "blockquote", "pre", "listing", "xmp", "fieldset", "form", "address", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "figure", "header", "footer", "nav",
    "aside", "main",
)  # fmt: skip
# Elements that start and end a line of the plain-text fallback.
FALLBACK_BLOCKS = (
    *LOOSE_TEXT_BREAKERS, "br", "figcaption", "caption", "details", "summary", "legend", "dialog", "hgroup",
)  # fmt: skip
# Characters an XML tree cannot hold (lxml refuses them); they are never article text.
XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def read_html(data: bytes | str, filename: str, content_type: str = "text/html") -> Document:
    if isinstance(data, bytes):
        html, warnings = decode_text(data, _declared_charset(data))
        original = data
    else:
        html, warnings, original = data, [], data.encode("utf-8")
    if not LOOKS_LIKE_HTML.search(html[:100_000]):
        warnings.append("no HTML tags found: read as plain text")
        return Document(filename, original, content_type or "text/html", html, warnings=warnings)
    paragraphs, headings, meta = _extract(html)
    if not any(paragraphs):
        raise Unreadable("has no readable text in its HTML")
    # A heading that opens the article text is its headline, whatever <title> or og:title say
    # (those often add the site's name or a longer social-media wording).
    title = paragraphs[0] if paragraphs[0] in headings else meta.title or ""
    return Document(
        filename,
        original,
        content_type or "text/html",
        "\n".join(paragraphs),
        lines_are_paragraphs=True,
        headings=frozenset(headings),
        title=title,
        byline=meta.author or "",
        url=meta.url or "",
        published=_iso_date(meta.date),
        language=_page_language(html),
        site_name=meta.sitename or "",
        warnings=warnings,
    )


def _declared_charset(data: bytes) -> str:
    match = DECLARED_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "ignore") if match else ""


def _extract(html: str):
    html = _with_loose_text_in_paragraphs(XML_INCOMPATIBLE.sub("", html))
    try:
        extracted = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True, include_images=False
        )
    except Exception as exc:  # trafilatura's parsers raise on some malformed markup
        log.info("trafilatura failed (%r); keeping all visible text", exc)
        extracted = None
    meta = extracted if extracted is not None else _NoMetadata()
    body = getattr(extracted, "body", None)
    paragraphs, headings = _blocks_of_body(body) if body is not None else ([], set())
    visible, visible_headings = _visible_blocks(html)
    if not any(paragraphs):
        return visible, visible_headings, meta
    return _with_dropped_lines_restored(paragraphs, visible), headings, meta


def _with_dropped_lines_restored(paragraphs: list[str], visible: list[str]) -> list[str]:
    """trafilatura's paragraphs, plus the visible lines it dropped from *inside* the article.

    It drops short blocks it takes for widgets, and some of them are the article's own words (a
    one-line paragraph, a block with unusual attributes). Between the first and the last paragraph
    it kept, a visible line that it left out entirely (not merged or rewritten) is put back in its
    place: the classifier dims it if it is furniture, and no sentence of the article goes missing.
    """
    kept = set(paragraphs)
    restored: list[str] = []
    matcher = difflib.SequenceMatcher(None, visible, paragraphs, autojunk=False)
    opcodes = matcher.get_opcodes()
    for n, (op, v_start, v_end, p_start, p_end) in enumerate(opcodes):
        inside = 0 < n < len(opcodes) - 1
        if op == "delete" and inside:
            restored.extend(line for line in visible[v_start:v_end] if line not in kept)
        restored.extend(paragraphs[p_start:p_end])
    return restored


def _with_loose_text_in_paragraphs(html: str) -> str:
    """The page with every run of text that stands loose beside a block element put in a <p> of its own.

    HTML's parser closes a paragraph at a block element inside it, so ``<p>a <div>b</div> c</p>``
    parses as ``<p>a </p><div>b</div> c``: "c" is left as loose text after the block. Extractors
    read paragraphs, not loose text, and trafilatura dropped it (and the same for loose text *before*
    a block, ``<span>a</span><div>b</div>``). A sentence cut in half is worse than a line of
    furniture, so each loose run (with the inline elements that continue it) gets its own paragraph,
    and trafilatura decides about it like any other. Mending the tree is sturdier than second-guessing
    the extractor's output: its choices about furniture stay as they are, only text that it could
    not see as a paragraph becomes one.
    """
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    parents = [e for e in root.iter() if any(child.tag in LOOSE_TEXT_BREAKERS for child in e)]
    runs = [run for parent in parents for run in _loose_runs(parent)]
    if not runs:
        return html
    for run in runs:
        paragraph = lxml.html.Element("p")
        paragraph.text = run.text
        if run.after is None:  # the run that opens the parent: the parent's own text
            run.parent.text = None
            run.parent.insert(0, paragraph)
        else:  # a run after a block: the block's tail
            run.after.tail = None
            run.after.addnext(paragraph)
        paragraph.extend(run.inline)  # moving an element moves its tail text with it
    return lxml.html.tostring(root, encoding="unicode")


class LooseRun(NamedTuple):
    parent: HtmlElement
    after: HtmlElement | None  # the block the run follows; None for the run that opens the parent
    text: str | None
    inline: list[HtmlElement]  # the inline elements (and comments) that continue it


def _loose_runs(parent: HtmlElement) -> list[LooseRun]:
    """The runs of visible loose text among parent's children, split by its block children.

    The opening run of a <p> or a heading is left alone: it is a paragraph already.
    """
    runs: list[LooseRun] = []
    run = LooseRun(parent, None, parent.text, [])
    for child in [*parent, None]:
        if child is not None and child.tag not in LOOSE_TEXT_BREAKERS:
            run.inline.append(child)
            continue
        opens_a_paragraph = run.after is None and parent.tag in ("p", *HEADING_TAGS)
        if _shows_text(run) and not opens_a_paragraph:
            runs.append(run)
        if child is not None:
            run = LooseRun(parent, child, child.tail, [])
    return runs


def _shows_text(run: LooseRun) -> bool:
    def shown(e: HtmlElement) -> bool:  # a comment's text is not shown, a script's is not either
        return isinstance(e.tag, str) and e.tag not in FALLBACK_DROPPED and any(t.strip() for t in e.itertext())

    texts = [run.text, *(e.tail for e in run.inline)]
    return any(t and t.strip() for t in texts) or any(shown(e) for e in run.inline)


class _NoMetadata:
    title = author = url = date = sitename = None


def _blocks_of_body(body) -> tuple[list[str], set[str]]:
    """Paragraphs of trafilatura's output tree (<head>, <p>, <list>, <quote>, <table> …)."""
    # A block nested in a block (a list inside an item, a paragraph inside a cell, a line break) is
    # a new line on the page: without a space at its edges its first word sticks to the last one.
    for block in body.iter(*OUTPUT_BLOCKS):
        if block.tag == "lb" and _splits_a_hyphenated_word(block):
            # "peace-<br>keeping" is one word broken at the margin, as in a wrapped .txt; pretty-printed
            # markup puts a newline and indentation after the <br>, which must not split it again.
            block.tail = block.tail.lstrip()
            continue
        block.text, block.tail = " " + (block.text or ""), " " + (block.tail or "")
    paragraphs: list[str] = []
    headings: set[str] = set()
    for element in body:
        if element.tag == "list":
            paragraphs.extend(_text(item) for item in element.findall("item"))
        elif element.tag == "table":
            paragraphs.extend(" | ".join(_text(cell) for cell in row.findall("cell")) for row in element.iter("row"))
        else:
            text = _text(element)
            paragraphs.append(text)
            if element.tag == "head":
                headings.add(text)
    return [p for p in paragraphs if p], headings


def _splits_a_hyphenated_word(line_break) -> bool:
    previous = line_break.getprevious()
    before = (previous.tail if previous is not None else line_break.getparent().text) or ""
    return joins_hyphenated(before, (line_break.tail or "").lstrip())


def _visible_blocks(html: str) -> tuple[list[str], set[str]]:
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return [], set()
    for element in list(root.iter(*FALLBACK_DROPPED)):
        if element.getparent() is not None:
            element.drop_tree()
    headings = {_text(h) for h in root.iter(*HEADING_TAGS)}
    for element in root.iter(*FALLBACK_BLOCKS):  # each block starts and ends a line
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    lines = [" ".join(line.split()) for line in root.text_content().split("\n")]
    return [line for line in lines if line], {h for h in headings if h}


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _page_language(html: str) -> str:
    match = HTML_LANG.search(html[:4096])
    return primary_subtag(match.group(1)) if match else ""
