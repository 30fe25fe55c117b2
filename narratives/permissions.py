"""Roles. Analysts upload, tag and review; viewers read; staff also run the admin.

Checks live here, in Python, and every view states its own with a decorator, so a partial (htmx)
request cannot reach what the full page would refuse.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.core.exceptions import PermissionDenied

ANALYST = "analyst"
VIEWER = "viewer"


def ensure_groups(**kwargs) -> None:
    for name in (ANALYST, VIEWER):
        Group.objects.get_or_create(name=name)


def can_read(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_edit(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Upload, tag and review: analysts and staff."""
    if not can_read(user):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name=ANALYST).exists()


def analyst_required(view: Callable) -> Callable:
    """For views that change the corpus or its annotations. Sign-in is checked first by login_required."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_edit(request.user):
            raise PermissionDenied("Analysts only: your account can read but not change the corpus.")
        return view(request, *args, **kwargs)

    return wrapper
