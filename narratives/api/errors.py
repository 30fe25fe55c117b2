"""The API's error answers: one body shape, the statuses every operation documents, and the handlers
that turn a full disk, a garbled multipart body or an oversized request into JSON instead of a 500.
"""

# No ``from __future__ import annotations`` here: Ninja reads the schema annotations at import.
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema

from ..diskfull import full_disk_refusal


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    """Ninja's answer to a parameter or body that does not fit the operation's schema."""

    detail: list[dict[str, Any]]


# What any operation may answer besides its own results: no or a wrong token, input that does not
# fit the schema, the database away (answered by narratives.middleware.DatabaseUnavailable).
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 422: InvalidOut, 503: ErrorOut}
# ...and what a change may answer too: a viewer's token, a body over the size limit, a full disk.
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut, 413: ErrorOut, 507: ErrorOut}


def install_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(OSError, _full_disk)
    api.add_exception_handler(DatabaseError, _full_disk)
    for unreadable in (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent):
        api.add_exception_handler(unreadable, _unreadable_body)
    api.add_exception_handler(RequestDataTooBig, _too_big)


def _full_disk(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = full_disk_refusal(request, exc)
    if message is None:
        raise exc  # any other failure is Django's (a lost database: the middleware's 503)
    return _answer(507, message)


def _unreadable_body(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _answer(400, f"The request body cannot be read as multipart form data: {exc}")


def _too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return _answer(413, f"The request body is larger than the {limit} MB the server accepts.")


def _answer(status: int, detail: str) -> HttpResponse:
    return JsonResponse({"detail": detail}, status=status)
