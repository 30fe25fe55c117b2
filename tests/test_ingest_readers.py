"""Every input format through ``ingest_file``: the article's text, metadata and original bytes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from narratives.ingest import pipeline
from narratives.ingest.readers import ROW_CONTENT_TYPE
from narratives.models import Article, SegmentKind
from tests.ingest_factories import STORY, assert_offsets_exact, kinds_of, make_docx, make_pdf, make_zip

pytestmark = pytest.mark.django_db


def only_article(results) -> Article:
    assert len(results) == 1, [r.as_json() for r in results]
    assert results[0].error is None, results[0].error
    article = results[0].article
    assert_offsets_exact(article)
    return article


def test_plain_text_keeps_its_bytes_and_finds_title_byline_and_date():
    data = STORY.encode("utf-8")
    article = only_article(pipeline.ingest_file(data, "story.txt", outlet="Veltria Daily"))
    assert bytes(article.original) == data
    assert article.original_filename == "story.txt"
    assert article.title == "Harbour reopens after the storm"
    assert article.byline == "Mira Holt" and article.published == date(2022, 1, 9)
    assert article.outlet.name == "Veltria Daily"
    assert kinds_of(article)["Leave a Reply"] == SegmentKind.BOILERPLATE


def test_utf8_with_byte_order_mark_reads_without_the_mark():
    article = only_article(pipeline.ingest_file(b"\xef\xbb\xbf" + STORY.encode(), "bom.txt", outlet="W"))
    assert article.clean_text.startswith("Harbour reopens")


def test_windows_1252_text_is_read_with_a_warning():
    data = "Café owners in Almaty said the “riots” hurt business.".encode("cp1252")
    [result] = pipeline.ingest_file(data, "legacy.txt", outlet="W")
    assert "“riots”" in result.article.clean_text and "Café" in result.article.clean_text
    assert any("Windows-1252" in w for w in result.warnings)


def test_cyrillic_in_a_legacy_code_page_is_detected():
    text = "Беспорядки в Казахстане были организованы из-за рубежа, заявил председатель исполкома СНГ. " * 3
    [result] = pipeline.ingest_file(text.encode("cp1251"), "ru.txt", outlet="W")
    assert result.article.clean_text.startswith("Беспорядки в Казахстане")
    assert result.article.language == "ru"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_with_or_without_byte_order_mark(encoding):
    article = only_article(pipeline.ingest_file(STORY.encode(encoding), "windows.txt", outlet="W"))
    assert article.title == "Harbour reopens after the storm"


def test_markdown_headings_become_title_and_headings_and_markup_goes():
    data = (
        b"# Harbour reopens\n\nThe harbour **reopened** on [Tuesday](https://example.org) after the storm.\n\n"
        b"## Cargo delayed\n\n![a crane](crane.jpg)\n\n- Ships waited *for hours* outside the port.\n"
    )
    article = only_article(pipeline.ingest_file(data, "story.md", outlet="W"))
    assert article.title == "Harbour reopens"
    assert kinds_of(article)["Cargo delayed"] == SegmentKind.HEADING
    assert "The harbour reopened on Tuesday after the storm." in article.clean_text
    assert "Ships waited for hours outside the port." in article.clean_text
    assert "*" not in article.clean_text and "crane" not in article.clean_text


HTML_PAGE = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Harbour reopens after the storm | Veltria Daily</title>
<meta name="author" content="Mira Holt"><meta property="og:site_name" content="Veltria Daily">
<meta property="article:published_time" content="2022-01-09T08:00:00Z">
<link rel="canonical" href="https://veltria.example/harbour-reopens"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>Harbour reopens after the storm</h1>
<p>The harbour at Veltria reopened on Tuesday after a three-day closure, the port authority said.</p>
<h2>Cargo delayed</h2>
<p>Dr. Anja Weiss said 3.5&nbsp;million tonnes of cargo had been delayed, and that ships would be let in one by one.</p>
<p>“We expect normal traffic by Friday,” she said on Wednesday.</p></article>
<aside><h3>Most read</h3><ul><li><a href="/a">Storm season ends</a></li></ul></aside>
<footer>© 2022 Veltria Daily</footer><script>track()</script></body></html>"""


