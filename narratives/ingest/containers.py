"""Inputs that hold many articles (zip archives, CSV and JSONL rows) and the one dispatcher by type.

Everything here yields Documents and Failures one by one, so a bad member or row is reported and the
rest of the batch still imports. Archives are checked before anything is decompressed.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings

from . import patterns
from .html import read_html
from .readers import (
    ROW_CONTENT_TYPE,
    Document,
    Failure,
    Unreadable,
    decode_text,
    read_docx,
    read_markdown,
    read_pdf,
    read_text,
)

Item = Document | Failure

EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html",
    ".htm": "html", ".xhtml": "html", ".docx": "docx", ".pdf": "pdf", ".zip": "zip", ".csv": "csv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "row",
}  # fmt: skip
CONTENT_TYPES = {
    "text/plain": "text", "text/markdown": "markdown", "text/x-markdown": "markdown", "text/html": "html",
    "application/xhtml+xml": "html", "application/pdf": "pdf", "application/zip": "zip",
    "application/x-zip-compressed": "zip", "text/csv": "csv", "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl", ROW_CONTENT_TYPE: "row",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}  # fmt: skip
SUPPORTED = ".txt .md .html .htm .docx .pdf .zip .csv .jsonl"
SINGLE_READERS = {"text": read_text, "markdown": read_markdown, "html": read_html, "docx": read_docx, "pdf": read_pdf}
# Files that archiving tools add by themselves; they are not articles, so they are skipped quietly.
ARCHIVE_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
MEMBER_RATIO_FLOOR = 1 << 20  # small members compress oddly well (a file of spaces); judge the big ones
TEXT_COLUMNS = ("text", "body", "content", "html")


def format_of(filename: str, content_type: str = "") -> str | None:
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    return CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())


def read_input(data: bytes, filename: str, content_type: str = "", *, in_archive: bool = False) -> Iterator[Item]:
    """Every article in one input, or the reason it cannot be read."""
    limit = settings.NARRATIVES_MAX_UPLOAD_BYTES
    if len(data) > limit:
        yield Failure(filename, f"is {_mb(len(data))}, over the {_mb(limit)} limit per file")
        return
    kind = format_of(filename, content_type)
    if kind is None:
        yield Failure(filename, f"is not a supported type (use {SUPPORTED})")
    elif kind == "zip":
        if in_archive:
            yield Failure(filename, "is a zip inside a zip: archives within archives are not opened")
        else:
            yield from read_zip(data, filename)
    elif kind in ("csv", "jsonl"):
        yield from (read_csv if kind == "csv" else read_jsonl)(data, filename)
    else:
        yield _read_single(kind, data, filename, content_type)


def _read_single(kind: str, data: bytes, filename: str, content_type: str) -> Item:
    try:
        if kind == "row":
            return document_from_row(_json_object(data.decode("utf-8")), filename, data)
        if kind == "docx":
            problem = archive_problem(data, what="a readable .docx file (damaged, or not Word 2007+)")
            if problem:
                return Failure(filename, problem)
        return SINGLE_READERS[kind](data, filename, content_type)
    except Unreadable as exc:
        return Failure(filename, str(exc))
    except UnicodeDecodeError:
        return Failure(filename, "is not UTF-8 JSON")


def read_zip(data: bytes, filename: str) -> Iterator[Item]:
    problem = archive_problem(data)
    if problem:
        yield Failure(filename, problem)
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir() or _is_junk(info.filename):
                continue
            name = f"{filename}/{info.filename}"
            if format_of(info.filename) == "zip":  # refused by name, before a byte is unpacked
                yield Failure(name, "is a zip inside a zip: archives within archives are not opened")
                continue
            try:
                payload = _read_member(archive, info)
            except Unreadable as exc:
                yield Failure(name, str(exc))
                continue
            yield from read_input(payload, name, in_archive=True)


def archive_problem(data: bytes, *, what: str = "") -> str | None:
    """Why a zip (or a .docx, which is one: ``what`` names it) must not be opened, from its directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        return f"is not {what or 'a readable zip archive (damaged or truncated)'}"
    max_members = settings.NARRATIVES_MAX_ZIP_MEMBERS
    if not what and len(infos) > max_members:
        return f"holds {len(infos)} files, over the limit of {max_members}"
    total = sum(info.file_size for info in infos)
    total_limit = settings.NARRATIVES_MAX_ZIP_TOTAL_BYTES
    if total > total_limit:
        return f"would unpack to {_mb(total)}, over the {_mb(total_limit)} limit: refused as a possible zip bomb"
    ratio = settings.NARRATIVES_MAX_ZIP_RATIO
    too_packed = total > ratio * max(len(data), 1) or any(
        info.file_size > MEMBER_RATIO_FLOOR and info.file_size > ratio * max(info.compress_size, 1) for info in infos
    )
    if too_packed:
        return f"is compressed more than {ratio}:1: refused as a possible zip bomb"
    return None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.flag_bits & 0x1:
        raise Unreadable("is encrypted: unpack it yourself and upload the files")
    limit = settings.NARRATIVES_MAX_UPLOAD_BYTES
    try:
        with archive.open(info) as member:
            payload = member.read(limit + 1)  # never trust the declared size: read at most the limit
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise Unreadable(f"cannot be unpacked ({exc})") from exc
    if len(payload) > limit:
        raise Unreadable(f"is over the {_mb(limit)} limit per file")
    return payload


