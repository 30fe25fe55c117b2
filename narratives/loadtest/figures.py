"""The figures: percentiles and summaries of a load run, and the sections of docs/RELIABILITY.md they fill."""

from __future__ import annotations

import contextlib
import fcntl
import json
import re
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .scratch import ROOT

DOCS = ROOT / "docs" / "RELIABILITY.md"


@dataclass
class Sample:
    action: str
    status: int
    seconds: float
    ok: bool


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
            text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.DOTALL)
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
        path.write_text(text)
    with contextlib.suppress(OSError):
        path.with_suffix(".lock").unlink()


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


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