def test_html_main_text_and_metadata_by_trafilatura():
    article = only_article(pipeline.ingest_file(HTML_PAGE.encode(), "page.html"))
    assert article.title == "Harbour reopens after the storm"
    assert article.outlet.name == "Veltria Daily"  # the page's site name, as nobody named one
    assert article.byline == "Mira Holt" and article.published == date(2022, 1, 9)
    assert article.url == "https://veltria.example/harbour-reopens" and article.language == "en"
    assert kinds_of(article)["Cargo delayed"] == SegmentKind.HEADING
    assert "3.5 million tonnes" in article.clean_text
    for furniture in ("Sport", "Storm season ends", "track()"):
        assert furniture not in article.clean_text
    assert article.original_content_type == "text/html"


def test_html_declaring_a_legacy_charset_is_decoded_with_it():
    sentence = "Протесты против роста цен на топливо переросли в беспорядки."
    html = f'<html><head><meta charset="windows-1251"></head><body><p>{sentence}</p></body></html>'
    [result] = pipeline.ingest_file(html.encode("cp1251"), "ru.htm", outlet="W")
    assert "Протесты против роста цен" in result.article.clean_text


def test_short_html_fragment_keeps_its_text():
    [result] = pipeline.ingest_file(b"<p>The port closed.</p><p>Ships waited.</p>", "fragment.html", outlet="W")
    assert "The port closed." in result.article.clean_text and "Ships waited." in result.article.clean_text


def _article_from_page_with(markup: str, first: bool = False) -> Article:
    """HTML_PAGE with markup at the start or end of its article, where no paragraph on both sides
    vouches for it (a line dropped between two kept paragraphs is put back anyway)."""
    at, markup = ("<article>", "<article>" + markup) if first else ("</article>", markup + "</article>")
    page = HTML_PAGE.replace(at, markup)
    return only_article(pipeline.ingest_file(page.encode(), "nested.html"))


@pytest.mark.parametrize(
    "block",
    [
        '<div class="note">by two inspectors</div>',
        "<center>by two inspectors</center>",
        "<fieldset>by two inspectors</fieldset>",
        "<menu><li>by two inspectors</li></menu>",
        "<table><tr><td>by two inspectors</td></tr></table>",
        "<xmp>by two inspectors</xmp>",
    ],
)
def test_html_text_after_a_block_nested_in_a_paragraph_is_kept(block):
    # HTML's parser closes <p> at the block, leaving "and the tail …" loose after it.
    article = _article_from_page_with(f"<p>Cranes were checked {block} and the tail of the sentence stayed.</p>")
    for words in ("Cranes were checked", "by two inspectors", "and the tail of the sentence stayed."):
        assert words in article.clean_text
    assert "Storm season ends" not in article.clean_text  # the aside is still left out


@pytest.mark.parametrize("container", ["section", "td"])
def test_html_loose_text_before_a_block_is_kept(container):
    markup = f"<{container}><b>Cranes were checked</b> on Monday <div>by two inspectors.</div></{container}>"
    article = _article_from_page_with(markup, first=True)
    assert "Cranes were checked on Monday" in article.clean_text and "by two inspectors." in article.clean_text


def test_html_blocks_nested_in_list_items_and_cells_keep_words_apart():
    article = _article_from_page_with(
        "<ul><li>Grain <ul><li>delayed</li><li>rerouted</li></ul></li></ul>"
        "<table><tr><td>Ships <p>waiting</p> offshore</td><td>12</td></tr></table>"
    )
    words = article.clean_text.split()
    for word in ("Grain", "delayed", "rerouted", "Ships", "waiting", "offshore"):
        assert word in words, article.clean_text


def test_html_line_break_inside_a_hyphenated_word_is_rejoined_as_in_a_wrapped_text_file():
    article = _article_from_page_with(
        "<p>The peace-<br>keeping mission arrived on Monday, and a dash -<br>then a line<br>break stayed apart.</p>"
        "<p>Later the peace-<br>\n      keepers left.</p>"
    )
    assert "The peace-keeping mission arrived" in article.clean_text, article.clean_text
    assert "a dash - then a line break stayed apart." in article.clean_text
    assert "Later the peace-keepers left." in article.clean_text


def test_docx_title_style_headings_and_tables():
    data = make_docx(
        [
            ("Title", "Harbour reopens"),
            ("", "The harbour at Veltria reopened on Tuesday after the storm."),
            ("Heading 2", "Cargo delayed"),
            ("", "Dr. Weiss said 3.5 million tonnes were delayed."),
        ]
    )
    article = only_article(pipeline.ingest_file(data, "story.docx", outlet="W"))
    assert article.title == "Harbour reopens"
    assert kinds_of(article)["Cargo delayed"] == SegmentKind.HEADING
    assert bytes(article.original) == data


