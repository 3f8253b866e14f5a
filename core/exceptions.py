"""Errors the domain raises. Their messages are written for the person who caused them."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the request."""

    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, errors: list | None = None):
        self.message = message if message is not None else self.default_message
        # Optional list of detailed, person-readable problems (e.g. one per rubric section).
        self.errors = list(errors or [])
        super().__init__(str(self.message))


class ConflictError(DomainError):
    """Someone else changed the object after the caller loaded it; nothing was written."""

    default_message = _("Someone else changed this after you opened it.")


MSG_REVISION_REQUIRED = _(
    "The page did not say which version it was editing, so nothing was saved: reload the page and try again."
)


class NotAllowed(PermissionDenied):
    """The person may see this object but not do this to it: 403, with the message, on pages
    and in the API alike. (Objects they may not see are not found: 404.)"""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))
