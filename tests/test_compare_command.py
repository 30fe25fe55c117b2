"""The compare contract: ``manage.py compare`` and ``GET /api/compare`` give the matches the page shows."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from narratives.ingest.pipeline import ingest_paths
from narratives.models import ApiToken, Article
from narratives.review import decisions
from narratives.review.comparison import reviewed_comparison
from tests.compare_factories import PageText, machine, pair, suggested  # noqa: F401 (fixtures)

MATCH_KEYS = {"a", "b", "score", "tier", "phrases"}
SPAN_KEYS = {"start", "end", "text"}


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("compare", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _check_contract(data: dict, a, b) -> None:
    assert data["a"] == {"id": a.pk, "title": a.title, "outlet": a.outlet.name}
    assert data["b"] == {"id": b.pk, "title": b.title, "outlet": b.outlet.name}
    for match in data["matches"]:
        assert MATCH_KEYS <= set(match) and {"id", "review", "reviewed_by"} <= set(match)
        assert set(match["a"]) == SPAN_KEYS and set(match["b"]) == SPAN_KEYS
        assert a.clean_text[match["a"]["start"] : match["a"]["end"]] == match["a"]["text"]
        assert b.clean_text[match["b"]["start"] : match["b"]["end"]] == match["b"]["text"]
        for phrase in match["phrases"]:
            assert a.clean_text[phrase["a"]["start"] : phrase["a"]["end"]] == phrase["a"]["text"]
            assert b.clean_text[phrase["b"]["start"] : phrase["b"]["end"]] == phrase["b"]["text"]


def test_the_command_prints_only_the_contract_json_and_leaves_out_rejected(suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    decisions.reject(comparison, comparison.matches[0], alice)
    out, _ = _run(a.pk, b.pk, "--json")
    data = json.loads(out)  # stdout is JSON and nothing else
    _check_contract(data, a, b)
    assert [m["review"] for m in data["matches"]] == ["suggested", "suggested"]


def test_the_command_takes_a_sensitivity(suggested):
    a, b, machine = suggested
    out, _ = _run(a.pk, b.pk, "--json", "--sensitivity", "0.2")
    assert [m["score"] for m in json.loads(out)["matches"]] == [0.83]
    assert machine.calls[-1]["sensitivity"] == 0.2


def test_the_command_without_json_prints_a_readable_list(suggested):
    a, b, _ = suggested
    out, _ = _run(a.pk, b.pk)
    assert "  1. 0.83 strong   suggested" in out
    assert "A [0-69] The riots in Kazakhstan are inspired from abroad, according to Moscow" in out


@pytest.mark.parametrize("args, message", [((1, 1), "two different"), ((999998, 999999), "No article with id 999998, 999999")])
def test_the_command_refuses_bad_ids(db, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_the_command_refuses_a_sensitivity_out_of_range(suggested):
    a, b, _ = suggested
    with pytest.raises(CommandError, match="between 0 and 1"):
        _run(a.pk, b.pk, "--sensitivity", "1.5")


def test_the_api_gives_the_same_json_as_the_command(bob_client, suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    decisions.confirm(comparison, comparison.matches[1], alice)
    response = bob_client.get(f"/api/compare?a={a.pk}&b={b.pk}")
    assert response.status_code == 200
    data = response.json()
    _check_contract(data, a, b)
    from_command = json.loads(_run(a.pk, b.pk, "--json")[0])
    assert [(m["id"], m["review"], m["reviewed_by"]) for m in data["matches"]] == [
        (m["id"], m["review"], m["reviewed_by"]) for m in from_command["matches"]
    ]
    assert data["matches"][1]["reviewed_by"] == "alice"


def test_the_api_accepts_a_bearer_token(client, suggested, bob):
    a, b, _ = suggested
    token = ApiToken.for_user(bob).key
    response = client.get(f"/api/compare?a={a.pk}&b={b.pk}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and len(response.json()["matches"]) == 3


def test_the_api_refuses_anonymous_callers(client, suggested):
    a, b, _ = suggested
    assert client.get(f"/api/compare?a={a.pk}&b={b.pk}").status_code == 401


@pytest.mark.parametrize(
    "query, status, message",
    [("a={a}&b={a}", 400, "two different"), ("a={a}&b=999999", 404, "No article with id 999999"), ("a={a}&b={b}&sensitivity=2", 400, "between 0 and 1")],
)
def test_the_api_explains_bad_requests(bob_client, suggested, query, status, message):
    a, b, _ = suggested
    response = bob_client.get("/api/compare?" + query.format(a=a.pk, b=b.pk))
    assert response.status_code == status
    assert message in response.json()["detail"]


@pytest.mark.slow
def test_on_the_seeds_the_page_the_command_and_the_api_agree(alice_client, db, seed_paths):
    """The real path: ingest the two seed articles, align them with the real matcher."""
    results = ingest_paths(seed_paths[:2], outlet="Seeds")
    a, b = (r.article for r in results)
    data = json.loads(_run(a.pk, b.pk, "--json")[0])
    _check_contract(data, a, b)
    abroad = [m for m in data["matches"] if "inspired from abroad" in m["a"]["text"]]
    assert any("foreign" in m["b"]["text"] for m in abroad)

    page = PageText(alice_client.get(f"/compare/?articles={a.pk},{b.pk}").content.decode())
    on_page = {i for m in page.marks for i in m["data-match"].split()}
    assert on_page == {m["id"] for m in data["matches"]}
    assert page.match_ids(a.pk, "inspired from abroad") & page.match_ids(b.pk, "foreign")
    assert alice_client.get(f"/api/compare?a={a.pk}&b={b.pk}").json()["matches"] == data["matches"]


@pytest.mark.slow
def test_the_benchmark_prints_figures_and_leaves_the_database_as_it_was(db):
    out = StringIO()
    call_command("bench_compare", "--json", "--runs", "2", "--sentences", "8", stdout=out, stderr=StringIO())
    figures = json.loads(out.getvalue())
    assert figures["claim_sentences"][0] >= 8 and figures["matches"] > 0
    for name in ("page_ms", "page_cold_ms", "htmx_region_ms", "matcher_ms"):
        assert set(figures[name]) == {"p50", "p95", "cpu_p50"}
    assert figures["target_p50_ms"] == 50.0 and isinstance(figures["meets_target"], bool)
    assert not Article.objects.exists() and not User.objects.filter(username__startswith="bench-").exists()
