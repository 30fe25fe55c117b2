"""``manage.py api_token USERNAME``: the user's API token, created if needed, alone on the last line."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from narratives.models import ApiToken


class Command(BaseCommand):
    help = "Print USERNAME's API token (Authorization: Bearer <token>), creating it if needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        if not user.is_active:
            raise CommandError(f"{username!r} is inactive: its token would be refused.")
        # Scripts take the last line, so the token goes to stdout alone and the note to stderr.
        self.stderr.write(f"API token for {username} (send it as 'Authorization: Bearer <token>'):")
        self.stdout.write(ApiToken.for_user(user).key)
