"""Corpus management in the admin: lists, read-only segments, re-ingest, exports and the import page."""

from __future__ import annotations

import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from narratives.ingest.pipeline import ingest_text
from narratives.models import Article, IngestBatch, Outlet, Segment
from tests.matching_support import make_article

CHANGELIST = reverse("admin:narratives_article_changelist")
CURFEW = "Valmora lifts curfew in Seren\n\nMarch 8 2025\n\nThe curfew in Seren was lifted on Saturday.\n\nLeave a Reply"


def action(client, name: str, *articles: Article):
    return client.post(CHANGELIST, {"action": name, "_selected_action": [a.pk for a in articles]})


def test_article_changelist_searches_and_filters(carol_client):
    make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard."])
    make_article("Patriot Signal", "Colour revolution crushed", ["Order was restored."])
    response = carol_client.get(CHANGELIST, {"q": "shooting"})
    assert b"Night of shooting" in response.content and b"Colour revolution crushed" not in response.content
    filters = {spec.title for spec in carol_client.get(CHANGELIST).context["cl"].filter_specs}
    assert filters == {"outlet", "language", "published", "uploaded by"}
    assert reverse("admin:narratives_article_import").encode() in response.content


def test_changelist_queries_do_not_grow_with_the_articles(carol_client, django_assert_max_num_queries):
    for n in range(15):
        make_article(f"Outlet {n}", f"Report {n}", [f"Sentence {n}."])
    with django_assert_max_num_queries(14):
        assert carol_client.get(CHANGELIST).status_code == 200


