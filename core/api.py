"""One exception handler shapes every API error alike:

{"message": "<what went wrong>", "errors": {<field>: [<problem>, ...]} or [..]}

(and "revision" when the refused request's content was nevertheless kept, as a refused
submission is kept as the draft).
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ConflictError, DomainError


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        return Response(
            {"message": str(exc.message), "errors": [str(e) for e in exc.errors]},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DomainError):
        data = {"message": str(exc.message), "errors": [str(e) for e in exc.errors]}
        if getattr(exc, "revision", None) is not None:
            data["revision"] = exc.revision  # what was sent was kept: the revision to send next
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response(
            {"message": _("The data is not valid."), "errors": errors},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"message": _("The data is not valid."), "errors": response.data}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"message": str(detail), "errors": []}
    return response
