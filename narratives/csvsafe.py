"""Spreadsheet-safe CSV cells, for every CSV export (articles, comparisons, annotations).

A spreadsheet runs a cell starting with = + - @ (or a tab/CR) as a formula, and quoted articles
can start that way. An apostrophe in front keeps such a cell text; cells already starting with an
apostrophe get one too, so ``csv_unsafe`` (used by re-import) undoes it exactly. Offsets in the same
rows are never touched, and JSON exports keep texts byte-exact.
"""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_unsafe(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value
