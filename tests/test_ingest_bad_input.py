"""Bad input: each case gets a message naming the file and the reason, the rest of a batch still
imports, and the corpus is left exactly as it was (no outlet, article or segment half-written)."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.db import DatabaseError

from narratives.ingest import pipeline
from narratives.models import Article, Outlet, Segment
from tests.ingest_factories import STORY, make_docx, make_pdf, make_zip

pytestmark = pytest.mark.django_db


def corpus_size() -> tuple[int, int, int]:
    return Outlet.objects.count(), Article.objects.count(), Segment.objects.count()


def refused(data: bytes, filename: str, *reason_words: str) -> str:
    """Ingest one input that must be refused; return its message after the common checks."""
    before = corpus_size()
    results = pipeline.ingest_file(data, filename, outlet="A New Outlet")
    assert len(results) == 1, [r.as_json() for r in results]
    [result] = results
    assert result.article is None and result.error, result.as_json()
    assert result.error.startswith(f"{filename}: "), result.error
    for word in reason_words:
        assert word in result.error, result.error
    assert corpus_size() == before
    return result.error


def test_upload_rejects_file_over_the_size_limit(settings):
    settings.NARRATIVES_MAX_UPLOAD_BYTES = 1024 * 1024
    refused(b"word " * 300_000, "huge.txt", "over the 1.0 MB limit")


def test_import_rejects_file_on_disk_over_the_limit_without_reading_it(settings, tmp_path):
    settings.NARRATIVES_MAX_UPLOAD_BYTES = 1024 * 1024
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: the size is there, the bytes never are
        handle.truncate(50 * 1024 * 1024)
    [result] = pipeline.ingest_paths([big])
    assert result.error.endswith("is 50 MB, over the 1 MB limit per file")


@pytest.mark.parametrize("filename", ["sheet.xlsx", "program.exe", "noextension"])
def test_upload_rejects_unknown_type(filename):
    refused(b"Some words here.", filename, "not a supported type", ".txt")


def test_upload_rejects_binary_file():
    refused(b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "photo.txt", "is a PNG image, not text")


def test_upload_rejects_random_binary_garbage():
    refused(bytes(range(256)) * 40, "dump.txt", "binary data")


def test_upload_rejects_bytes_no_encoding_explains():
    garbage = bytes((0x80 + (i * 37) % 0x7F) for i in range(3000))  # high bytes only, no language in them
    refused(garbage, "mystery.txt", "cannot tell the text encoding")


@pytest.mark.parametrize("data", [b"", b"   \n\n\t \xc2\xa0\n"])
def test_upload_rejects_empty_text(data):
    refused(data, "empty.txt", "has no text")


def test_upload_rejects_text_of_web_furniture_only():
    refused(b"Leave a Reply\n\nShare this article\n\nAdvertisement", "widgets.txt", "only web furniture")


def test_upload_rejects_zip_bomb_by_compression_ratio():
    refused(make_zip({"zeros.txt": b"0" * 5_000_000}), "bomb.zip", "compressed more than 100:1")


def test_upload_rejects_zip_unpacking_past_the_total_limit(settings):
    settings.NARRATIVES_MAX_ZIP_TOTAL_BYTES = 200_000
    members = {f"m{i}.txt": os.urandom(60_000).hex().encode()[:60_000] for i in range(5)}
    refused(make_zip(members, zipfile.ZIP_STORED), "big.zip", "would unpack to", "zip bomb")


def test_upload_rejects_zip_with_too_many_members(settings):
    settings.NARRATIVES_MAX_ZIP_MEMBERS = 3
    members = {f"m{i}.txt": f"Report {i}. The port closed.".encode() for i in range(4)}
    refused(make_zip(members), "many.zip", "holds 4 files, over the limit of 3")


def test_zip_inside_a_zip_is_refused_and_the_rest_imported():
    data = make_zip({"inner.zip": make_zip({"a.txt": STORY.encode()}), "story.txt": STORY.encode()})
    results = pipeline.ingest_file(data, "outer.zip", outlet="W")
    by_file = {r.file: r for r in results}
    assert "zip inside a zip" in by_file["outer.zip/inner.zip"].error
    assert by_file["outer.zip/story.txt"].article is not None


def test_truncated_zip_is_refused():
    refused(make_zip({"a.txt": STORY.encode()})[:60], "cut.zip", "not a readable zip archive")


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not really a docx", make_docx([("", "Words.")])[:400], b"plain words in a docx"],
    ids=["fake zip", "truncated", "not a zip"],
)
def test_upload_rejects_broken_docx(data):
    refused(data, "broken.docx", "not a readable .docx file")


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4 nothing else", make_pdf(["The port closed on Monday."])[:200], b"not a pdf at all"],
    ids=["header only", "truncated", "not a pdf"],
)
def test_upload_rejects_broken_pdf(data):
    refused(data, "broken.pdf", ".pdf")


def test_upload_rejects_pdf_without_text_layer():
    refused(make_pdf([]), "scan.pdf", "no text layer")


def test_csv_without_a_text_column_is_refused_naming_the_columns_found():
    refused(b"title,outlet\nHarbour reopens,Veltria Daily\n", "rows.csv", "no text column", "found title, outlet")


def test_csv_with_bad_quoting_keeps_the_rows_before_and_names_the_bad_row():
    data = b'title,text\nGood,The harbour reopened on Tuesday.\nBad,"Broken "quote" here\nLater,Never read.\n'
    results = pipeline.ingest_file(data, "rows.csv", outlet="W")
    assert results[0].article is not None and results[0].file == "rows.csv:row 2"
    assert results[-1].error.startswith("rows.csv:row 3: bad CSV quoting"), results[-1].error
    assert Article.objects.count() == 1


def test_csv_row_with_more_cells_than_the_header_is_refused_by_row_and_the_others_import():
    data = (
        b"title,outlet,text\n"
        b"Good,W,The harbour reopened on Tuesday.\n"
        b"Unquoted,W,The army said that terrorist gangs, not dockers, had blocked the gate.\n"
    )
    results = pipeline.ingest_file(data, "rows.csv")
    assert [bool(r.article) for r in results] == [True, False]
    assert results[1].error.startswith("rows.csv:row 3: has 5 cells but the header names 3 columns"), results[1].error
    assert "double quotes" in results[1].error
    assert Article.objects.count() == 1 and "gangs" not in Article.objects.get().clean_text


def test_jsonl_with_a_broken_line_imports_the_others():
    data = (
        b'{"outlet": "W", "text": "The harbour reopened on Tuesday."}\n'
        b'{"text": "unclosed\n'
        b'{"outlet": "W", "text": "Ships came in."}\n'
    )
    results = pipeline.ingest_file(data, "rows.jsonl")
    assert [bool(r.article) for r in results] == [True, False, True]
    assert results[1].error.startswith("rows.jsonl:line 2: is not valid JSON")


def test_rest_of_a_batch_imports_when_files_fail(tmp_path):
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "empty.txt").write_bytes(b"")
    results = pipeline.ingest_paths([tmp_path, tmp_path / "missing.txt"], outlet="W")
    by_file = {r.file.rsplit("/", 1)[-1]: r for r in results}
    assert by_file["good.txt"].article is not None
    assert by_file["bad.pdf"].error and by_file["empty.txt"].error
    assert by_file["missing.txt"].error.endswith("no such file or folder")


def test_a_failure_while_saving_segments_leaves_no_article_and_no_new_outlet(monkeypatch):
    # The database refusing the segment rows mid-article (a full disk, a lost connection) is
    # simulated at Django's boundary; what is tested is that our transaction takes everything back.
    def refuse(*args, **kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(Segment.objects, "bulk_create", refuse)
    before = corpus_size()
    [result] = pipeline.ingest_file(STORY.encode(), "story.txt", outlet="Brand New Outlet")
    assert result.article is None and "could not be stored" in result.error
    assert corpus_size() == before


def test_undecodable_text_in_a_zip_is_reported_by_member_name():
    data = make_zip({"ok.txt": STORY.encode(), "bin.txt": io.BytesIO(bytes(range(256)) * 8).getvalue()})
    results = pipeline.ingest_file(data, "mixed.zip", outlet="W")
    errors = [r.error for r in results if r.error]
    assert errors == ["mixed.zip/bin.txt: looks like binary data, not text"]
