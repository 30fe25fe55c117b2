"""Load benchmark: gunicorn on loopback, a bounded async client, figures as JSON.

    manage.py bench_load [--db sqlite,postgres] [--users 10,50] [--duration 20] [--docs]

For each database it builds a scratch database (a SQLite file in a temporary folder, or a new
PostgreSQL database on the server named by ``--postgres``), migrates it, imports the seed articles
plus generated ones, starts gunicorn on 127.0.0.1 with production settings, and runs virtual users
that read the corpus, open comparisons, tag framing terms and call the API. Each run is bounded by
``--duration`` seconds and ``--max-requests``. It then has 20 clients tag the same article at once
and counts the annotations that were stored. Standard output carries only the JSON; progress goes
to standard error. ``--docs`` also writes the figures into docs/RELIABILITY.md.

The same helpers (``ScratchDatabase``, ``Server``, ``update_reliability``) serve tests/test_faults.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT.parent / "shared" / "seeds"
DOCS = ROOT / "docs" / "RELIABILITY.md"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


import logging  # noqa: E402

logging.getLogger("httpx2").setLevel(logging.WARNING)  # one line per request would drown the figures


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- scratch databases and processes ----------------------------------------------------------------


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

    def __enter__(self) -> "ScratchDatabase":
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
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return result

    def python(self, code: str, *args: str, timeout: float = 600, **extra_env: str) -> str:
        """Runs ``code`` with Django set up against this database; returns its standard output."""
        prelude = "import django; django.setup()\n"
        result = subprocess.run(
            [sys.executable, "-c", prelude + code, *args],
            cwd=ROOT,
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"script failed:\n{result.stderr[-4000:]}")
        return result.stdout


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

    def __enter__(self) -> "Server":
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


# --- the figures file -----------------------------------------------------------------------------------


def update_reliability(section: str, markdown: str, path: Path = DOCS) -> None:
    """Replaces the text between ``<!-- figures:SECTION -->`` and ``<!-- /figures:SECTION -->``.

    Sections that are missing are appended under "Figures", so a new test can add its own.
    """
    begin, end = f"<!-- figures:{section} -->", f"<!-- /figures:{section} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        text = path.read_text() if path.exists() else "# Reliability\n"
        if begin in text and end in text:
            text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
        path.write_text(text)
    with contextlib.suppress(OSError):
        path.with_suffix(".lock").unlink()


def stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# --- seeding -------------------------------------------------------------------------------------------

SEED_SCRIPT = r"""
import json, random, sys
from pathlib import Path
from django.contrib.auth.models import Group, User
from narratives.models import ApiToken, Article, FramingCategory, FramingTerm
from narratives.ingest.pipeline import ingest_paths, ingest_text

count, seeds = int(sys.argv[1]), sys.argv[2]
analyst = Group.objects.get_or_create(name="analyst")[0]
users = []
for i in range(8):
    u = User.objects.create_user(f"bench{i}", password="bench password 42")
    u.groups.add(analyst)
    users.append({"username": u.username, "token": ApiToken.for_user(u).key})
for result in ingest_paths(sorted(Path(seeds).glob("*.txt")), outlet=None, user=None):
    if result.error:
        print("seed:", result.error, file=sys.stderr)
rng = random.Random(7)
places = ["Veltria", "Marrow Bay", "Ostrand", "Kessel", "Tarvik"]
subjects = ["The harbour authority", "The interior ministry", "Opposition leaders", "Local residents",
            "The peacekeeping forces", "Foreign observers", "The port workers' union", "State television"]
verbs = ["said", "denied", "claimed", "reported", "warned", "insisted", "confirmed"]
objects = ["that the unrest was inspired from abroad", "that fuel prices would fall next month",
           "that terrorist gangs had attacked the terminal", "that the anti-terrorist operation was over",
           "that the curfew would be lifted on Friday", "that foreign-backed groups organised the protests",
           "that the pacification of the city was complete", "that thirty people had been detained"]
outlets = ["Harbour Gazette", "Coast Courier", "Northern Wire", "Republic Daily"]
for n in range(count):
    sentences = [f"{rng.choice(subjects)} in {rng.choice(places)} {rng.choice(verbs)} {rng.choice(objects)}."
                 for _ in range(rng.randint(15, 40))]
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    text = f"Generated report {n} on the unrest\n\n" + "\n\n".join(paragraphs)
    result = ingest_text(text, outlet=outlets[n % len(outlets)], title="", url="", published=None, user=None)
    if result.error:
        print("generated:", result.error, file=sys.stderr)