def test_change_page_shows_segments_read_only(carol_client):
    article = make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard."])
    response = carol_client.get(reverse("admin:narratives_article_change", args=[article.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Gunfire was heard." in body
    assert 'name="segments-0-text"' not in body and 'name="clean_text"' not in body
    assert article.get_absolute_url() in body
    assert reverse("article_original", args=[article.pk]) in body


def test_reingest_rebuilds_segments_from_the_original(carol_client, carol):
    article = ingest_text(CURFEW, outlet="The Seren Ledger").article
    kinds = list(article.segments.values_list("kind", "start", "end"))
    article.segments.all().delete()
    response = action(carol_client, "reingest_selected", article)
    assert response.status_code == 302
    assert list(Segment.objects.filter(article=article).values_list("kind", "start", "end")) == kinds
    messages = [str(m) for m in carol_client.get(CHANGELIST).context["messages"]]
    assert messages == ["Re-ingested 1 article."]


def test_reingest_reports_an_article_it_cannot_rebuild(carol_client):
    article = make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard."])
    Article.objects.filter(pk=article.pk).update(original=b"", original_filename="lost.txt")
    action(carol_client, "reingest_selected", article)
    messages = [str(m) for m in carol_client.get(CHANGELIST).context["messages"]]
    assert len(messages) == 1 and messages[0].startswith("Not re-ingested: Night of shooting: ")
    assert Segment.objects.filter(article=article).count() == 2  # left as it was


def _change_form_with(client, article: Article, **changes) -> dict:
    page = client.get(reverse("admin:narratives_article_change", args=[article.pk]))
    form = page.context["adminform"].form
    data = {name: "" if value is None else value for name, value in form.initial.items() if name in form.fields}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    return {**data, **changes}


def test_moving_an_article_to_another_outlet_keeps_duplicates_found_there(carol_client):
    text = "The curfew in Seren was lifted on Saturday.\n\nShops opened again at noon."
    reprint = ingest_text(text, outlet="Patriot Signal").article
    ledger = Outlet.objects.create(name="The Seren Ledger")
    url = reverse("admin:narratives_article_change", args=[reprint.pk])
    response = carol_client.post(url, _change_form_with(carol_client, reprint, outlet=ledger.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    again = ingest_text(text, outlet="The Seren Ledger")
    assert again.article is None and again.duplicate_of == reprint
    elsewhere = ingest_text(text, outlet="Patriot Signal")
    assert elsewhere.article is not None  # Patriot Signal no longer holds it: stored (as a reprint)


def test_moving_an_article_where_the_same_words_already_are_is_refused_with_the_twin_named(carol_client):
    text = "The curfew in Seren was lifted on Saturday.\n\nShops opened again at noon."
    original = ingest_text(text, outlet="The Seren Ledger").article
    reprint = ingest_text(text, outlet="Patriot Signal").article
    url = reverse("admin:narratives_article_change", args=[reprint.pk])
    response = carol_client.post(url, _change_form_with(carol_client, reprint, outlet=original.outlet_id))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["outlet"]
    assert errors == [
        f"The Seren Ledger already has this text as article {original.pk} (“{original.title}”): moving this one "
        "there would make a duplicate. Delete one of the two instead."
    ]
    reprint.refresh_from_db()
    assert reprint.outlet.name == "Patriot Signal"


def test_export_jsonl_has_every_article_with_exact_segments(carol_client):
    first = make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard. Troops arrived."])
    second = make_article("Patriot Signal", "Colour “revolution” crushed", ["Order was restored."])
    response = action(carol_client, "export_jsonl", first, second)
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Content-Disposition"].startswith('attachment; filename="articles-')
    rows = [json.loads(line) for line in response.content.decode().splitlines()]
    assert [(r["id"], r["outlet"], r["title"]) for r in rows] == [
        (first.pk, "The Seren Ledger", "Night of shooting"),
        (second.pk, "Patriot Signal", "Colour “revolution” crushed"),
    ]
    for row in rows:
        assert row["segments"] and all(row["text"][s["start"] : s["end"]] == s["text"] for s in row["segments"])


def test_export_csv_has_the_importers_columns(carol_client):
    article = make_article("The Seren Ledger", "Night, with “quotes”", ["Line one.", "Line two."])
    response = action(carol_client, "export_csv", article)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert {"title", "outlet", "url", "published", "text"} <= set(rows[0])
    assert rows[0]["title"] == "Night, with “quotes”" and rows[0]["text"] == article.clean_text


def test_delete_action_asks_for_confirmation_first(carol_client):
    article = make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard."])
    response = action(carol_client, "delete_selected", article)
    assert response.status_code == 200 and b'<input type="hidden" name="post" value="yes">' in response.content
    assert Article.objects.filter(pk=article.pk).exists()
    carol_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()


def test_import_page_ingests_files_and_lists_each_result(carol_client, carol):
    files = [
        SimpleUploadedFile("curfew.txt", CURFEW.encode(), content_type="text/plain"),
        SimpleUploadedFile("again.txt", CURFEW.encode(), content_type="text/plain"),
        SimpleUploadedFile("empty.txt", b"", content_type="text/plain"),
    ]
    response = carol_client.post(
        reverse("admin:narratives_article_import"), {"files": files, "outlet": "The Seren Ledger"}
    )
    body = response.content.decode()
    article = Article.objects.get()
    assert article.uploaded_by == carol
    assert body.count('<tr class="created">') == 1 and body.count('<tr class="duplicate">') == 1
    assert '<tr class="error">' in body and "empty.txt" in body
    assert reverse("admin:narratives_article_change", args=[article.pk]) in body


def test_import_page_lists_each_articles_warnings_as_the_upload_page_does(carol_client):
    rows = b"title,published,text\nCurfew lifted,5 May,The curfew in Seren was lifted on Saturday.\n"
    files = [SimpleUploadedFile("rows.csv", rows, content_type="text/csv")]
    response = carol_client.post(reverse("admin:narratives_article_import"), {"files": files, "outlet": ""})
    body = response.content.decode()
    assert body.count('<tr class="created">') == 1
    assert "<li>published date &#x27;5 May&#x27; not understood (use YYYY-MM-DD); left empty</li>" in body, body
    assert "no outlet given: filed under" in body


def test_import_page_without_files_shows_the_form_error(carol_client):
    response = carol_client.post(reverse("admin:narratives_article_import"), {"outlet": "X"})
    assert response.status_code == 200 and b"This field is required." in response.content
    assert not Article.objects.exists()


def test_outlet_changelist_counts_articles(carol_client):
    make_article("The Seren Ledger", "Night of shooting", ["Gunfire was heard."])
    make_article("The Seren Ledger", "Curfew lifted", ["The curfew ended."])
    response = carol_client.get(reverse("admin:narratives_outlet_changelist"))
    assert [(o.name, o.article_count) for o in response.context["cl"].result_list] == [("The Seren Ledger", 2)]


def test_an_outlet_named_like_another_but_for_case_is_refused(carol_client):
    Outlet.objects.create(name="Quellin Daily")
    response = carol_client.post(reverse("admin:narratives_outlet_add"), {"name": "quellin daily", "slug": "quellin-2"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["name"]
    assert errors == ["There is already an outlet “Quellin Daily”: names are compared ignoring case."]
    assert Outlet.objects.count() == 1


def test_upload_batches_are_listed_with_their_progress(carol_client, carol):
    batch = IngestBatch.objects.create(created_by=carol, outlet_name="X")
    batch.items.create(filename="a.txt", status="done")
    batch.items.create(filename="b.txt")
    response = carol_client.get(reverse("admin:narratives_ingestbatch_changelist"))
    assert b"1 of 2" in response.content
    detail = carol_client.get(reverse("admin:narratives_ingestbatch_change", args=[batch.pk]))
    assert detail.status_code == 200 and b"a.txt" in detail.content


def test_admin_add_article_opens_the_import_page(carol_client):
    # Articles only come in through ingest (original bytes, segments), never a bare model form.
    response = carol_client.get("/admin/narratives/article/add/")
    assert response.status_code == 302 and response["Location"].endswith("/admin/narratives/article/import/")
