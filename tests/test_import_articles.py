"""python manage.py import_articles PATH... [--outlet NAME] [--json]"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from narratives.models import Article
from tests.ingest_factories import STORY, make_zip

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["file", "id", "title", "outlet", "segments", "boilerplate", "duplicate_of", "error"]


def run(*args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        status = exc.returncode
    return out.getvalue(), err.getvalue(), status


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "corpus" / "wire").mkdir(parents=True)
    (tmp_path / "corpus" / "harbour.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "corpus" / "wire" / "batch.zip").write_bytes(
        make_zip({"storm.md": b"# Storm passes\n\nThe storm passed Veltria on Monday night."})
    )
    (tmp_path / "corpus" / ".hidden.txt").write_text("Not imported. Hidden files are skipped.", encoding="utf-8")
    return tmp_path / "corpus"


def test_json_output_is_only_the_list_of_results(folder):
    out, err, status = run(str(folder), "--outlet", "Veltria Daily", "--json")
    rows = json.loads(out)
    assert status == 0
    assert [row["file"] for row in rows] == ["corpus/harbour.txt", "corpus/wire/batch.zip/storm.md"]
    assert all(list(row) == KEYS for row in rows)
    assert rows[0]["title"] == "Harbour reopens after the storm" and rows[0]["outlet"] == "Veltria Daily"
    assert rows[0]["boilerplate"] == 1 and rows[0]["segments"] > 4
    assert Article.objects.filter(pk=rows[1]["id"], title="Storm passes").exists()


def test_warnings_go_to_standard_error_with_json(folder):
    out, err, _ = run(str(folder / "harbour.txt"), "--json")
    assert json.loads(out)[0]["outlet"] == "Unknown outlet"
    assert "harbour.txt: no outlet given" in err


def test_a_failed_input_is_listed_and_makes_the_exit_status_1(folder):
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    out, _, status = run(str(folder), str(folder / "missing.txt"), "--json")
    rows = {Path(row["file"]).name: row for row in json.loads(out)}
    assert status == 1
    assert rows["broken.pdf"]["id"] is None and "not a readable .pdf file" in rows["broken.pdf"]["error"]
    assert rows["missing.txt"]["error"].endswith("no such file or folder")
    assert rows["harbour.txt"]["id"] is not None


def test_duplicates_are_not_failures(folder):
    run(str(folder), "--outlet", "W")
    out, _, status = run(str(folder / "harbour.txt"), "--outlet", "W", "--json")
    [row] = json.loads(out)
    assert status == 0 and row["id"] is None and row["duplicate_of"] is not None and row["error"] is None


def test_human_output_reports_each_file_and_a_summary(folder):
    (folder / "empty.txt").write_bytes(b"")
    out, _, status = run(str(folder), "--outlet", "Veltria Daily")
    assert status == 1
    assert "imported   corpus/harbour.txt → article" in out
    assert "failed     corpus/empty.txt: has no text" in out
    assert out.rstrip().endswith("2 imported, 0 already in the corpus, 1 failed")


@pytest.mark.slow  # a real process: migrates a scratch database and loads the model (~6-15 s)
def test_command_run_as_a_process_prints_only_json_on_stdout(tmp_path, folder):
    """The contract for scripts: stdout parses as JSON whatever the libraries log."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "DJANGO_LOG_LEVEL": "DEBUG"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True, timeout=120)
    done = subprocess.run(
        [*manage, "import_articles", str(folder), str(folder / "missing.txt"), "--json"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    rows = json.loads(done.stdout)
    assert [row["error"] is None for row in rows] == [True, True, False]
    assert done.returncode == 1 and "1 of 3 inputs failed" in done.stderr


def test_imported_articles_are_embedded_together_and_all_get_vectors(folder, monkeypatch):
    from narratives.matching.embed import get_backend
    from narratives.models import Segment, SegmentEmbedding

    backend = get_backend()
    calls: list[int] = []
    encode = backend.encode
    monkeypatch.setattr(backend, "encode", lambda texts: calls.append(len(texts)) or encode(texts))
    (folder / "third.txt").write_text("Ferries resume\n\nThe ferries to Seren resumed on Friday morning.", encoding="utf-8")
    out, _, status = run(str(folder), "--outlet", "Wire", "--json")
    assert status == 0 and len(json.loads(out)) == 3
    claims = Segment.objects.claims()
    assert claims.count() == SegmentEmbedding.objects.filter(segment__in=claims).count() > 0
    assert calls == [claims.count()]  # one encoder call for the three articles' sentences
