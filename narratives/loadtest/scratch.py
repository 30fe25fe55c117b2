"""Scratch databases and a gunicorn server on loopback, for the load benchmark and the fault tests."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class ScratchDatabase:
    """A database of its own for a subprocess: a SQLite file, or a fresh PostgreSQL database."""

    def __init__(self, engine: str, postgres_url: str = DEFAULT_POSTGRES, folder: Path | None = None):
        if engine not in {"sqlite", "postgres"}:
            raise ValueError(f"engine must be sqlite or postgres, not {engine!r}")
        self.engine = engine
        self.postgres_url = postgres_url
        self._tmp = None if folder else tempfile.TemporaryDirectory(prefix="narratives-scratch-")
        self.folder = Path(folder or self._tmp.name)
        self.name = f"narratives_scratch_{os.getpid()}_{secrets.token_hex(3)}"
        base = postgres_url.rsplit("/", 1)[0]
        self.url = f"sqlite:///{self.folder / 'db.sqlite3'}" if engine == "sqlite" else f"{base}/{self.name}"

    def __enter__(self) -> ScratchDatabase:
        if self.engine == "postgres":
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        if self.engine == "postgres":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        if self._tmp is not None:
            self._tmp.cleanup()

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.postgres_url, autocommit=True) as conn:
            conn.execute(sql)

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for a process using this database, with production-like settings."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))}
        env.update(
            DATABASE_URL=self.url,
            NARRATIVES_VAR_DIR=str(self.folder),
            # The prepared embedding model stays where `make install` put it.
            NARRATIVES_MODEL_DIR=os.environ.get("NARRATIVES_MODEL_DIR", str(ROOT / "var" / "models")),
            DJANGO_SETTINGS_MODULE="narratives.settings",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="bench-" + "k" * 20 + secrets.token_urlsafe(40),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def manage(self, *args: str, timeout: float = 600, **extra_env: str) -> subprocess.CompletedProcess:
        return self._run([sys.executable, "manage.py", *args], f"manage.py {' '.join(args)}", timeout, extra_env)

    def python(self, code: str, *args: str, timeout: float = 600, **extra_env: str) -> str:
        """Runs ``code`` with Django set up against this database; returns its standard output."""
        argv = [sys.executable, "-c", "import django; django.setup()\n" + code, *args]
        return self._run(argv, "script", timeout, extra_env).stdout

    def _run(self, argv: list[str], what: str, timeout: float, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
        result = subprocess.run(
            argv, cwd=ROOT, env=self.env(**extra_env), capture_output=True, text=True, timeout=timeout
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"{what} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the app on 127.0.0.1 for as long as the ``with`` block lasts."""

    def __init__(self, db: ScratchDatabase, workers: int = 2, threads: int = 4, **extra_env: str):
        self.db, self.workers, self.threads, self.extra_env = db, workers, threads, extra_env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        cmd = [
            sys.executable, "-m", "gunicorn", "narratives.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--threads", str(self.threads),
            "--worker-class", "gthread", "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
        ]  # fmt: skip
        self.log_file = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=self.db.env(**self.extra_env), stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.output()}")
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start:\n{self.output()}")

    def output(self) -> str:
        self.log_file.seek(0)
        return self.log_file.read().decode(errors="replace")[-4000:]

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
