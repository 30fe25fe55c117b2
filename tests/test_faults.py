"""Faults: a worker killed mid-batch, the database going away, the disk filling up during an upload.

- The worker test runs the real ``manage.py db_worker`` in a subprocess against a scratch database of
  the suite's own kind (a SQLite file, or a new database on the PostgreSQL server when the suite runs
  on PostgreSQL), sends it SIGKILL while a batch is half done, checks that no article is half-written,
  then resumes the batch and checks that it finishes without duplicates.
- The database-away tests cut a running gunicorn off its database for real (SQLite: the database's
  folder is moved away; PostgreSQL: the database stops accepting connections) and check the 503 page,
  the API's 503, that nothing was half-saved, and that everything is back once the database is; an
  in-process test also sends every page and API operation to a database that fails mid-request.
- The full-disk test uploads through Django's test client with its temporary upload folder on a 1 MB
  tmpfs, so the kernel itself answers ENOSPC (mounting needs root, which CI and this machine have).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import inspect
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection

from narratives.loadtest.scratch import ROOT, ScratchDatabase, Server
from narratives.models import Article
from tests.security import surface
from tests.security.world import world as world_fixture

world = world_fixture  # the shared World, by the name the tests ask for
pytestmark = pytest.mark.django_db

ENGINE = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
POSTGRES = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0] + "/postgres"
BATCH_SIZE = 24


def report_text(n: int) -> str:
    sentences = " ".join(
        f"Witness {n}-{i} said the harbour at Veltria was closed for {i + n} hours on the day of the storm."
        for i in range(40)
    )
    return f"Harbour report number {n}\n\nBy Fault Desk\n\n{sentences}\n\nThe port reopened later that week."


# --- scratch-database helpers -----------------------------------------------------------------------


class Probe:
    """Reads the scratch database directly (no Django), so a poll costs milliseconds."""

    def __init__(self, db: ScratchDatabase):
        self.db = db

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.db.engine == "sqlite":
            with contextlib.closing(sqlite3.connect(self.db.url.removeprefix("sqlite:///"), timeout=20)) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.db.url) as conn:
            return conn.execute(sql, params).fetchall()

    def item_states(self, batch: int) -> dict[str, int]:
        rows = self.query("SELECT status, COUNT(*) FROM narratives_ingestitem WHERE batch_id = %s GROUP BY status", (batch,))
        return dict(rows)

    def half_written(self) -> list[str]:
        """Articles without segments, segments that do not index their text, items out of step with articles."""
        problems = []
        articles = self.query("SELECT id, clean_text FROM narratives_article")
        for article_id, text in articles:
            segments = self.query("SELECT start, \"end\", text FROM narratives_segment WHERE article_id = %s", (article_id,))
            if not segments:
                problems.append(f"article {article_id} has no segments")
            problems += [
                f"article {article_id} segment {s}-{e} does not index its text"
                for s, e, t in segments
                if text[s:e] != t
            ]
        linked = {row[0] for row in self.query("SELECT article_id FROM narratives_ingestitem WHERE article_id IS NOT NULL")}
        orphans = {a for a, _ in articles} - linked
        if orphans:
            problems.append(f"articles {sorted(orphans)} are not recorded on any batch item")
        unmarked = self.query("SELECT id FROM narratives_ingestitem WHERE article_id IS NOT NULL AND status <> 'done'")
        if unmarked:
            problems.append(f"items {unmarked} have an article but are not marked done")
        lost = self.query("SELECT id FROM narratives_ingestitem WHERE status = 'queued' AND payload IS NULL")
        if lost:
            problems.append(f"queued items {lost} lost their bytes")
        return problems


def start_worker(db: ScratchDatabase, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "ab")
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=ROOT,
        env=db.env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(condition, timeout: float, what: str, worker: subprocess.Popen | None = None, log_path: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) while waiting for {what}:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}" + (f":\n{log_path.read_text()[-3000:]}" if log_path else ""))


ENQUEUE = inspect.getsource(report_text) + r"""
import sys
from django.core.files.uploadedfile import SimpleUploadedFile
from narratives.tasks import create_batch, ingest_batch
files = [SimpleUploadedFile(f"report-{n:03d}.txt", report_text(n).encode(), "text/plain") for n in range(int(sys.argv[1]))]
batch = create_batch(files, outlet_name="Fault Wire", user=None)
ingest_batch.enqueue(batch.pk)
print(batch.pk)
"""

RESUME = r"""
import sys
from narratives.models import IngestBatch
from narratives.tasks import resume_batch
resume_batch(IngestBatch.objects.get(pk=int(sys.argv[1])))
"""

RERUN = r"""
import sys
from narratives.tasks import ingest_batch
ingest_batch.enqueue(int(sys.argv[1]))
"""


@pytest.mark.slow
def test_worker_killed_mid_batch_leaves_no_half_article_and_resumes_without_duplicates(tmp_path):
    with ScratchDatabase(ENGINE, POSTGRES, folder=tmp_path) as db:
        db.manage("migrate", "--noinput")
        batch = int(db.python(ENQUEUE, str(BATCH_SIZE)).strip().splitlines()[-1])
        probe, log_path = Probe(db), tmp_path / "worker.log"
        kills = []
        for target in (2, 9):  # kill twice, at different depths into the batch
            worker = start_worker(db, log_path)
            done = lambda: probe.item_states(batch).get("done", 0) >= target
            wait_for(done, 240, f"{target} items done", worker, log_path)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            states = probe.item_states(batch)
            kills.append(states)
            assert states.get("queued", 0) > 0, f"the batch finished before the kill could land: {states}"
            assert not probe.half_written(), probe.half_written()
            db.python(RESUME, str(batch))
        worker = start_worker(db, log_path)
        try:
            wait_for(lambda: probe.item_states(batch).get("queued", 0) == 0 and
                     probe.query("SELECT status FROM narratives_ingestbatch WHERE id = %s", (batch,))[0][0] == "done",
                     300, "the resumed batch to finish", worker, log_path)  # fmt: skip
            # Run the finished batch once more: nothing new may appear.
            db.python(RERUN, str(batch))
            time.sleep(1.5)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        states = probe.item_states(batch)
        assert states == {"done": BATCH_SIZE}, states
        assert not probe.half_written(), probe.half_written()
        articles = probe.query("SELECT COUNT(*), COUNT(DISTINCT content_hash), COUNT(DISTINCT title) FROM narratives_article")[0]
        assert articles == (BATCH_SIZE, BATCH_SIZE, BATCH_SIZE), f"articles, distinct hashes, distinct titles: {articles}"
        record_fault_figures("worker-kill", {"engine": ENGINE, "batch": BATCH_SIZE, "states_at_kills": kills, "final": states})


# --- the database goes away -----------------------------------------------------------------------------

CREATE_USER = r"""
from django.contrib.auth.models import Group, User
from narratives.models import ApiToken
u = User.objects.create_user("ops", password="ops password 42")
u.groups.add(Group.objects.get_or_create(name="analyst")[0])
print(ApiToken.for_user(u).key)
"""


class Outage:
    """Cuts the scratch database off from new connections, for real, and restores it."""

    def __init__(self, db: ScratchDatabase):
        self.db = db
        self.folder = db.folder
        self.moved = db.folder.with_name(db.folder.name + "-away")

    def __enter__(self):
        if self.db.engine == "sqlite":
            # With conn_max_age=0 every request opens the file anew: with its folder gone, it cannot.
            self.folder.rename(self.moved)
        else:
            self.db._admin(f'ALTER DATABASE "{self.db.name}" ALLOW_CONNECTIONS false')
            self.db._admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.db.name}'")
        return self

    def __exit__(self, *exc):
        if self.db.engine == "sqlite":
            self.moved.rename(self.folder)
        else:
            self.db._admin(f'ALTER DATABASE "{self.db.name}" ALLOW_CONNECTIONS true')


@pytest.mark.slow
def test_database_outage_gives_a_clear_503_and_loses_nothing(tmp_path):
    import httpx2

    folder = tmp_path / "db"
    folder.mkdir()
    with ScratchDatabase(ENGINE, POSTGRES, folder=folder) as db:
        db.manage("migrate", "--noinput")
        token = db.python(CREATE_USER).strip().splitlines()[-1]
        api = {"Authorization": f"Bearer {token}"}
        # gunicorn's own files live outside the folder that goes away.
        with Server(db, workers=1, threads=2, NARRATIVES_VAR_DIR=str(tmp_path)) as server:
            with httpx2.Client(base_url=server.url, timeout=30) as http:
                first = http.post("/api/articles", json={"outlet": "Ops Wire", "text": report_text(1)}, headers=api)
                assert first.status_code == 201, first.text
                # Production cookies are Secure and this is plain HTTP on loopback: send them by hand.
                csrf = http.get("/accounts/login/").cookies["csrftoken"]
                login = http.post("/accounts/login/", data={"username": "ops", "password": "ops password 42",
                                  "csrfmiddlewaretoken": csrf}, headers={"Cookie": f"csrftoken={csrf}"})  # fmt: skip
                assert login.status_code == 302, login.status_code
                cookie = {"Cookie": f"sessionid={login.cookies['sessionid']}"}
                with Outage(db):
                    page = http.get("/articles/", headers=cookie)
                    listing = http.get("/api/articles", headers=api)
                    during = http.post("/api/articles", json={"outlet": "Ops Wire", "text": report_text(2)}, headers=api)
                assert page.status_code == 503, (page.status_code, page.text[:500])
                assert "database is unavailable" in page.text and "<title>" in page.text
                assert listing.status_code == 503 and "unavailable" in listing.json()["detail"], listing.text[:300]
                assert during.status_code == 503, during.text[:300]
                assert "Nothing was saved" in during.json()["detail"]
                # Back: the article from before is whole, the refused one was not half-saved, writes work.
                after = http.get("/api/articles", headers=api).json()
                after = after["items"] if isinstance(after, dict) else after  # paginated: {"items", "count"}
                assert [a["id"] for a in after] == [first.json()["id"]], after
                full = http.get(f"/api/articles/{first.json()['id']}", headers=api).json()
                assert full["text"] == first.json()["text"] and full["segments"] == first.json()["segments"]
                again = http.post("/api/articles", json={"outlet": "Ops Wire", "text": report_text(2)}, headers=api)
                assert again.status_code == 201, again.text
                assert http.get("/articles/", headers=cookie).status_code == 200
    record_fault_figures("outage", {"engine": ENGINE, "page": page.status_code, "api": listing.status_code, "write": during.status_code})


class FailingDatabase:
    """An execute wrapper that lets sign-in through and fails every other query as a lost server would."""

    SIGN_IN = re.compile(r'FROM\s+"?(django_session|auth_user|narratives_apitoken|auth_group)"?\s', re.IGNORECASE)

    def __init__(self):
        self.refused = 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            return execute(sql, params, many, context)  # the test's own transaction must still unwind
        if self.SIGN_IN.search(sql):
            return execute(sql, params, many, context)
        self.refused += 1
        raise OperationalError("server closed the connection unexpectedly")


def _judge(response, failing: FailingDatabase, api: bool) -> str | None:
    """A request that touched the database must answer 503 with the message; one that did not (a form
    refused before any query) may answer as usual."""
    if failing.refused == 0:
        return None if response.status_code < 500 else f"{response.status_code} without a database error"
    if response.status_code != 503:
        return f"{response.status_code} after a database error"
    text = response.json().get("detail", "") if api else response.content.decode()
    return None if "unavailable" in text else f"503 without the message: {text[:100]}"


def test_every_page_and_api_operation_answers_503_when_the_database_fails(world, db):
    failures = {}
    checked = 0
    for route in surface.page_routes(include_admin=False):
        if route.name in {"login", "logout"}:
            continue
        path = surface.fill(route, world)
        client = world.client("carol")
        for method in ("GET", "POST"):
            failing = FailingDatabase()
            with connection.execute_wrapper(failing):
                response = client.generic(method, path) if method == "POST" else client.get(path)
            if response.status_code == 405:
                continue
            checked += failing.refused > 0
            if problem := _judge(response, failing, api=False):
                failures[f"{method} {path}"] = problem
    for op in surface.api_operations():
        path = surface.fill_operation(op, world)
        failing = FailingDatabase()
        with connection.execute_wrapper(failing):
            response = world.client(None).generic(op.method, path, "{}", "application/json", **world.bearer("carol"))
        checked += failing.refused > 0
        if problem := _judge(response, failing, api=True):
            failures[str(op)] = problem
    assert checked > 20, checked
    assert not failures, json.dumps(failures, indent=1, default=str)


# --- the disk fills up during an upload --------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MB tmpfs: writes past it fail with ENOSPC from the kernel itself."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs to fill (needs root): {result.stderr.strip()}")
    try:
        yield mount
    finally:
        # Temporary upload files that failed mid-write may still wait for the garbage collector. Their
        # finalisers must run while the mount exists: run later, they raise inside whatever the
        # interpreter is doing then (in Python 3.11 even inside ast.parse, which breaks pytest itself).
        gc.collect()
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_tiny_disk_really_is_full(tiny_disk):
    """The control: the fixture's disk refuses a 2 MB write with ENOSPC."""
    with pytest.raises(OSError) as raised:
        (tiny_disk / "ballast").write_bytes(b"x" * 2_000_000)
    assert raised.value.errno == errno.ENOSPC


