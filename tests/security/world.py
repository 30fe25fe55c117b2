"""A small, complete world for the matrix, header and injection tests: every role and one of every object.

Built once per module (``world`` fixture) outside the per-test transactions and removed afterwards, so
hundreds of requests can share it; each test still runs in its own transaction (``db``), and requests
that would change the world run inside a savepoint that is rolled back (``World.isolated``).
Objects are made with the models directly, not through ingest, so the role matrix does not depend
on the ingest pipeline working.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client

from narratives import models as m
from narratives.permissions import ANALYST, VIEWER

PASSWORD = "correct horse battery staple 42"
ROLES = {"alice": "analyst", "bob": "viewer", "carol": "staff", "dave": "analyst"}
ROLE_OF_USER = {"analyst": "alice", "viewer": "bob", "staff": "carol"}


@cache
def _password_hash() -> str:
    # tests/conftest.py switches every test to the MD5 hasher (fast); the world is built outside a
    # test, so it hashes the same way or sign-in inside the tests would fail.
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return make_password(PASSWORD)


def make_user(username: str, role: str) -> User:
    user = User.objects.create(
        username=username,
        email=f"{username}@example.org",
        password=_password_hash(),
        is_staff=role == "staff",
        is_superuser=role == "staff",
    )
    if role in {"analyst", "viewer"}:
        user.groups.add(Group.objects.get_or_create(name=ANALYST if role == "analyst" else VIEWER)[0])
    return user


def make_article(outlet: m.Outlet, title: str, sentences: list[str], user: User | None) -> m.Article:
    """An article whose segments keep the offset invariant: a title paragraph, then one sentence each."""
    parts = [title, *sentences]
    text = "\n\n".join(parts)
    article = m.Article.objects.create(
        outlet=outlet,
        title=title,
        byline="By Test Desk",
        language="en",
        original=text.encode(),
        original_filename=f"{title[:40]}.txt",
        original_content_type="text/plain",
        clean_text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        word_count=len(text.split()),
        uploaded_by=user,
    )
    start = 0
    for order, part in enumerate(parts):
        kind = m.SegmentKind.TITLE if order == 0 else m.SegmentKind.SENTENCE
        m.Segment.objects.create(
            article=article, kind=kind, paragraph=order, order=order, start=start, end=start + len(part), text=part
        )
        start += len(part) + 2
    return article


def refuse_real_database() -> None:
    """The world is made and wiped outside the per-test transactions: only ever in a test database.

    pytest-django creates the test database only when a collected test asks for one, so a module whose
    tests use ``world`` must also be marked ``django_db``; this stops the harm if one forgets.
    """
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if not (Path(name).name.startswith("test_") or "memorydb" in name or name == ":memory:"):
        raise RuntimeError(f"refusing to build or wipe the test world in a real database ({name})")


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)
    password: str = PASSWORD
    current_op: object = None  # the API operation a body is being built for (see bodies.py)

    @classmethod
    def build(cls) -> World:
        refuse_real_database()
        w = cls()
        for name, role in ROLES.items():
            w.users[name] = make_user(name, role)
            w.tokens[name] = m.ApiToken.for_user(w.users[name]).key
        alice, dave = w.users["alice"], w.users["dave"]
        outlet = m.Outlet.objects.create(name="Harbour Gazette", country="Veltria", language="en")
        outlet_b = m.Outlet.objects.create(name="Coast Courier", country="Veltria", language="en")
        article = make_article(
            outlet,
            "Port of Veltria reopens after storm",
            [
                "The harbour authority said the cargo terminal reopened on Tuesday.",
                "Officials described the peacekeeping forces as a stabilising presence.",
                "Critics said the storm damage had been underreported for weeks.",
            ],
            alice,
        )
        article_b = make_article(
            outlet_b,
            "Veltria terminal back in service",
            [
                "The cargo terminal in Veltria is working again, the port said.",
                "A peacekeeping mission was described as stabilising by officials.",
                "Fishermen said repairs were slow.",
            ],
            dave,
        )
        # bulk_create sends no signals: the world must not depend on what framing's signal handlers do.
        (category,) = m.FramingCategory.objects.bulk_create([m.FramingCategory(name="euphemism", created_by=alice)])
        (term,) = m.FramingTerm.objects.bulk_create(
            [m.FramingTerm(text="peacekeeping forces", category=category, created_by=alice)]
        )
        start = article.clean_text.index("peacekeeping forces")
        (annotation,) = m.Annotation.objects.bulk_create(
            [m.Annotation(article=article, term=term, start=start, end=start + 19, text="peacekeeping forces", author=alice)]
        )
        (occurrence,) = m.Occurrence.objects.bulk_create(
            [m.Occurrence(term=term, article=article, start=start, end=start + 19, text="peacekeeping forces")]
        )
        b_start = article_b.clean_text.index("peacekeeping mission")
        (suggestion,) = m.TermSuggestion.objects.bulk_create(
            [m.TermSuggestion(term=term, article=article_b, start=b_start, end=b_start + 20, text="peacekeeping mission", score=0.8)]
        )
        seg_a = article.segments.get(order=1)
        seg_b = article_b.segments.get(order=1)
        first, second = sorted([(article, seg_a), (article_b, seg_b)], key=lambda pair: pair[0].pk)
        (decision,) = m.MatchDecision.objects.bulk_create(
            [
                m.MatchDecision(
                    article_a=first[0],
                    a_start=first[1].start,
                    a_end=first[1].end,
                    article_b=second[0],
                    b_start=second[1].start,
                    b_end=second[1].end,
                    state=m.ReviewState.CONFIRMED,
                    decided_by=alice,
                )
            ]
        )
        batch = m.IngestBatch.objects.create(created_by=alice, outlet_name=outlet.name, status=m.BatchStatus.DONE)
        item = m.IngestItem.objects.create(
            batch=batch, filename="report.txt", status=m.BatchStatus.DONE, article=article
        )
        w.objects.update(
            article=article,
            article_b=article_b,
            outlet=outlet,
            outlet_b=outlet_b,
            category=category,
            term=term,
            annotation=annotation,
            occurrence=occurrence,
            suggestion=suggestion,
            decision=decision,
            batch=batch,
            item=item,
            segment=seg_a,
            token=m.ApiToken.objects.get(user=alice),
            user=alice,
        )
        return w

    def destroy(self) -> None:
        refuse_real_database()
        User.objects.filter(username__in=list(ROLES)).delete()
        m.IngestBatch.objects.all().delete()
        m.MatchDecision.objects.all().delete()
        m.Annotation.objects.all().delete()
        m.Occurrence.objects.all().delete()
        m.TermSuggestion.objects.all().delete()
        m.FramingTerm.objects.all().delete()
        m.FramingCategory.objects.all().delete()
        m.Article.objects.all().delete()
        m.Outlet.objects.all().delete()
        User.objects.filter(username__in=list(ROLES)).delete()

    # --- helpers for tests

    def client(self, username: str | None, *, enforce_csrf: bool = False) -> Client:
        # A view that crashes must show up as a 500 among the answers, not abort the whole check.
        client = Client(enforce_csrf_checks=enforce_csrf, raise_request_exception=False)
        if username is not None:
            client.force_login(self.users[username])
        return client

    def bearer(self, username: str) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[username]}"}

    def instance_of(self, model):
        for obj in self.objects.values():
            if type(obj) is model:
                return obj
        found = model.objects.order_by("pk").first()
        if found is None:
            from tests.security.surface import NoInstance

            raise NoInstance(f"no {model.__name__} to open")
        return found

    def query_for(self, route) -> str:
        """Query strings some pages need to show anything (the compare page names its articles)."""
        words = f"{route.name or ''} {route.pattern}".lower()
        if "compare" in words and not route.params:
            return f"?articles={self.objects['article'].pk},{self.objects['article_b'].pk}"
        return ""

    @contextmanager
    def isolated(self):
        """Whatever the request changes is rolled back, so the next request sees the same world."""
        with transaction.atomic():
            yield
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            w = World.build()
        except Exception:
            World().destroy()  # a half-built world must not break the tests after this one
            raise
    yield w
    with django_db_blocker.unblock():
        w.destroy()
