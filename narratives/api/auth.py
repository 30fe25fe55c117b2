"""API authentication: a per-user bearer token, or the browser session (CSRF-checked by Ninja)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from ..models import ApiToken
from ..permissions import can_edit


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.objects.select_related("user").filter(key=token, user__is_active=True).first()
        if found is None:
            return None
        request.user = found.user
        return found.user


AUTH = [BearerToken(), django_auth]


def require_editor(request: HttpRequest) -> None:
    """Analysts and staff may change things; viewers get 403 with a reason."""
    if not can_edit(request.auth):
        raise HttpError(403, "Analysts only: this account can read but not change the corpus.")
