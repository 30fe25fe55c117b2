"""The framing admin pages and the framing management commands."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from narratives.models import Annotation, Article, FramingCategory, FramingTerm, Occurrence

from .framing_factories import make_article, make_tag, make_term


@pytest.fixture
def tagged(alice):
    article = make_article(["They fought terrorist gangs."])
    term = make_term("terrorist gangs", "delegitimisation")
    return make_tag(article, "terrorist gangs", term, alice)


@pytest.mark.parametrize("model", ["framingcategory", "framingterm", "annotation"])
def test_the_admin_lists_and_edits_framing(carol_client, tagged, model):
    assert carol_client.get(f"/admin/narratives/{model}/").status_code == 200
    obj = {"framingcategory": FramingCategory, "framingterm": FramingTerm, "annotation": Annotation}[
        model
    ].objects.first()
    assert carol_client.get(f"/admin/narratives/{model}/{obj.pk}/change/").status_code == 200


def test_the_admin_shows_colours_as_svg_fills(carol_client, tagged):
    html = carol_client.get("/admin/narratives/framingcategory/").content.decode()
    assert '<rect width="14" height="14" fill="#2980b9"/></svg> #2980b9' in html


def test_the_admin_refuses_a_tag_whose_text_is_not_at_its_offsets(carol_client, tagged):
    data = {
        "article": tagged.article_id,
        "term": tagged.term_id,
        "start": 0,
        "end": 4,
        "text": "gang",
        "note": "",
        "author": "",
    }
    response = carol_client.post(f"/admin/narratives/annotation/{tagged.pk}/change/", data)
    assert "reload it and select again" in response.content.decode().replace("&#x27;", "'")
    tagged.refresh_from_db()
    assert (tagged.start, tagged.text) == (Article.objects.get().clean_text.index("terrorist gangs"), "terrorist gangs")


def test_the_admin_refuses_a_bad_colour(carol_client, db):
    response = carol_client.post(
        "/admin/narratives/framingcategory/add/", {"name": "x", "colour": "red", "description": ""}
    )
    assert "#rrggbb" in response.content.decode()
    assert not FramingCategory.objects.exists()


def test_the_admin_action_finds_terms_again(carol_client, tagged):
    Occurrence.objects.all().delete()
    carol_client.post(
        "/admin/narratives/framingterm/", {"action": "refresh_occurrences", "_selected_action": [tagged.term_id]}
    )
    assert Occurrence.objects.count() == 1


def test_viewers_have_no_admin(bob_client, tagged):
    assert bob_client.get("/admin/narratives/annotation/").status_code == 302


def test_refresh_occurrences_rebuilds_and_reports(tagged):
    Occurrence.objects.all().delete()
    out = io.StringIO()
    call_command("refresh_occurrences", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["terms"] == [{"id": tagged.term_id, "text": "terrorist gangs", "occurrences": 1}]
    with pytest.raises(CommandError, match="no term with id 999"):
        call_command("refresh_occurrences", "--term", "999")


def test_import_annotations_fails_loudly_on_a_broken_file(db, tmp_path):
    path = tmp_path / "tags.jsonld"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not valid jsonld"):
        call_command("import_annotations", str(path))


def test_the_benchmark_prints_its_figures_and_leaves_nothing_behind(db):
    out = io.StringIO()
    call_command("bench_framing", "--articles", "24", "--words", "40", "--json", stdout=out, stderr=io.StringIO())
    figures = json.loads(out.getvalue())
    assert figures["articles"] == 24 and figures["stats_page_median_ms"] > 0
    assert {"refresh_new_term_anti_terrorist_operation_s", "refresh_one_article_all_terms_s"} <= set(figures)
    assert not Article.objects.exists() and not FramingTerm.objects.exists()
