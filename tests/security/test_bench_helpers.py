"""The pure parts of ``manage.py bench_load``: percentiles, the summary and the figures file writer."""

from __future__ import annotations

from narratives.loadtest.figures import Sample, percentile, summarise, update_reliability


def test_percentile_picks_the_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.5) == 51  # rank round(0.5 * 99) = 50, zero-based
    assert percentile(values, 0.99) == 99
    assert percentile([], 0.5) == 0.0


def test_summary_counts_errors_per_action():
    samples = [Sample("read", 200, 0.010, True), Sample("read", 500, 0.030, False), Sample("tag", 201, 0.020, True)]
    figures = summarise(samples, elapsed=2.0, users=3)
    assert figures["requests"] == 3 and figures["requests_per_s"] == 1.5
    assert figures["errors"] == 1 and figures["error_statuses"] == [500]
    assert figures["by_action"]["read"] == {"requests": 2, "errors": 1, "p50_ms": 10.0, "p99_ms": 30.0}


def test_figures_sections_are_replaced_in_place_and_new_ones_appended(tmp_path):
    doc = tmp_path / "RELIABILITY.md"
    doc.write_text("# Reliability\n\nbefore\n<!-- figures:a -->\nold\n<!-- /figures:a -->\nafter\n")
    update_reliability("a", "new", doc)
    update_reliability("b", "other", doc)
    text = doc.read_text()
    assert "old" not in text and "<!-- figures:a -->\nnew\n<!-- /figures:a -->\nafter" in text
    assert text.rstrip().endswith("<!-- figures:b -->\nother\n<!-- /figures:b -->")