def test_upload_onto_a_full_disk_gives_a_clear_message_and_changes_nothing(world, db, tiny_disk, settings):
    # Files over FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file: on this disk, it fills.
    settings.FILE_UPLOAD_TEMP_DIR = str(tiny_disk)
    before = (Article.objects.count(), sorted(Article.objects.values_list("content_hash", flat=True)))
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = ("Harbour report on a full disk\n\n" + "The harbour at Veltria reopened on Tuesday. " * 70_000).encode()
    assert len(big) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    # As a browser sends it: the CSRF check is what reads (and so streams to disk) the body first.
    client = world.client("alice", enforce_csrf=True)
    client.get("/upload/")
    token = client.cookies["csrftoken"].value
    form = {"csrfmiddlewaretoken": token, "outlet": "Disk Wire", "files": SimpleUploadedFile("full.txt", big, "text/plain")}
    page = client.post("/upload/files", form)
    api = world.client(None).post(
        "/api/articles", {"outlet": "Disk Wire", "file": SimpleUploadedFile("full.txt", big, "text/plain")}, **world.bearer("alice")
    )
    after = (Article.objects.count(), sorted(Article.objects.values_list("content_hash", flat=True)))
    assert after == before, "the corpus changed during a failed upload"
    assert not list(tiny_disk.iterdir()), "the half-written temporary uploads were left behind"
    assert page.status_code == 507, f"upload page answered {page.status_code}"
    assert b"disk" in page.content.lower() or b"space" in page.content.lower(), page.content[:500]
    assert api.status_code == 507, f"API answered {api.status_code}: {api.content[:300]!r}"
    assert "disk" in api.json()["detail"].lower() or "space" in api.json()["detail"].lower()