def _is_junk(name: str) -> bool:
    base = PurePosixPath(name).name
    return name.startswith(ARCHIVE_JUNK) or base.startswith(".") or base in ARCHIVE_JUNK


def read_csv(data: bytes, filename: str) -> Iterator[Item]:
    try:
        text, warnings = decode_text(data)
    except Unreadable as exc:
        yield Failure(filename, str(exc))
        return
    csv.field_size_limit(max(csv.field_size_limit(), settings.NARRATIVES_MAX_UPLOAD_BYTES))
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        columns = [name for name in (reader.fieldnames or []) if name]
    except csv.Error as exc:
        yield Failure(filename, f"has a broken header line ({exc})")
        return
    if not _pick({name.strip().lower(): "x" for name in columns}, TEXT_COLUMNS):
        found = ", ".join(columns) or "none"
        yield Failure(filename, f"has no text column (expected one of {', '.join(TEXT_COLUMNS)}; found {found})")
        return
    row_number = 1  # the header is row 1, as a spreadsheet numbers them
    try:
        for row in reader:
            row_number += 1
            if None in row:  # DictReader files cells beyond the header under None: they would be lost
                yield Failure(f"{filename}:row {row_number}", _overflow_problem(row, len(reader.fieldnames or [])))
                continue
            values = dict(row)
            original = json.dumps(values, ensure_ascii=False).encode("utf-8")
            yield _with_warnings(document_from_row(values, f"{filename}:row {row_number}", original), warnings)
    except csv.Error as exc:
        yield Failure(f"{filename}:row {row_number + 1}", f"bad CSV quoting ({exc}); rows from here on were not read")


def _overflow_problem(row: dict, columns: int) -> str:
    cells = columns + len(row[None])
    return (
        f"has {cells} cells but the header names {columns} columns: a cell that holds the separator "
        "(a comma, say) must be in double quotes; this row was not imported"
    )


def _delimiter(text: str) -> str:
    """The header line's separator: spreadsheets in much of Europe export with ";"."""
    header = text.split("\n", 1)[0]
    best = max((",", ";", "\t"), key=header.count)
    return best if header.count(best) else ","


def read_jsonl(data: bytes, filename: str) -> Iterator[Item]:
    try:
        text, warnings = decode_text(data)
    except Unreadable as exc:
        yield Failure(filename, str(exc))
        return
    # split("\n") rather than splitlines(): U+2028 is allowed unescaped inside a JSON string.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        name = f"{filename}:line {number}"
        try:
            row = _json_object(line)
        except Unreadable as exc:
            yield Failure(name, str(exc))
            continue
        yield _with_warnings(document_from_row(row, name, line.rstrip("\r").encode("utf-8")), warnings)


def _json_object(line: str) -> dict:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"is not valid JSON ({exc.msg} at column {exc.colno})") from exc
    except (RecursionError, ValueError) as exc:  # nesting deeper than Python's stack, absurd numbers
        raise Unreadable("is JSON nested too deeply to read") from exc
    if not isinstance(value, dict):
        raise Unreadable("is not a JSON object with a text field")
    return value


def document_from_row(row: dict, name: str, original: bytes) -> Item:
    """A CSV/JSONL row (title, outlet, url, published, byline, language, text or html) → Document."""
    fields = {str(key).strip().lower(): "" if value is None else str(value) for key, value in row.items()}
    try:
        if fields.get("html", "").strip() and not _pick(fields, TEXT_COLUMNS[:3]).strip():
            document = read_html(fields["html"], name)
        else:
            document = Document(name, original, ROW_CONTENT_TYPE, _pick(fields, TEXT_COLUMNS[:3]))
    except Unreadable as exc:
        return Failure(name, str(exc))
    document.original, document.content_type = original, ROW_CONTENT_TYPE
    document.title = fields.get("title", "").strip() or document.title
    document.outlet = fields.get("outlet", "").strip()
    document.url = fields.get("url", "").strip() or document.url
    document.byline = (fields.get("byline") or fields.get("author") or "").strip() or document.byline
    document.language = fields.get("language", "").strip() or document.language
    published = fields.get("published", "").strip() or fields.get("date", "").strip()
    if published:
        document.published = _row_date(published)
        if document.published is None:
            document.warnings.append(f"published date {published!r} not understood (use YYYY-MM-DD); left empty")
    return document


def _pick(fields: dict[str, str], names: tuple[str, ...]) -> str:
    return next((fields[name] for name in names if fields.get(name)), "")


def _row_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return patterns.parse_date_line(value)[1]


def _with_warnings(item: Item, warnings: list[str]) -> Item:
    if isinstance(item, Document):
        item.warnings[:0] = warnings
    return item


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size < 10 * 1024 * 1024 else f"{size // (1024 * 1024)} MB"
