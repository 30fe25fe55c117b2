"""Per-user API tokens (``Authorization: Bearer <token>``)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token")
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    @classmethod
    def for_user(cls, user) -> "ApiToken":
        token, _ = cls.objects.get_or_create(user=user, defaults={"key": secrets.token_urlsafe(32)})
        return token
