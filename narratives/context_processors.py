from django.http import HttpRequest

from .permissions import can_edit


def roles(request: HttpRequest) -> dict:
    """Lets templates hide controls a user cannot use; the views check again on every request."""
    return {"perms_can_edit": can_edit(request.user)}
