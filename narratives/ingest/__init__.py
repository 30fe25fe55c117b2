"""Ingest: bytes → clean text → segments, deduplicated. The public entry points live in ``pipeline``."""
