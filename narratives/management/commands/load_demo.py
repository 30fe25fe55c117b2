"""``manage.py load_demo``: our own demo corpus and a demo analyst, loaded once.

Re-running changes nothing and says so; ``--reset-password`` gives the demo analyst a new password.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from narratives.framing.demo import load_demo_lexicon
from narratives.ingest.pipeline import ingest_text
from narratives.models import Article, Outlet
from narratives.permissions import ANALYST, ensure_groups

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_USERNAME = "demo"


@dataclass(frozen=True)
class DemoArticle:
    path: Path
    outlet: str
    published: date
    url: str


def demo_manifest() -> tuple[list[dict], list[DemoArticle]]:
    manifest = json.loads((DEMO_DIR / "corpus.json").read_text(encoding="utf-8"))
    articles = [
        DemoArticle(DEMO_DIR / row["file"], row["outlet"], date.fromisoformat(row["published"]), row["url"])
        for row in manifest["articles"]
    ]
    return manifest["outlets"], articles


def load_corpus() -> tuple[int, list[str]]:
    """Ingests the demo articles not yet in the corpus; returns how many were added and any errors."""
    outlets, articles = demo_manifest()
    for row in outlets:
        Outlet.objects.get_or_create(name=row["name"], defaults={k: v for k, v in row.items() if k != "name"})
    present = set(Article.objects.filter(url__in=[a.url for a in articles]).values_list("url", flat=True))
    added, errors = 0, []
    for demo in articles:
        if demo.url in present:
            continue
        result = ingest_text(
            demo.path.read_text(encoding="utf-8"),
            outlet=demo.outlet,
            url=demo.url,
            published=demo.published,
            filename=demo.path.name,
        )
        if result.article is not None and not result.error:
            added += 1
        elif result.error:
            errors.append(f"{demo.path.name}: {result.error}")
    return added, errors


def new_password() -> str:
    return secrets.token_urlsafe(12)


class Command(BaseCommand):
    help = "Load the demo corpus and create the demo analyst (once; re-running changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-password", action="store_true", help=f"give the '{DEMO_USERNAME}' analyst a new password"
        )

    def handle(self, *args, reset_password: bool = False, **options) -> None:
        ensure_groups()
        added, errors = load_corpus()
        for error in errors:
            self.stderr.write(f"demo article not loaded: {error}")
        if errors and not added and not Article.objects.exists():
            raise CommandError("The demo corpus could not be loaded.")
        if added:
            self.stdout.write(f"Demo corpus loaded: {added} articles from {Outlet.objects.count()} outlets.")
        else:
            self.stdout.write("The demo corpus is already loaded.")
        lexicon = load_demo_lexicon()
        if any(lexicon.values()):
            self.stdout.write(f"Demo framing lexicon: {lexicon['categories']} categories, {lexicon['terms']} terms.")
        password = self.demo_user(reset_password)
        sign_in = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/accounts/login/"
        if password:
            self.stdout.write(f"Sign in at {sign_in} as '{DEMO_USERNAME}' with password: {password}")
        else:
            self.stdout.write(
                f"The demo analyst '{DEMO_USERNAME}' exists (sign in at {sign_in}); "
                "its password was printed when it was created. For a new one: manage.py load_demo --reset-password"
            )

    @transaction.atomic
    def demo_user(self, reset_password: bool) -> str | None:
        """Creates the demo analyst; returns a password only when one was set by this run."""
        user, created = User.objects.get_or_create(username=DEMO_USERNAME)
        user.groups.add(Group.objects.get(name=ANALYST))
        if not (created or reset_password):
            return None
        password = new_password()
        user.set_password(password)
        user.save()
        return password
