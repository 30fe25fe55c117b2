"""Settings come from the environment, fail loudly on values they cannot read, and pass check --deploy."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from narratives.settings import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent
OWN_VARIABLES = ("DJANGO_", "DATABASE_URL", "NARRATIVES_")


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """A fresh interpreter with only the given project variables, so the test sees settings as a deploy would."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(OWN_VARIABLES)}
    clean.update(NARRATIVES_VAR_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def import_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    code = "import narratives.settings as s; db = s.DATABASES['default']; print(s.DEBUG, db['ENGINE'], db['NAME'])"
    return run(["-c", code], tmp_path, **env)


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "narratives.example.org",
}


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("TRUE", True), (" yes ", True), ("0", False), ("off", False), ("", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("NARRATIVES_TEST_FLAG", raw)
    assert env_bool("NARRATIVES_TEST_FLAG", not value) is value


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("NARRATIVES_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="NARRATIVES_TEST_FLAG must be one of .* not 'maybe'"):
        env_bool("NARRATIVES_TEST_FLAG", True)


def test_env_int_refuses_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("NARRATIVES_TEST_N", "twenty")
    with pytest.raises(ImproperlyConfigured, match="NARRATIVES_TEST_N must be a whole number"):
        env_int("NARRATIVES_TEST_N", 5)
    monkeypatch.setenv("NARRATIVES_TEST_N", "0")
    with pytest.raises(ImproperlyConfigured, match="NARRATIVES_TEST_N must be at least 1, not 0"):
        env_int("NARRATIVES_TEST_N", 5, minimum=1)
    monkeypatch.setenv("NARRATIVES_TEST_N", "7")
    assert env_int("NARRATIVES_TEST_N", 5, minimum=1) == 7


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("NARRATIVES_TEST_HOSTS", " a.example , ,b.example,")
    assert env_list("NARRATIVES_TEST_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.delenv("NARRATIVES_TEST_HOSTS")
    assert env_list("NARRATIVES_TEST_HOSTS", ["default"]) == ["default"]


def test_development_defaults_to_sqlite_under_var(tmp_path):
    result = import_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", str(tmp_path / "narratives.sqlite3")]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be one of"),
        (
            {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "x.example"},
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0",
        ),
        ({**PRODUCTION, "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0"),
        ({"NARRATIVES_MAX_UPLOAD_MB": "lots"}, "NARRATIVES_MAX_UPLOAD_MB must be a whole number"),
        ({"NARRATIVES_INLINE_BATCH": "-1"}, "NARRATIVES_INLINE_BATCH must be at least 0"),
        ({"NARRATIVES_PAIR_READER": "/no/such/reader"}, "NARRATIVES_PAIR_READER must be 'packaged', 'none' or a"),
    ],
)
def test_bad_environment_stops_the_process_with_a_reason(tmp_path, env, message):
    result = import_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