category = FramingCategory.objects.get_or_create(name="securitisation")[0]
term = FramingTerm.objects.get_or_create(text="terrorist gangs", category=category)[0]
ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
print(json.dumps({"users": users, "articles": ids, "term": term.pk, "category": category.name}))
"""


@dataclass
class Fixture:
    users: list[dict]
    articles: list[int]
    term: int
    category: str


def seed(db: ScratchDatabase, count: int) -> Fixture:
    db.manage("migrate", "--noinput")
    out = db.python(SEED_SCRIPT, str(count), str(SEEDS))
    return Fixture(**json.loads(out.strip().splitlines()[-1]))


# --- the load client -----------------------------------------------------------------------------------


@dataclass
class Sample:
    action: str
    status: int
    seconds: float
    ok: bool


@dataclass
class Session:
    cookie: str
    csrf: str
    token: str
    username: str


async def sign_in(client, username: str, token: str) -> Session:
    page = await client.get("/accounts/login/")
    csrf = page.cookies.get("csrftoken")
    response = await client.post(
        "/accounts/login/",
        data={"username": username, "password": "bench password 42", "csrfmiddlewaretoken": csrf},
        headers={"Cookie": f"csrftoken={csrf}"},
    )
    session = response.cookies.get("sessionid")
    if response.status_code != 302 or not session:
        raise RuntimeError(f"{username} could not sign in: {response.status_code}")
    return Session(cookie=f"sessionid={session}; csrftoken={csrf}", csrf=csrf, token=token, username=username)


class Mix:
    """What one virtual user does next, weighted like a working day: mostly reading."""

    def __init__(self, fixture: Fixture, tag_path: str | None, seed: int):
        self.fixture, self.tag_path, self.rng = fixture, tag_path, random.Random(seed)
        self.actions = [
            ("read_list", 15), ("read_article", 25), ("compare", 12), ("api_list", 10), ("api_article", 10),
            ("api_compare", 5), ("api_terms", 5), ("api_stats", 5),
        ]  # fmt: skip
        if tag_path:
            self.actions.append(("tag", 13))
        self.names = [a for a, _ in self.actions]
        self.weights = [w for _, w in self.actions]

    def next(self) -> str:
        return self.rng.choices(self.names, self.weights)[0]

    def pair(self) -> tuple[int, int]:
        a, b = self.rng.sample(self.fixture.articles[:12], 2)
        return a, b

    def article(self) -> int:
        # The last article is kept for the tagging race, untouched by the mix.
        return self.rng.choice(self.fixture.articles[:-1])


async def perform(client, session: Session, mix: Mix, action: str) -> tuple[int, bool]:
    cookies = {"Cookie": session.cookie}
    bearer = {"Authorization": f"Bearer {session.token}"}
    if action == "read_list":
        r = await client.get(f"/articles/?page={mix.rng.randint(1, 3)}", headers=cookies)
    elif action == "read_article":
        r = await client.get(f"/articles/{mix.article()}/", headers=cookies)
    elif action == "compare":
        a, b = mix.pair()
        r = await client.get(f"/compare/?articles={a},{b}", headers=cookies)
    elif action == "api_list":
        r = await client.get("/api/articles?limit=20", headers=bearer)
    elif action == "api_article":
        r = await client.get(f"/api/articles/{mix.article()}", headers=bearer)
    elif action == "api_compare":
        a, b = mix.pair()
        r = await client.get(f"/api/compare?a={a}&b={b}", headers=bearer)
    elif action == "api_terms":
        r = await client.get("/api/terms", headers=bearer)
    elif action == "api_stats":
        r = await client.get("/api/stats/terms-by-outlet", headers=bearer)
    elif action == "tag":
        r = await tag(client, session, mix.tag_path, mix.fixture, mix.article(), mix.rng)
    else:  # pragma: no cover - the mix only names the actions above
        raise ValueError(action)
    return r.status_code, 200 <= r.status_code < 400


_TAGGED: set[tuple[int, int]] = set()


async def tag(client, session: Session, path: str, fixture: Fixture, article: int, rng: random.Random):
    """Tags a word of ``article`` nobody has tagged yet (an analyst does not tag one word twice)."""
    bearer = {"Authorization": f"Bearer {session.token}"}
    text = await article_text(client, bearer, article)
    spans = [(m.start(), m.end()) for m in re.finditer(r"\w{4,}", text) if (article, m.start()) not in _TAGGED]
    start, end = rng.choice(spans)
    _TAGGED.add((article, start))
    body = {"article": article, "term": fixture.term, "start": start, "end": end, "text": text[start:end]}
    return await client.post(path, json=body, headers=bearer)


_TEXTS: dict[int, str] = {}


async def article_text(client, headers: dict, article: int) -> str:
    if article not in _TEXTS:
        r = await client.get(f"/api/articles/{article}", headers=headers)
        _TEXTS[article] = r.json()["text"]
    return _TEXTS[article]


async def run_load(base_url: str, fixture: Fixture, users: int, duration: float, max_requests: int, tag_path: str | None) -> dict:
    import httpx2

    limits = httpx2.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx2.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
        sessions = [await sign_in(client, u["username"], u["token"]) for u in fixture.users]
        # Warm every worker (model load, first queries) outside the measured window.
        for _ in range(4):
            await client.get(f"/compare/?articles={fixture.articles[0]},{fixture.articles[1]}", headers={"Cookie": sessions[0].cookie})
        samples: list[Sample] = []
        budget = {"left": max_requests}
        deadline = time.monotonic() + duration

        async def user(n: int) -> None:
            session, mix = sessions[n % len(sessions)], Mix(fixture, tag_path, seed=n)
            while time.monotonic() < deadline and budget["left"] > 0:
                budget["left"] -= 1
                action = mix.next()
                began = time.perf_counter()
                try:
                    status, ok = await perform(client, session, mix, action)
                except Exception as exc:  # a timeout or a reset connection counts as an error, not a crash
                    log(f"{action}: {type(exc).__name__}: {exc}")
                    status, ok = 0, False
                samples.append(Sample(action, status, time.perf_counter() - began, ok))

        began = time.monotonic()
        await asyncio.gather(*(user(n) for n in range(users)))
        elapsed = time.monotonic() - began
    return summarise(samples, elapsed, users)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarise(samples: list[Sample], elapsed: float, users: int) -> dict:
    times = [s.seconds * 1000 for s in samples]
    by_action = {}
    for action in sorted({s.action for s in samples}):
        mine = [s for s in samples if s.action == action]
        ms = [s.seconds * 1000 for s in mine]
        by_action[action] = {
            "requests": len(mine),
            "errors": sum(not s.ok for s in mine),
            "p50_ms": round(percentile(ms, 0.5), 1),
            "p99_ms": round(percentile(ms, 0.99), 1),
        }
    errors = [s for s in samples if not s.ok]
    return {
        "users": users,
        "requests": len(samples),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(samples) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(times, 0.5), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "mean_ms": round(statistics.fmean(times), 1) if times else 0.0,
        "errors": len(errors),
        "error_statuses": sorted({s.status for s in errors}),
        "by_action": by_action,
    }


async def tag_race(base_url: str, fixture: Fixture, tag_path: str, clients: int = 20) -> dict:
    """``clients`` connections tag different words of one article at the same moment."""
    import httpx2

    article = fixture.articles[-1]
    users = fixture.users
    async with httpx2.AsyncClient(base_url=base_url, timeout=60, limits=httpx2.Limits(max_connections=clients)) as client:
        headers = {"Authorization": f"Bearer {users[0]['token']}"}
        text = await article_text(client, headers, article)
        spans = [(m.start(), m.end()) for m in re.finditer(r"\w{4,}", text)][:clients]
        if len(spans) < clients:
            raise CommandError(f"article {article} has too few words for {clients} tags")
        gate = asyncio.Event()

        async def one(n: int):
            start, end = spans[n]
            body = {"article": article, "term": fixture.term, "start": start, "end": end, "text": text[start:end]}
            await gate.wait()
            token = users[n % len(users)]["token"]
            return await client.post(tag_path, json=body, headers={"Authorization": f"Bearer {token}"})

        tasks = [asyncio.create_task(one(n)) for n in range(clients)]
        await asyncio.sleep(0.2)
        gate.set()
        responses = await asyncio.gather(*tasks, return_exceptions=True)
    statuses = [getattr(r, "status_code", 0) for r in responses]
    return {"article": article, "clients": clients, "statuses": statuses, "spans": spans}


STORED_SCRIPT = r"""
import json, sys
from narratives.models import Annotation
article = int(sys.argv[1])
spans = [tuple(s) for s in json.loads(sys.argv[2])]
stored = set(Annotation.objects.filter(article_id=article).values_list("start", "end"))
print(json.dumps({"stored": sum(tuple(s) in stored for s in spans), "rows": Annotation.objects.filter(article_id=article).count()}))
"""


def discover_tag_path(db: ScratchDatabase) -> str | None:
    """The API operation that creates an annotation, from the OpenAPI schema (None if there is none yet)."""
    out = db.python(
        "import json\nfrom narratives.api import api\n"
        "print(json.dumps(api.get_openapi_schema(path_prefix='/api')['paths']))"
    )
    paths = json.loads(out.strip().splitlines()[-1])
    for path, methods in paths.items():
        if "post" in methods and re.search(r"annotation|tags?$", path) and "{" not in path:
            return path
    return None


# --- the command ---------------------------------------------------------------------------------------


@dataclass
class Options:
    databases: list[str]
    users: list[int]
    duration: float
    max_requests: int
    articles: int
    workers: int
    threads: int
    postgres: str
    docs: bool
    runs: dict = field(default_factory=dict)


class Command(BaseCommand):
    help = "Load-test the app under gunicorn on 127.0.0.1 (SQLite and PostgreSQL); prints figures as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
        parser.add_argument("--users", default="10,50", help="concurrent virtual users, comma-separated")
        parser.add_argument("--duration", type=float, default=20.0, help="seconds per run (bounded)")
        parser.add_argument("--max-requests", type=int, default=20000, help="upper bound on requests per run")
        parser.add_argument("--articles", type=int, default=60, help="generated articles besides the seeds")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server for the scratch database")
        parser.add_argument("--docs", action="store_true", help="also write the figures into docs/RELIABILITY.md")

    def handle(self, *args, **opts) -> None:
        options = Options(
            databases=[d.strip() for d in opts["db"].split(",") if d.strip()],
            users=[int(u) for u in opts["users"].split(",")],
            duration=min(opts["duration"], 120.0),
            max_requests=opts["max_requests"],
            articles=opts["articles"],
            workers=opts["workers"],
            threads=opts["threads"],
            postgres=opts["postgres"],
            docs=opts["docs"],
        )
        if not re.match(r"postgres(ql)?://[^@/]*@?(127\.0\.0\.1|localhost)[:/]", options.postgres):
            raise CommandError("--postgres must point at 127.0.0.1: this benchmark only runs on loopback")
        results = {"measured": stamp(), "cpu_count": os.cpu_count(), "workers": options.workers,
                   "threads": options.threads, "runs": []}  # fmt: skip
        for engine in options.databases:
            results["runs"].append(self.bench(engine, options))
        self.stdout.write(json.dumps(results, indent=2))
        if options.docs:
            update_reliability("load", render_load(results))

    def bench(self, engine: str, options: Options) -> dict:
        with ScratchDatabase(engine, options.postgres) as db:
            log(f"[{engine}] migrating and importing {options.articles} generated articles + seeds")
            began = time.monotonic()
            fixture = seed(db, options.articles)
            log(f"[{engine}] {len(fixture.articles)} articles ready in {time.monotonic() - began:.0f}s")
            tag_path = discover_tag_path(db)
            run = {"database": engine, "articles": len(fixture.articles), "tag_endpoint": tag_path, "loads": []}
            with Server(db, options.workers, options.threads) as server:
                for users in options.users:
                    log(f"[{engine}] {users} users for {options.duration:.0f}s")
                    load_before = round(os.getloadavg()[0], 2)
                    figures = asyncio.run(
                        run_load(server.url, fixture, users, options.duration, options.max_requests, tag_path)
                    )
                    log(f"[{engine}] {figures['requests_per_s']} req/s, p50 {figures['p50_ms']} ms, "
                        f"p99 {figures['p99_ms']} ms, errors {figures['errors']}")  # fmt: skip
                    # The machine is shared: what else was running colours every figure.
                    figures["load_average_before"] = load_before
                    run["loads"].append(figures)
                if tag_path:
                    race = asyncio.run(tag_race(server.url, fixture, tag_path))
                    stored = json.loads(db.python(STORED_SCRIPT, str(race["article"]), json.dumps(race["spans"])).strip().splitlines()[-1])
                    accepted = sum(200 <= s < 300 for s in race["statuses"])
                    run["tag_race"] = {
                        "clients": race["clients"],
                        "accepted": accepted,
                        "stored": stored["stored"],
                        "lost": accepted - stored["stored"],
                        "statuses": sorted(set(race["statuses"])),
                    }
                    log(f"[{engine}] tag race: {run['tag_race']}")
            return run


def render_load(results: dict) -> str:
    lines = [
        f"Measured {results['measured']} by `manage.py bench_load --docs` on {results['cpu_count']} CPUs "
        f"(gunicorn gthread, {results['workers']} workers × {results['threads']} threads; client on the same machine).",
        "",
        "| database | users | requests | req/s | p50 ms | p99 ms | errors | 1-min load before |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in results["runs"]:
        for load in run["loads"]:
            lines.append(
                f"| {run['database']} | {load['users']} | {load['requests']} | {load['requests_per_s']} | "
                f"{load['p50_ms']} | {load['p99_ms']} | {load['errors']} | {load['load_average_before']} |"
            )
    lines += ["", "Same-article tagging race (20 clients at once):", ""]
    for run in results["runs"]:
        race = run.get("tag_race")
        if race is None:
            lines.append(f"- {run['database']}: not run (no annotation endpoint in the API schema)")
        else:
            lines.append(
                f"- {run['database']}: {race['accepted']} of {race['clients']} accepted, {race['stored']} stored, "
                f"{race['lost']} lost (statuses {race['statuses']})"
            )
    lines += ["", "<details><summary>per action</summary>", "", "```json"]
    lines.append(json.dumps([{r["database"]: [load["by_action"] for load in r["loads"]]} for r in results["runs"]], indent=1))
    lines += ["```", "", "</details>"]
    return "\n".join(lines)
