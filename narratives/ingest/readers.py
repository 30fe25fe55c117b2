"""Bytes of one file → a Document: decoded text plus whatever metadata the format carries.

Readers never touch the database and never raise for bad input: they return a Failure whose reason
an analyst can act on ("is a PNG image, not text"), so one bad file never stops a batch.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date

import charset_normalizer

log = logging.getLogger(__name__)

ROW_CONTENT_TYPE = "application/json"  # how a CSV/JSONL row is stored as an article's original


@dataclass
class Document:
    """One article's worth of input, decoded but not yet cleaned."""

    filename: str
    original: bytes
    content_type: str
    text: str
    lines_are_paragraphs: bool = False  # the format marks paragraphs itself (HTML, .docx)
    headings: frozenset[str] = frozenset()
    title: str = ""
    byline: str = ""
    url: str = ""
    published: date | None = None
    language: str = ""
    outlet: str = ""  # named by the input itself (a CSV/JSONL column): wins over the caller's default
    site_name: str = ""  # a web page's own name: used only when nobody names the outlet
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Failure:
    filename: str
    reason: str

    @property
    def message(self) -> str:
        return f"{self.filename}: {self.reason}"


class Unreadable(Exception):
    """Raised inside a reader with the reason; turned into a Failure at the reader's edge."""