@contextlib.contextmanager
def full_database():
    """SQLite refuses to grow the file by more than two pages: the next article does not fit.

    Pages freed by earlier tests would still take it, so they are filled first with ballast (rolled
    back with the test's transaction); otherwise whether the article fits depends on test order.
    """
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE fault_ballast (filler BLOB)")
        cursor.execute("PRAGMA page_size")
        page_size = cursor.fetchone()[0]
        while _free_pages(cursor) > 0:
            cursor.execute("INSERT INTO fault_ballast VALUES (zeroblob(?))", [page_size // 2])
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 2}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")


def _free_pages(cursor) -> int:
    cursor.execute("PRAGMA freelist_count")
    return cursor.fetchone()[0]


FULL_DATABASE_TEXT = "Harbour report on a full database\n\n" + "The harbour at Veltria reopened on Tuesday. " * 600
SQLITE_ONLY = pytest.mark.skipif(
    ENGINE != "sqlite", reason="SQLite's page limit makes the database itself full; PostgreSQL is covered by the tmpfs upload test"
)


@SQLITE_ONLY
def test_database_full_during_upload_gives_a_clear_message_and_changes_nothing(world, db):
    before = Article.objects.count()
    with full_database():
        response = world.client(None).post(
            "/api/articles", {"outlet": "Disk Wire", "text": FULL_DATABASE_TEXT}, content_type="application/json",
            **world.bearer("alice"),
        )  # fmt: skip
    assert Article.objects.count() == before
    assert response.status_code == 507, (response.status_code, response.content[:300])
    assert "saved" in response.json()["detail"].lower()


@SQLITE_ONLY
def test_database_full_during_a_pasted_upload_says_so_on_the_page(world, db):
    before = Article.objects.count()
    with full_database():
        page = world.client("alice").post("/upload/paste", {"outlet": "Disk Wire", "text": FULL_DATABASE_TEXT})
    assert Article.objects.count() == before
    assert page.status_code == 507, (page.status_code, page.content[:300])
    assert b"nothing was saved" in page.content and b"<title>" in page.content


def test_postgresql_disk_full_is_told_apart_from_an_outage():
    """PostgreSQL's disk cannot be filled here; its error is recognised by SQLSTATE 53100 (disk_full)."""
    import psycopg

    from narratives.diskfull import DATABASE_FULL, full_disk_message

    def wrapped(cause: Exception) -> OperationalError:
        error = OperationalError(str(cause))
        error.__cause__ = cause  # as Django's wrapper raises it: ``from`` the driver's error
        return error

    assert full_disk_message(wrapped(psycopg.errors.DiskFull("could not extend file"))) == DATABASE_FULL
    assert full_disk_message(wrapped(psycopg.OperationalError("server closed the connection"))) is None


# --- figures ---------------------------------------------------------------------------------------


def record_fault_figures(name: str, data: dict) -> None:
    from tests.security.figures import record

    record(f"faults-{name}-{ENGINE}", data)
