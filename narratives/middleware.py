"""Site-wide guards: sign-in before anything, and a clear answer when the database is away."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import OperationalError, InterfaceError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

# The API authenticates by token itself; the admin has its own sign-in; static files are public.
_OPEN_PREFIXES = ("/accounts/login/", "/static/", "/api/", "/admin/", "/healthz")


class LoginRequiredEverywhere:
    """Defence in depth: views also carry @login_required, this catches any that forget."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_OPEN_PREFIXES):
            try:
                signed_in = request.user.is_authenticated
            except (OperationalError, InterfaceError) as exc:
                # Loading the session user is the first query of most requests.
                return unavailable_response(request, exc)
            if not signed_in:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class DatabaseUnavailable:
    """Turns a lost database connection into a 503 that says so, instead of a bare server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        return unavailable_response(request, exception)


def unavailable_response(request: HttpRequest, exception: Exception) -> HttpResponse:
    log.error("database unavailable: %s", exception)
    message = "The database is unavailable right now. Nothing was saved by this request; try again shortly."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=503)
    html = render_to_string("narratives/unavailable.html", {"message": message})
    return HttpResponse(html, status=503)
