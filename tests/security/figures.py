"""Figures the tests measure, written into docs/RELIABILITY.md as they are produced.

Each call replaces one marked section (``<!-- figures:NAME -->``), so the document always shows the
last run of each test on each database; nothing there is typed by hand.
"""

from __future__ import annotations

import json
import os

from narratives.loadtest.figures import stamp, update_reliability


def record(section: str, data: dict) -> None:
    """Writes ``data`` as the section's figures unless NARRATIVES_FIGURES=0 (e.g. in a quick local run)."""
    if os.environ.get("NARRATIVES_FIGURES", "1") == "0":
        return
    from django.db import connection

    body = f"_{stamp()}, {connection.vendor}_\n\n```json\n{json.dumps(data, indent=1, ensure_ascii=False, default=str)}\n```"
    update_reliability(section, body)
