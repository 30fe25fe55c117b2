"""Shared fixtures: the named users of every test (alice the analyst, bob the viewer, carol the admin)
and the seed articles from ../shared/seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from narratives.permissions import ANALYST, VIEWER

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEEDS = SHARED / "seeds"
EVAL = SHARED / "eval"
PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The default PBKDF2 costs ~0.6 s a user on this machine; the hasher is not what tests test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, group: str | None = None, staff: bool = False) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=staff, is_superuser=staff)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def alice(db) -> User:
    return _user("alice", ANALYST)


@pytest.fixture
def bob(db) -> User:
    return _user("bob", VIEWER)


@pytest.fixture
def carol(db) -> User:
    return _user("carol", staff=True)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice) -> Client:
    return client_for(alice)


@pytest.fixture
def bob_client(bob) -> Client:
    return client_for(bob)


@pytest.fixture
def carol_client(carol) -> Client:
    return client_for(carol)


@pytest.fixture
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    if len(paths) < 2:
        pytest.fail(f"the seed articles are missing from {SEEDS}")
    return paths
