"""Load benchmark: gunicorn on loopback, a bounded async client, figures as JSON.

    manage.py bench_load [--db sqlite,postgres] [--users 10,50] [--duration 20] [--docs]

For each database it builds a scratch database (a SQLite file in a temporary folder, or a new
PostgreSQL database on the server named by ``--postgres``), migrates it, imports the seed articles
plus generated ones, starts gunicorn on 127.0.0.1 with production settings, and runs virtual users
that read the corpus, open comparisons, tag framing terms and call the API. Each run is bounded by
``--duration`` seconds and ``--max-requests``. It then has 20 clients tag the same article at once
and counts the annotations that were stored. Standard output carries only the JSON; progress goes
to standard error. ``--docs`` also writes the figures into docs/RELIABILITY.md.

The scratch databases, the server and the figures live in ``narratives.loadtest``; the fault tests use them too.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError

from narratives.loadtest.figures import render_load, stamp, update_reliability
from narratives.loadtest.scratch import DEFAULT_POSTGRES, ScratchDatabase, Server, log
from narratives.loadtest.traffic import STORED_SCRIPT, discover_tag_path, run_load, seed, tag_race

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