# Signatures of files people upload by mistake; naming the real type beats "cannot decode".
MAGIC = [
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive or Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a media file"),
    (b"ID3", "an MP3 file"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Excel file (.doc/.xls): save it as .docx or text"),
    (b"{\\rtf", "an RTF document: save it as .docx or text"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"\x7fELF", "a program"),
]
BOMS = [  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
MOSTLY_ASCII = 0.9  # Western text in a legacy code page: a few accented letters among ASCII
MAX_CONTROL_SHARE = 0.01
# Bytes that are control characters in every ASCII-based encoding (tab, newlines, form feed and ESC
# excepted): text has next to none, binary formats are full of them.
CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
HIGH_BYTES = bytes(range(0x80, 0x100))
DECODED_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # category Cc but tab, newlines, form feed
UTF16_NUL_SHARE = 0.4
DETECTION_MAX_CHAOS = 0.3


def binary_kind(data: bytes) -> str | None:
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    return None


def decode_text(data: bytes, declared: str = "") -> tuple[str, list[str]]:
    """Text and warnings; raises Unreadable for binary data or bytes no encoding explains.

    UTF-8 (with or without BOM) first, then an encoding the file declares, then detection; a guess
    is reported as a warning so the analyst can check the result against the original.
    """
    kind = binary_kind(data)
    if kind:
        raise Unreadable(f"is {kind}, not text")
    text, warnings = _decode(data, declared)
    # Decoded controls: what a legacy code page turned into C1 characters, or binary that slipped by.
    if len(DECODED_CONTROLS.findall(text)) > MAX_CONTROL_SHARE * max(len(text), 1):
        raise Unreadable("looks like binary data, not text")
    return text, warnings


def _decode(data: bytes, declared: str) -> tuple[str, list[str]]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _strict(data, encoding), []
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16), [f"read as {utf16.upper()} (no byte-order mark)"]
    if _count_of(data, CONTROL_BYTES) > MAX_CONTROL_SHARE * len(data):
        raise Unreadable("looks like binary data, not text")
    warnings = []
    if b"\x00" in data:  # a few stray NULs (a bad export) are dropped; many meant binary, refused above
        warnings.append(f"removed {data.count(0)} NUL bytes")
        data = data.replace(b"\x00", b"")
    for encoding in (_known_encoding(declared), "utf-8"):
        if encoding:
            try:
                return data.decode(encoding), warnings
            except UnicodeDecodeError:
                pass
    if len(data) - _count_of(data, HIGH_BYTES) >= MOSTLY_ASCII * len(data):
        try:
            return data.decode("cp1252"), [*warnings, "not UTF-8: read as Windows-1252; check accented letters"]
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.coherence > 0 and best.chaos <= DETECTION_MAX_CHAOS:
        return str(best), [*warnings, f"not UTF-8: read as {best.encoding}; check the text against the original"]
    raise Unreadable("cannot tell the text encoding (not UTF-8, and detection is unsure): save it as UTF-8")


def _count_of(data: bytes, members: bytes) -> int:
    """How many bytes of ``data`` are among ``members`` (translate runs in C; a loop would not)."""
    return len(data) - len(data.translate(None, members))


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise Unreadable(f"is damaged {encoding.upper()} text ({exc.reason})") from exc


def _utf16_without_bom(data: bytes) -> str:
    """UTF-16 from Windows tools without a BOM: Latin text puts a NUL in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return ""
    even, odd = data[0::2], data[1::2]
    if odd.count(0) >= UTF16_NUL_SHARE * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) >= UTF16_NUL_SHARE * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return ""


def _known_encoding(name: str) -> str:
    try:
        found = codecs.lookup(name).name if name else ""
    except LookupError:
        return ""
    # Pages that declare Latin-1 are written in Windows-1252 (curly quotes at 0x93/0x94); browsers
    # read them so, as the HTML standard says, and so do we.
    return "cp1252" if found == "iso8859-1" else found


def read_text(data: bytes, filename: str, content_type: str = "text/plain") -> Document:
    text, warnings = decode_text(data)
    return Document(filename, data, content_type or "text/plain", text, warnings=warnings)


# Markdown: only the syntax that would otherwise show up as stray characters in the clean text.
MD_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
MD_SETEXT_RULE = re.compile(r"^ {0,3}(?:=+|-+)\s*$")
MD_HR = re.compile(r"^ {0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
MD_BLOCK_PREFIX = re.compile(r"^ {0,3}(?:>\s?)+|^\s*(?:[-*+]|\d{1,3}[.)])\s+(?=\S)")
MD_INLINE = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images: their alt text is not article text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their words
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
]


def read_markdown(data: bytes, filename: str, content_type: str = "text/markdown") -> Document:
    text, warnings = decode_text(data)
    lines, headings = markdown_to_text(text)
    document = Document(filename, data, content_type or "text/markdown", "\n".join(lines), warnings=warnings)
    document.headings = frozenset(headings)
    return document


def markdown_to_text(text: str) -> tuple[list[str], set[str]]:
    lines: list[str] = []
    headings: set[str] = set()
    for raw in text.splitlines():
        if MD_SETEXT_RULE.match(raw) and lines and lines[-1].strip():
            headings.add(lines[-1].strip())  # "Title\n=====": the rule underlines the line before
            lines.append("")
            continue
        if MD_HR.match(raw):
            lines.append("")
            continue
        heading = MD_ATX_HEADING.match(raw)
        line = _md_inline(heading.group(1) if heading else MD_BLOCK_PREFIX.sub("", raw))
        if heading:
            headings.add(line.strip())
            lines.extend(["", line, ""])  # a heading is its own paragraph even without blank lines
        else:
            lines.append(line)
    return lines, headings


def _md_inline(line: str) -> str:
    for pattern, replacement in MD_INLINE:
        line = pattern.sub(replacement, line)
    return line


def read_docx(data: bytes, filename: str, content_type: str = "") -> Document:
    import docx  # python-docx loads lxml schemas at import; only pay for it when a .docx arrives
    from docx.table import Table

    try:
        word = docx.Document(io.BytesIO(data))
        paragraphs: list[str] = []
        headings: set[str] = set()
        title = ""
        for block in word.iter_inner_content():
            if isinstance(block, Table):
                paragraphs.extend(_table_rows(block))
                continue
            text = " ".join(block.text.split("\n")).strip()
            style = (block.style.name if block.style is not None else "") or ""
            if style == "Title" and not title:
                title = text
            elif style.startswith("Heading") and text:
                headings.add(text)
            paragraphs.append(text)
    except Exception as exc:  # python-docx raises many types for a damaged package
        log.info("unreadable .docx %s: %r", filename, exc)
        raise Unreadable("is not a readable .docx file (damaged, or not a Word 2007+ document)") from exc
    content_type = content_type or "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Document(
        filename, data, content_type, "\n".join(paragraphs), True, frozenset(headings), title=title
    )


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:  # merged cells repeat: keep each text once
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows


def read_pdf(data: bytes, filename: str, content_type: str = "application/pdf") -> Document:
    import pypdf

    if b"%PDF-" not in data[:1024]:
        raise Unreadable(f"is not a PDF document{_actually(data)}")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("is a password-protected PDF: remove the password and upload it again")
        # Pages joined by a line break, not a paragraph break: a paragraph often runs across pages.
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Unreadable:
        raise
    except Exception as exc:  # pypdf raises many types for a damaged file
        log.info("unreadable .pdf %s: %r", filename, exc)
        raise Unreadable("is not a readable .pdf file (damaged or truncated)") from exc
    if not text.strip():
        raise Unreadable("has no text layer (a scanned PDF?): run OCR on it first")
    return Document(filename, data, content_type or "application/pdf", text)


def _actually(data: bytes) -> str:
    kind = binary_kind(data)
    return f" (it is {kind})" if kind else ""
