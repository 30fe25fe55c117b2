"""The demo corpus: our own fictional articles, loaded once by ``manage.py load_demo`` with a demo analyst."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from narratives.management.commands.load_demo import DEMO_DIR, demo_manifest
from narratives.models import Article, Outlet, SegmentKind
from narratives.permissions import can_edit

SIGN_IN = "http://127.0.0.1:8000/accounts/login/"


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def printed_password(output: str) -> str:
    line = next(line for line in output.splitlines() if "password:" in line)
    return line.rsplit("password:", 1)[1].strip()


@pytest.fixture
def demo(db) -> str:
    return load_demo()


def test_the_manifest_lists_our_own_articles():
    outlets, articles = demo_manifest()
    assert 3 <= len(outlets) <= 4 and 6 <= len(articles) <= 8
    assert {a.outlet for a in articles} == {o["name"] for o in outlets}
    for article in articles:
        assert article.path.is_file() and article.path.parent == DEMO_DIR
        assert ".example/" in article.url  # fictional addresses only


def test_load_demo_loads_the_corpus_and_prints_how_to_sign_in(demo):
    assert Article.objects.count() == len(demo_manifest()[1])
    assert Outlet.objects.filter(country="Valmora").count() == 2
    assert f"Sign in at {SIGN_IN} as 'demo' with password: " in demo
    user = User.objects.get(username="demo")
    assert can_edit(user)
    assert Client().login(username="demo", password=printed_password(demo))


def test_load_demo_twice_changes_nothing(demo, monkeypatch):
    before = sorted(Article.objects.values_list("content_hash", flat=True))
    monkeypatch.setenv("PORT", "8123")  # make run's PORT
    again = load_demo()
    assert "The demo corpus is already loaded." in again
    assert "The demo analyst 'demo' exists (sign in at http://127.0.0.1:8123/accounts/login/)" in again
    assert "password:" not in again
    assert sorted(Article.objects.values_list("content_hash", flat=True)) == before
    assert Client().login(username="demo", password=printed_password(demo))


def test_reset_password_prints_a_new_one_that_works(demo):
    reset = load_demo("--reset-password")
    new = printed_password(reset)
    assert new != printed_password(demo)
    assert Client().login(username="demo", password=new)
    assert not Client().login(username="demo", password=printed_password(demo))


def test_demo_articles_show_headers_furniture_and_framing(demo):
    signal = Article.objects.get(outlet__name="Patriot Signal")
    boilerplate = set(signal.segments.filter(kind=SegmentKind.BOILERPLATE).values_list("text", flat=True))
    assert {"You may also like", "Leave a Reply", "Powered by WordPress | Theme: Newsup by Themeansar."} <= boilerplate
    ledger = Article.objects.get(url__endswith="/curfew-lifted-questions-remain")
    metadata = set(ledger.segments.filter(kind=SegmentKind.METADATA).values_list("text", flat=True))
    assert {"March 8 2025", "By Talia Renz"} <= metadata
    assert "\u00a0" not in ledger.clean_text and "“stabilisation mission”" in ledger.clean_text
    for article in Article.objects.all():
        assert all(article.clean_text[s.start : s.end] == s.text for s in article.segments.all())
    shared = Article.objects.filter(clean_text__icontains="stabilisation mission").values_list(
        "outlet__name", flat=True
    )
    assert len(set(shared)) >= 3  # the framing term is carried by most outlets


def test_demo_ships_a_framing_lexicon_found_in_its_articles(demo):
    from narratives.models import FramingCategory, Occurrence

    assert FramingCategory.objects.filter(name="euphemism").exists()
    assert Occurrence.objects.exists(), "the demo terms occur in the demo articles"
