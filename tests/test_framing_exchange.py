"""Export and re-import of tags: CSV, JSON Lines, W3C Web Annotation JSON-LD; a round trip restores them."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from narratives.framing import exchange
from narratives.models import Annotation, Article, FramingCategory, FramingTerm, Outlet, Segment

from .framing_factories import make_article, make_tag, make_term

PARAGRAPHS_A = ["Moscow sent “peacekeeping forces” to fight terrorist gangs.", "Readers wrote =HYPERLINK(x) below."]
PARAGRAPHS_B = ["The CSTO mission was called peacekeeping by its members."]


@pytest.fixture
def tagged(alice, carol):
    a = make_article(PARAGRAPHS_A, outlet="State TV", published=date(2022, 1, 7))
    b = make_article(PARAGRAPHS_B, outlet="Wire")
    peace = make_term("peacekeeping")
    gangs = make_term("terrorist gangs", "delegitimisation")
    formula = make_term("=HYPERLINK(x)", "odd cells")
    tags = [
        make_tag(a, "peacekeeping forces", peace, alice),
        make_tag(a, "terrorist gangs", gangs, carol),
        make_tag(a, "=HYPERLINK(x)", formula, alice),
        make_tag(b, "peacekeeping", peace, alice),
    ]
    Annotation.objects.filter(pk=tags[0].pk).update(note="“forces”, plural\nsecond line")
    return a, b


def fingerprint() -> set[tuple]:
    """What a tag is, independent of database ids."""
    return set(
        Annotation.objects.values_list(
            "article__content_hash",
            "start",
            "end",
            "text",
            "term__text",
            "term__category__name",
            "note",
            "author__username",
            "created_at",
        )
    )


def empty_copy_of_the_corpus() -> None:
    """The same articles under new ids, without any tag, term or category."""
    articles = list(
        Article.objects.order_by("-id").values(
            "outlet__name", "title", "clean_text", "content_hash", "word_count", "published"
        )
    )
    segments = {
        a.content_hash: list(a.segments.values("kind", "paragraph", "order", "start", "end", "text"))
        for a in Article.objects.all()
    }
    Annotation.objects.all().delete()
    FramingTerm.objects.all().delete()
    FramingCategory.objects.all().delete()
    Article.objects.all().delete()
    for row in articles:
        outlet = Outlet.objects.get_or_create(name=row.pop("outlet__name"))[0]
        article = Article.objects.create(outlet=outlet, original=b"", **row)
        Segment.objects.bulk_create(Segment(article=article, **s) for s in segments[row["content_hash"]])


@pytest.mark.parametrize("fmt", exchange.FORMATS)
def test_importing_an_export_into_an_empty_copy_restores_the_same_tags(tagged, fmt):
    before = fingerprint()
    exported = exchange.export(fmt, "https://narratives.example.org")
    old_ids = set(Article.objects.values_list("id", flat=True))
    empty_copy_of_the_corpus()
    assert not old_ids & set(Article.objects.values_list("id", flat=True))
    result = exchange.import_annotations(exported, fmt)
    assert (result.created, result.unmatched, result.errors) == (4, 0, [])
    assert fingerprint() == before
    again = exchange.import_annotations(exported, fmt)
    assert (again.created, again.existing) == (0, 4)


def test_import_keeps_authorship_of_analysts_this_copy_lacks(tagged):
    exported = exchange.export("jsonl")
    Annotation.objects.all().delete()
    User.objects.filter(username="carol").delete()
    result = exchange.import_annotations(exported, "jsonl")
    assert result.created_users == ["carol"]
    carol = User.objects.get(username="carol")
    assert not carol.is_active and not carol.has_usable_password()
    assert Annotation.objects.filter(author=carol, text="terrorist gangs").exists()


def test_tags_of_articles_this_copy_lacks_are_counted_not_invented(tagged):
    exported = exchange.export("csv")
    Annotation.objects.all().delete()
    Article.objects.filter(outlet__name="Wire").delete()
    result = exchange.import_annotations(exported, "csv")
    assert (result.created, result.unmatched) == (3, 1)


def test_csv_cells_a_spreadsheet_would_run_are_quoted(tagged):
    rows = list(csv.DictReader(io.StringIO(exchange.export("csv"))))
    formula = next(r for r in rows if r["term"].endswith("HYPERLINK(x)"))
    assert formula["text"] == "'=HYPERLINK(x)" and formula["term"] == "'=HYPERLINK(x)"


def test_jsonl_carries_offsets_quote_and_author(tagged):
    a, _ = tagged
    records = [json.loads(line) for line in exchange.export("jsonl").splitlines()]
    first = records[0]
    assert a.clean_text[first["start"] : first["end"]] == first["text"] == "peacekeeping forces"
    assert (first["author"], first["content_hash"], first["current"]) == ("alice", a.content_hash, True)
    assert first["note"] == "“forces”, plural\nsecond line"


def test_json_ld_is_a_web_annotation_collection(tagged):
    a, _ = tagged
    doc = json.loads(exchange.export("jsonld", "https://narratives.example.org"))
    assert doc["@context"][0] == "http://www.w3.org/ns/anno.jsonld" and doc["type"] == "AnnotationCollection"
    item = doc["first"]["items"][0]
    assert item["type"] == "Annotation" and item["motivation"] == "tagging"
    assert item["target"]["source"]["id"] == f"https://narratives.example.org/articles/{a.pk}/"
    position, quote = item["target"]["selector"]
    assert position == {
        "type": "TextPositionSelector",
        "start": a.clean_text.index("peacekeeping forces"),
        "end": position["end"],
    }
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == "peacekeeping forces"
    assert a.clean_text.endswith(quote["suffix"]) or quote["suffix"] in a.clean_text
    assert item["creator"] == {"type": "Person", "nickname": "alice"}
    assert {b["purpose"] for b in item["body"]} == {"tagging", "classifying", "commenting"}


def test_a_tag_whose_text_shifted_is_moved_to_its_quote(tagged):
    exported = exchange.export("jsonl")
    Annotation.objects.all().delete()
    a = Article.objects.get(outlet__name="State TV")
    Article.objects.filter(pk=a.pk).update(clean_text="Breaking: " + a.clean_text)
    result = exchange.import_annotations(exported, "jsonl")
    assert result.moved == 3
    for tag in Annotation.objects.filter(article=a):
        assert tag.article.clean_text[tag.start : tag.end] == tag.text


def test_the_download_links_and_the_import_form(alice_client, tagged):
    response = alice_client.get("/framing/tags/export.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    assert 'filename="framing-tags.jsonld"' in response["Content-Disposition"]
    collection = json.loads(response.content)["id"]  # the collection names where it is served
    assert collection == "http://testserver/framing/tags/export.jsonld"
    assert alice_client.get(collection.removeprefix("http://testserver")).status_code == 200
    assert alice_client.get("/framing/tags/export.xml").status_code == 404
    Annotation.objects.all().delete()
    upload = io.BytesIO(response.content)
    upload.name = "tags.jsonld"
    response = alice_client.post("/framing/tags/import", {"file": upload}, follow=True)
    assert "Imported 4 tags" in response.content.decode()
    assert Annotation.objects.count() == 4


def test_a_csv_without_the_columns_an_import_needs_is_refused_naming_them(alice_client, tagged):
    before = Annotation.objects.count()
    upload = io.BytesIO(b"foo,bar\n1,2\n")
    upload.name = "tags.csv"
    page = alice_client.post("/framing/tags/import", {"file": upload}, follow=True).content.decode()
    assert (
        "Could not read the file: the CSV has no content_hash, start, end, text, term, category columns "
        "(found foo, bar); a tags export from Narratives has them all"
    ) in page
    assert Annotation.objects.count() == before


def test_bad_records_are_refused_one_by_one_with_the_reason_and_leave_nothing_behind(tagged):
    a, _ = tagged
    start = a.clean_text.index("terrorist gangs")
    good = {"content_hash": a.content_hash, "start": start, "end": start + 15, "text": "terrorist gangs",
            "term": "gangs", "category": "labels"}  # fmt: skip
    records = [
        [1, 2],
        42,
        {**good, "term": "“”"},
        {**good, "category": ""},
        {**good, "start": -9, "end": -1},
        {**good, "start": 5, "end": 5, "text": ""},
        {**good, "start": None},
        {**good, "created": "2025-13-45T10:00:00"},
        {**good, "content_hash": [a.content_hash]},
        {**good, "category": 7, "category_colour": 3},
        good,
    ]
    before = Annotation.objects.count()
    result = exchange.import_annotations("\n".join(json.dumps(r) for r in records), "jsonl")
    assert result.created == 1 and Annotation.objects.count() == before + 1
    assert result.errors == [
        "record 1: is not an object with the tag's fields (content_hash, start, end, text, term, category)",
        "record 2: is not an object with the tag's fields (content_hash, start, end, text, term, category)",
        "record 3: A framing term needs at least one word.",
        "record 4: has no category",
        "record 5: start is negative (-9)",
        "record 6: end (5) must come after start (5)",
        "record 7: has no start",
        "record 8: created '2025-13-45T10:00:00' is not a date and time (ISO 8601, e.g. 2025-03-08T10:00:00Z)",
        "record 9: content_hash must be text",
        "record 10: category, category_colour must be text",
    ]


@pytest.mark.parametrize(
    "document",
    ['"just a string"', '{"type": "AnnotationCollection", "first": {"items": ["notadict"]}}',
     '{"type": "Annotation", "target": {"selector": ["str"]}, "body": "x"}',
     '{"type": "Annotation", "creator": "https://example.org/someone", "target": {}}'],
)  # fmt: skip
def test_a_malformed_json_ld_file_is_answered_with_a_message_not_an_error_page(alice_client, tagged, document):
    upload = io.BytesIO(document.encode())
    upload.name = "tags.jsonld"
    response = alice_client.post("/framing/tags/import", {"file": upload, "format": "jsonld"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Could not read the file" in page or "could not be imported" in page, page[:2000]


def test_viewers_export_but_cannot_import(bob_client, tagged):
    assert bob_client.get("/framing/tags/export.csv").status_code == 200
    upload = io.BytesIO(b"id\n")
    upload.name = "x.csv"
    assert bob_client.post("/framing/tags/import", {"file": upload}).status_code == 403


def test_the_commands_round_trip(tagged, tmp_path):
    before = fingerprint()
    path = tmp_path / "tags.jsonld"
    call_command("export_annotations", "--format", "jsonld", "--output", str(path))
    empty_copy_of_the_corpus()
    out = io.StringIO()
    call_command("import_annotations", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 4
    assert fingerprint() == before