def test_pdf_text_with_wrapped_lines_rejoined():
    data = make_pdf(
        [
            "Harbour reopens in Veltria",
            "The harbour at Veltria reopened on Tuesday after a three-day closure,",
            "the port authority said on Wednesday in a statement to the press and",
            "to the shipping companies that use the port every single week.",
        ]
    )
    article = only_article(pipeline.ingest_file(data, "story.pdf", outlet="W"))
    assert article.title == "Harbour reopens in Veltria"
    sentences = list(article.segments.filter(kind=SegmentKind.SENTENCE).values_list("text", flat=True))
    assert sentences == [
        "The harbour at Veltria reopened on Tuesday after a three-day closure, the port authority said on "
        "Wednesday in a statement to the press and to the shipping companies that use the port every single week."
    ]


def test_zip_members_are_imported_with_their_names_and_archive_junk_skipped():
    data = make_zip(
        {
            "news/harbour.txt": STORY.encode(),
            "news/storm.md": b"# Storm passes\n\nThe storm passed Veltria on Monday night.",
            "__MACOSX/news/._harbour.txt": b"\x00\x05\x16\x07 resource fork",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
        }
    )
    results = pipeline.ingest_file(data, "batch.zip", outlet="W")
    assert [r.file for r in results] == ["batch.zip/news/harbour.txt", "batch.zip/news/storm.md"]
    assert all(r.article is not None for r in results)
    assert bytes(results[1].article.original) == b"# Storm passes\n\nThe storm passed Veltria on Monday night."


CSV_ROWS = (
    "title,outlet,url,published,text\n"
    "Harbour reopens,Veltria Daily,https://veltria.example/a,2022-01-09,"
    '"The harbour reopened on Tuesday.\n\nShips came in."\n'
    "Storm passes,,,,The storm passed Veltria on Monday night.\n"
)


def test_csv_rows_become_articles_named_by_row_with_the_row_as_original():
    results = pipeline.ingest_file(CSV_ROWS.encode(), "rows.csv", outlet="Default Wire")
    assert [r.file for r in results] == ["rows.csv:row 2", "rows.csv:row 3"]
    first, second = (r.article for r in results)
    assert first.title == "Harbour reopens" and first.outlet.name == "Veltria Daily"
    assert first.url == "https://veltria.example/a" and first.published == date(2022, 1, 9)
    assert first.clean_text == "Harbour reopens\n\nThe harbour reopened on Tuesday.\n\nShips came in."
    assert json.loads(bytes(first.original))["title"] == "Harbour reopens"
    assert first.original_content_type == ROW_CONTENT_TYPE
    assert second.outlet.name == "Default Wire"  # the row names none: the caller's default applies


def test_csv_separated_by_semicolons_as_european_spreadsheets_export():
    data = "title;outlet;text\nHarbour reopens;Veltria Daily;The harbour reopened on Tuesday, officials said.\n"
    [result] = pipeline.ingest_file(data.encode(), "excel.csv")
    assert result.article.outlet.name == "Veltria Daily"
    assert result.article.clean_text.endswith("The harbour reopened on Tuesday, officials said.")


def test_jsonl_rows_with_text_or_html():
    lines = [
        {"title": "Harbour reopens", "outlet": "Veltria Daily", "text": "The harbour reopened on Tuesday."},
        {"outlet": "Veltria Daily", "html": "<h1>Storm passes</h1><p>The storm passed Veltria on Monday night.</p>"},
    ]
    data = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    results = pipeline.ingest_file(data, "rows.jsonl")
    assert [r.file for r in results] == ["rows.jsonl:line 1", "rows.jsonl:line 2"]
    assert results[1].article.title == "Storm passes"
    assert "<p>" not in results[1].article.clean_text
    assert bytes(results[0].article.original) == json.dumps(lines[0], ensure_ascii=False).encode()


def test_unknown_extension_is_read_by_its_content_type():
    [result] = pipeline.ingest_file(STORY.encode(), "upload", content_type="text/plain; charset=utf-8", outlet="W")
    assert result.article.title == "Harbour reopens after the storm"
