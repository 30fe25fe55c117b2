"""Comparing outlets: the term × outlet table, rates, use over time, distinctive wording, SVG charts, CSVs."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date

import pytest

from narratives.framing import charts, logodds, snapshots, stats
from narratives.models import Article

from .framing_factories import make_article, make_term

HTMX = {"HX-Request": "true"}


@pytest.fixture
def corpus(db):
    a1 = make_article(
        ["Troops began an anti-terrorist operation against terrorist gangs."],
        outlet="State TV",
        published=date(2022, 1, 6),
    )
    a2 = make_article(
        ["The anti-terrorist operation went on.", "Terrorist gangs were blamed."],
        outlet="State TV",
        published=date(2022, 2, 1),
    )
    b1 = make_article(["Protesters faced security forces in Almaty."], outlet="Wire", published=date(2022, 1, 7))
    undated = make_article(["An anti-terrorist operation, said a leaflet."], outlet="Wire")
    make_term("anti-terrorist operation", "securitisation")
    make_term("terrorist gangs", "delegitimisation")
    return a1, a2, b1, undated


def test_the_table_counts_each_term_per_outlet_with_zeros(corpus):
    table = stats.terms_by_outlet()
    cells = {(r.term.text, c.outlet.name): c.count for r in table.rows for c in r.cells}
    assert cells == {
        ("anti-terrorist operation", "State TV"): 2,
        ("anti-terrorist operation", "Wire"): 1,
        ("terrorist gangs", "State TV"): 2,
        ("terrorist gangs", "Wire"): 0,
    }


def test_rates_are_per_ten_thousand_words_of_the_outlets_articles(corpus):
    words = sum(a.word_count for a in Article.objects.filter(outlet__name="State TV"))
    row = next(r for r in stats.terms_by_outlet().rows if r.term.text == "terrorist gangs")
    assert row.cells[0].rate == round(2 * 10_000 / words, 2)


def test_counts_follow_a_new_article_at_once(corpus, django_capture_on_commit_callbacks):
    stats.counts()
    with django_capture_on_commit_callbacks(execute=True):
        make_article(["Terrorist gangs again."], outlet="Wire")
    row = next(r for r in stats.terms_by_outlet().rows if r.term.text == "terrorist gangs")
    assert [c.count for c in row.cells] == [2, 1]


def test_use_over_time_is_by_month_and_leaves_undated_articles_out(corpus):
    term = corpus[0].occurrences.first().term
    assert term.text == "anti-terrorist operation"
    months = [(m.month, m.outlet, m.count) for m in stats.use_over_time(term)]
    assert months == [(date(2022, 1, 1), "State TV", 1), (date(2022, 2, 1), "State TV", 1)]
    assert stats.undated_occurrences(term) == 1


def test_the_page_shows_table_and_charts_without_inline_style(alice_client, corpus):
    html = alice_client.get("/framing/stats/").content.decode()
    assert "anti-terrorist operation" in html and "<svg" in html
    assert "style=" not in html and "<script>" not in html
    assert html.count('class="bar series-') == 4  # two terms × two outlets


def test_the_table_refreshes_as_a_partial(alice_client, corpus):
    response = alice_client.get("/framing/stats/?part=table", headers=HTMX)
    assert response.content.decode().lstrip().startswith('<section id="table"')


def read_csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_each_chart_has_its_csv(alice_client, corpus):
    table = read_csv(alice_client.get("/framing/stats/terms-by-outlet.csv"))
    row = next(r for r in table if (r["term"], r["outlet"]) == ("terrorist gangs", "Wire"))
    assert (row["category"], row["count"], row["per_10k_words"]) == ("delegitimisation", "0", "0.0")
    over_time = read_csv(alice_client.get("/framing/stats/over-time.csv"))
    assert {(r["month"], r["outlet"], r["count"]) for r in over_time} >= {
        ("2022-01", "State TV", "2"),
        ("2022-02", "State TV", "2"),
    }
    distinctive = read_csv(alice_client.get("/framing/stats/distinctive.csv"))
    assert distinctive and set(distinctive[0]) == {
        "outlet",
        "kind",
        "rank",
        "text",
        "z",
        "significant",
        "count",
        "count_other_outlets",
    }
    assert alice_client.get("/framing/stats/nothing.csv").status_code == 404


def test_log_odds_favour_what_one_side_uses_more():
    a = Counter({"terrorist": 30, "the": 100})
    b = Counter({"protesters": 30, "the": 100})
    z = logodds.log_odds_z(a, b, a + b)
    assert z["terrorist"] > 1.96 and abs(z["the"]) < 1
    z_b = logodds.log_odds_z(b, a, a + b)
    assert z_b["the"] == pytest.approx(-z["the"], abs=1e-9)


def test_the_prior_keeps_a_one_off_word_below_steady_usage():
    a = Counter({"steady": 40, "rare": 1, "common": 500})
    b = Counter({"steady": 10, "common": 500})
    z = logodds.log_odds_z(a, b, a + b)
    assert z["steady"] > z["rare"]


def test_most_distinctive_lists_each_outlets_own_words():
    result = logodds.most_distinctive(
        {1: Counter({"pacification": 30, "city": 60}), 2: Counter({"crackdown": 30, "city": 60})}
    )
    assert [(d.text, d.significant) for d in result[1]] == [("pacification", True)]
    assert [d.text for d in result[2]] == ["crackdown"]


def test_a_small_corpus_still_ranks_but_marks_nothing_significant():
    result = logodds.most_distinctive(
        {1: Counter({"pacification": 3, "city": 5}), 2: Counter({"crackdown": 3, "city": 5})}
    )
    assert [(d.text, d.significant) for d in result[1]] == [("pacification", False)]


def test_the_snapshot_finds_distinctive_wording_and_scare_quotes(corpus):
    make_article(["They sent “peacekeeping forces” and “peacekeeping forces” again."] * 2, outlet="Wire")
    data = snapshots.outlet_wording().data
    wire = next(o for o in data["outlets"] if o["name"] == "Wire")
    assert any(p["text"] == "peacekeeping forces" for p in wire["phrases"])
    assert data["scare_quotes"][0] == {
        "text": "peacekeeping forces",
        "count": 4,
        "articles": 1,
        "outlets": [["Wire", 4]],
    }


def test_a_stale_snapshot_is_shown_as_such_and_queued(corpus, monkeypatch):
    snapshots.recompute_all()
    make_article(["more text"], outlet="Wire")
    monkeypatch.setattr(snapshots, "INLINE_MAX_ARTICLES", 0)
    stale = snapshots.outlet_wording()
    assert stale.available and not stale.current


def test_svg_labels_are_escaped():
    svg = charts.grouped_bars(
        ["<script>x</script>"], [charts.Series("A & B", [1.5])], title="t", unit="per 10,000 words"
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; B" in svg
    assert re.search(r'class="bar series-0"[^>]*width="[\d.]+"', svg)


def test_line_chart_draws_one_line_per_series():
    svg = charts.line_chart(
        ["Jan 2022", "Feb 2022"], [charts.Series("A", [1, 2]), charts.Series("B", [0, 3])], title="t", unit="x"
    )
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 4


def test_axis_maxima_are_round():
    assert [charts.nice_max(v) for v in (0, 0.3, 7, 23, 100, 101)] == [1.0, 0.5, 10, 50, 100, 200]
