"""A full disk, said plainly: the kernel's ENOSPC while an upload streams to its temporary file, or a
database that has no room left for a row. Both answer 507 Insufficient Storage with a message that says
nothing was saved, on the upload page and in the API.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import sqlite3

from django.db import DatabaseError
from django.http import HttpRequest

log = logging.getLogger(__name__)

UPLOAD_DISK_FULL = (
    "The server's disk is full, so the upload could not be received and nothing was saved. "
    "Ask an administrator to free disk space, then try again."
)
DATABASE_FULL = (
    "The database has run out of disk space, so nothing was saved. "
    "Ask an administrator to free disk space, then try again."
)
_POSTGRES_DISK_FULL = "53100"  # SQLSTATE disk_full


def full_disk_refusal(request: HttpRequest, exc: BaseException) -> str | None:
    """What to tell the user when ``exc`` comes from a full disk, once the partial upload is gone; None
    when it does not (the caller re-raises)."""
    message = full_disk_message(exc)
    if message is not None:
        log.error("%s %s refused, the disk is full: %s", request.method, request.path, exc)
        discard_partial_uploads(request)
    return message


def full_disk_message(exc: BaseException) -> str | None:
    """The message for a failure caused by a full disk; None for any other failure."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return UPLOAD_DISK_FULL
    if isinstance(exc, DatabaseError):
        cause = exc.__cause__
        if getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return DATABASE_FULL
        if getattr(cause, "sqlstate", None) == _POSTGRES_DISK_FULL:
            return DATABASE_FULL
    return None


def discard_partial_uploads(request: HttpRequest) -> None:
    """Close the temporary file a failed upload was writing, while its disk is still there.

    Django's multipart parser leaves it open when a write fails; left to the garbage collector, its
    finaliser would flush into the full disk again (or unlink a file whose mount is gone) and raise
    where nobody can catch it.
    """
    for handler in getattr(request, "_upload_handlers", None) or []:
        upload = getattr(handler, "file", None)
        if upload is None:
            continue
        with contextlib.suppress(OSError):  # the flush meets the same full disk; the file goes anyway
            upload.close()
