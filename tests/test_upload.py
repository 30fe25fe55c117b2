"""The upload page: pasted text, files ingested at once or by the worker, and the per-file results."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from narratives import tasks
from narratives.models import Article, BatchStatus, IngestBatch, IngestItem
from narratives.tasks import process_batch

HTMX = {"HTTP_HX_REQUEST": "true"}

CURFEW = (
    "Valmora lifts curfew in Seren\n\nThe curfew in Seren was lifted on Saturday, a week after the protests began.\n"
)
TROOPS = "Regional pact sends troops\n\nThe pact said it had sent about 2,500 troops to Valmora on Wednesday.\n"
TOLL = "Death toll rises to 31\n\nThe health ministry raised the official death toll to 31 on Friday evening.\n"


def txt(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def upload(client, *files, outlet: str = "The Seren Ledger", **extra):
    return client.post(reverse("upload_files"), {"files": list(files), "outlet": outlet}, **extra)


def statuses(batch: IngestBatch) -> dict[str, str]:
    return dict(batch.items.values_list("filename", "status"))


@pytest.fixture
def queue_everything(settings):
    settings.NARRATIVES_INLINE_BATCH = 0


# --- pasted text -------------------------------------------------------------------------------


def test_paste_imports_the_text_and_opens_it(alice_client, alice):
    data = {
        "text": CURFEW,
        "title": "",
        "outlet": "  The  Seren Ledger ",
        "url": "https://serenledger.example/x",
        "published": "2025-03-08",
    }
    response = alice_client.post(reverse("upload_paste"), data)
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert article.title == "Valmora lifts curfew in Seren"
    assert article.outlet.name == "The Seren Ledger"
    assert (article.url, article.published, article.uploaded_by) == (
        "https://serenledger.example/x",
        date(2025, 3, 8),
        alice,
    )


def test_paste_of_the_same_text_names_the_article_it_duplicates(alice_client):
    alice_client.post(reverse("upload_paste"), {"text": CURFEW, "outlet": "The Seren Ledger"})
    first = Article.objects.get()
    response = alice_client.post(reverse("upload_paste"), {"text": CURFEW, "outlet": "The Seren Ledger"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "duplicate of" in body and f'href="{first.get_absolute_url()}"' in body
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   \n ", "outlet": "The Seren Ledger"}, "The text is empty."),
        ({"text": CURFEW, "outlet": "   "}, "This field is required."),
        ({"text": CURFEW, "outlet": "X", "published": "8 March"}, "Enter a valid date."),
    ],
)
def test_paste_with_bad_input_is_refused_in_place(alice_client, data, message):
    response = alice_client.post(reverse("upload_paste"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Article.objects.exists()


# --- files ingested at once --------------------------------------------------------------------


def test_small_upload_is_ingested_at_once_and_lists_each_file(alice_client):
    response = upload(alice_client, txt("curfew.txt", CURFEW), txt("troops.txt", TROOPS))
    batch = IngestBatch.objects.get()
    assert response["Location"] == reverse("upload_batch", args=[batch.pk])
    page = alice_client.get(response["Location"]).content.decode()
    assert batch.status == BatchStatus.DONE
    assert statuses(batch) == {"curfew.txt": "done", "troops.txt": "done"}
    for article in Article.objects.all():
        assert f'href="{article.get_absolute_url()}">{article.title}</a>' in page
    assert page.count('data-status="created"') == 2
    assert '<progress max="2" value="2">' in page
    assert "hx-trigger" not in page.split('id="batch"')[1].split(">")[0]  # finished: no more polling


def test_upload_reports_duplicates_and_errors_file_by_file(alice_client):
    upload(alice_client, txt("curfew.txt", CURFEW), txt("curfew-again.txt", CURFEW), txt("empty.txt", ""))
    batch = IngestBatch.objects.get()
    first = Article.objects.get()
    page = alice_client.get(reverse("upload_batch", args=[batch.pk])).content.decode()
    assert 'data-status="created"' in page
    duplicate = page.split('<span class="file">curfew-again.txt</span>')[1].split("</li>")[0]
    assert "duplicate of" in duplicate and first.get_absolute_url() in duplicate
    failed = batch.items.get(filename="empty.txt")
    assert failed.status == BatchStatus.FAILED and "empty.txt" in failed.error
    assert f'error:</span> <span class="message">{failed.error}' in page
    assert Article.objects.count() == 1


def test_batch_results_show_the_warnings_of_each_file(alice_client):
    upload(alice_client, txt("curfew.txt", CURFEW), outlet="The Seren Ledger")
    upload(alice_client, txt("reprint.txt", CURFEW), outlet="Valmora Daily")
    batch = IngestBatch.objects.latest("pk")
    item = batch.items.get()
    assert item.status == BatchStatus.DONE and item.warnings, "a reprint from another outlet is flagged"
    page = alice_client.get(reverse("upload_batch", args=[batch.pk])).content.decode()
    assert '<ul class="warnings">' in page and item.warnings.splitlines()[0].split(":")[0] in page


def test_oversized_file_fails_without_its_bytes_being_kept(alice_client, settings):
    settings.NARRATIVES_MAX_UPLOAD_BYTES = 1024 * 1024
    upload(alice_client, txt("long.txt", CURFEW * 15_000), txt("short.txt", TROOPS))
    item = IngestItem.objects.get(filename="long.txt")
    assert item.status == BatchStatus.FAILED and item.payload is None
    assert item.error == "long.txt: is 1.5 MB, over the 1.0 MB limit per file"
    assert IngestItem.objects.get(filename="short.txt").status == BatchStatus.DONE


def test_files_need_an_outlet_unless_they_name_their_own(alice_client):
    response = upload(alice_client, txt("curfew.txt", CURFEW), outlet="")
    assert response.status_code == 400
    assert "Name the outlet that published curfew.txt." in response.content.decode()
    csv_file = SimpleUploadedFile(
        "rows.csv", b"title,outlet,text\nT,Meridian,Some text here.\n", content_type="text/csv"
    )
    assert upload(alice_client, csv_file, outlet="").status_code == 302


def test_upload_without_files_is_refused(alice_client):
    response = alice_client.post(reverse("upload_files"), {"outlet": "The Seren Ledger"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not IngestBatch.objects.exists()


def test_a_reader_that_crashes_costs_one_file_not_the_batch(alice_client, monkeypatch):
    real = tasks.ingest_items

    def flaky(items, **kwargs):
        if items[0].filename == "bad.txt":
            raise RuntimeError("reader bug")
        return real(items, **kwargs)

    monkeypatch.setattr(tasks, "ingest_items", flaky)
    upload(alice_client, txt("bad.txt", TROOPS), txt("good.txt", CURFEW))
    batch = IngestBatch.objects.get()
    assert batch.status == BatchStatus.DONE
    assert statuses(batch) == {"bad.txt": "failed", "good.txt": "done"}
    assert batch.items.get(filename="bad.txt").error == "bad.txt: could not be ingested (an internal error, logged)"


# --- files queued for the worker ---------------------------------------------------------------


def new_ingest_tasks(before: set) -> list[DBTaskResult]:
    # Compared with what was there before, so tasks another stage queues (framing) never count.
    tasks = DBTaskResult.objects.filter(task_path="narratives.tasks.ingest_batch")
    return [t for t in tasks if t.pk not in before]


def existing_tasks() -> set:
    return set(DBTaskResult.objects.values_list("pk", flat=True))


def test_big_upload_is_queued_for_the_worker(alice_client, queue_everything, django_capture_on_commit_callbacks):
    before = existing_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(alice_client, txt("curfew.txt", CURFEW), txt("troops.txt", TROOPS))
    batch = IngestBatch.objects.get()
    assert batch.status == BatchStatus.QUEUED and not Article.objects.exists()
    assert all(item.payload for item in batch.items.all())
    [task] = new_ingest_tasks(before)
    assert task.args_kwargs["args"] == [batch.pk]
    page = alice_client.get(response["Location"]).content.decode()
    assert page.count('data-status="waiting"') == 2
    assert f'hx-get="{reverse("upload_batch", args=[batch.pk])}" hx-trigger="every 1s"' in page
    assert '<progress max="2" value="0">' in page


def test_htmx_poll_gets_only_the_progress_partial(alice_client, queue_everything):
    upload(alice_client, txt("curfew.txt", CURFEW))
    batch = IngestBatch.objects.get()
    response = alice_client.get(reverse("upload_batch", args=[batch.pk]), **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="batch"') and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]
    process_batch(batch.pk)
    done = alice_client.get(reverse("upload_batch", args=[batch.pk]), **HTMX).content.decode()
    assert 'data-done="true"' in done and "hx-trigger" not in done and 'data-status="created"' in done


def test_worker_task_ingests_the_batch_and_drops_the_bytes(alice_client, queue_everything):
    upload(alice_client, txt("curfew.txt", CURFEW), txt("troops.txt", TROOPS))
    batch = IngestBatch.objects.get()
    assert tasks.ingest_batch.call(batch.pk) == 2
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.finished_at is not None
    assert statuses(batch) == {"curfew.txt": "done", "troops.txt": "done"}
    assert not batch.items.filter(payload__isnull=False).exists()
    assert {a.uploaded_by.username for a in Article.objects.all()} == {"alice"}


def test_batch_killed_midway_finishes_on_rerun_without_duplicates(alice_client, queue_everything, monkeypatch):
    upload(alice_client, txt("curfew.txt", CURFEW), txt("troops.txt", TROOPS), txt("toll.txt", TOLL))
    batch = IngestBatch.objects.get()
    real, calls = tasks.ingest_items, []

    def dies_on_second_file(items, **kwargs):
        calls.append(items[0].filename)
        results = real(items, **kwargs)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the worker is killed after storing, before the item is marked
        return results

    monkeypatch.setattr(tasks, "ingest_items", dies_on_second_file)
    with pytest.raises(KeyboardInterrupt):
        process_batch(batch.pk)
    assert statuses(batch) == {"curfew.txt": "done", "troops.txt": "queued", "toll.txt": "queued"}
    assert Article.objects.count() == 1  # the interrupted file left nothing behind
    assert batch.items.get(filename="troops.txt").payload is not None

    monkeypatch.setattr(tasks, "ingest_items", real)
    assert process_batch(batch.pk) == 2
    assert statuses(batch) == {"curfew.txt": "done", "troops.txt": "done", "toll.txt": "done"}
    assert Article.objects.count() == 3
    assert process_batch(batch.pk) == 0  # a second runner finds nothing left to do
    assert Article.objects.count() == 3


def test_zip_upload_gives_one_row_per_article(alice_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("curfew.txt", CURFEW)
        archive.writestr("troops.txt", TROOPS)
    upload(alice_client, SimpleUploadedFile("bundle.zip", buffer.getvalue(), content_type="application/zip"))
    batch = IngestBatch.objects.get()
    process_batch(batch.pk)  # zips always go to the worker
    rows = statuses(batch)
    assert rows == {"bundle.zip": "done", "bundle.zip/curfew.txt": "done", "bundle.zip/troops.txt": "done"}
    assert Article.objects.count() == 2
    page = alice_client.get(reverse("upload_batch", args=[batch.pk])).content.decode()
    assert "2 of 2 processed." in page and "read: 2 articles or errors, listed below" in page


def _zip_of(count: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(count):
            text = f"Harbour report {n}\n\nThe harbour counted {n} ships on day {n} of the strike.\n"
            archive.writestr(f"a{n:02d}.txt", text)
    return SimpleUploadedFile("bundle.zip", buffer.getvalue(), content_type="application/zip")


def test_a_zip_is_stored_a_group_at_a_time_and_a_killed_run_goes_on_from_its_progress(alice_client, monkeypatch):
    upload(alice_client, _zip_of(tasks.EMBED_TOGETHER + 4))
    batch = IngestBatch.objects.get()
    real, groups = tasks.ingest_items, []

    def dies_in_the_second_group(items, **kwargs):
        groups.append(len(items))
        if len(groups) == 2:
            raise KeyboardInterrupt  # killed after the first group was committed
        return real(items, **kwargs)

    monkeypatch.setattr(tasks, "ingest_items", dies_in_the_second_group)
    with pytest.raises(KeyboardInterrupt):
        process_batch(batch.pk)
    zip_row = batch.items.get(filename="bundle.zip")
    expected = ("queued", tasks.EMBED_TOGETHER, tasks.EMBED_TOGETHER + 4)
    assert (zip_row.status, zip_row.progress, zip_row.members) == expected
    assert Article.objects.count() == tasks.EMBED_TOGETHER  # the first group is in, committed on its own
    page = alice_client.get(reverse("upload_batch", args=[batch.pk])).content.decode()
    assert f"reading: {tasks.EMBED_TOGETHER} of {tasks.EMBED_TOGETHER + 4} so far" in page
    assert f"{tasks.EMBED_TOGETHER} of {tasks.EMBED_TOGETHER + 4} processed" in page

    monkeypatch.setattr(tasks, "ingest_items", real)
    assert process_batch(batch.pk) == 1
    assert Article.objects.count() == tasks.EMBED_TOGETHER + 4  # nothing imported twice
    assert batch.items.get(filename="bundle.zip").payload is None


def test_a_zip_that_fails_in_a_later_group_says_how_many_of_its_articles_are_in(alice_client, monkeypatch):
    upload(alice_client, _zip_of(tasks.EMBED_TOGETHER + 4))
    batch = IngestBatch.objects.get()
    real = tasks.ingest_items
    calls = []

    def bug_in_the_second_group(items, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("reader bug")
        return real(items, **kwargs)

    monkeypatch.setattr(tasks, "ingest_items", bug_in_the_second_group)
    process_batch(batch.pk)
    row = batch.items.get(filename="bundle.zip")
    assert row.status == "failed" and row.error == (
        f"bundle.zip: {tasks.EMBED_TOGETHER} of {tasks.EMBED_TOGETHER + 4} imported (listed below); "
        "the rest could not be (an internal error, logged)"
    )


def test_a_database_error_in_a_group_leaves_the_zip_queued_with_its_bytes_to_resume(alice_client, monkeypatch):
    from django.db import OperationalError

    upload(alice_client, _zip_of(3))
    batch = IngestBatch.objects.get()

    def locked(items, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(tasks, "ingest_items", locked)
    with pytest.raises(OperationalError):
        process_batch(batch.pk)
    row = batch.items.get(filename="bundle.zip")
    assert row.status == "queued" and row.payload is not None and not Article.objects.exists()


def test_a_damaged_zip_is_one_row_with_the_reason(alice_client):
    upload(alice_client, SimpleUploadedFile("bad.zip", b"PK\x03\x04 not really a zip", content_type="application/zip"))
    batch = IngestBatch.objects.get()
    process_batch(batch.pk)
    [row] = batch.items.all()
    assert row.status == "failed" and row.error.startswith("bad.zip: ") and row.members is None


def test_a_duplicate_stays_a_duplicate_after_the_article_it_duplicated_is_deleted(alice_client):
    upload(alice_client, txt("curfew.txt", CURFEW))
    upload(alice_client, txt("curfew-copy.txt", CURFEW))
    second = IngestBatch.objects.order_by("id").last()
    Article.objects.all().delete()
    page = alice_client.get(reverse("upload_batch", args=[second.pk])).content.decode()
    assert 'data-status="duplicate"' in page and "of an article since deleted (nothing imported)" in page
    assert "has since been deleted)" not in page


def test_resuming_a_finished_batch_says_there_is_nothing_to_resume(alice_client):
    upload(alice_client, txt("curfew.txt", CURFEW))
    batch = IngestBatch.objects.get()
    response = alice_client.post(reverse("upload_batch_resume", args=[batch.pk]), follow=True)
    assert "Nothing to resume: every file of this batch has been processed." in response.content.decode()


def test_stalled_batch_offers_to_resume_and_resuming_requeues_it(
    alice_client, queue_everything, django_capture_on_commit_callbacks
):
    upload(alice_client, txt("curfew.txt", CURFEW))
    batch = IngestBatch.objects.get()
    url = reverse("upload_batch", args=[batch.pk])
    assert "Resume" not in alice_client.get(url).content.decode()
    IngestBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert "Resume" not in alice_client.get(url).content.decode()  # old, but a file moved a moment ago
    batch.items.update(updated_at=timezone.now() - timedelta(minutes=5))
    assert (
        'action="{}"'.format(reverse("upload_batch_resume", args=[batch.pk])) in alice_client.get(url).content.decode()
    )
    before = existing_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("upload_batch_resume", args=[batch.pk]), follow=True)
    assert "the remaining files are queued again" in response.content.decode()
    assert len(new_ingest_tasks(before)) == 1


def test_upload_page_offers_known_outlets(alice_client):
    alice_client.post(reverse("upload_paste"), {"text": CURFEW, "outlet": "The Seren Ledger"})
    body = alice_client.get(reverse("upload")).content.decode()
    assert '<datalist id="outlet-names"><option value="The Seren Ledger"></option></datalist>' in body
