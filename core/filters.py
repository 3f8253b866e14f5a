"""Query-string filters of list pages and API lists, validated by forms.

A page drops a bad value and says so (the rest of the filters still apply); the API answers
400 naming the parameter. Pages and API never pass an unchecked value to the database.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination

MAX_PAGE = 500


def page_filters(request, form: forms.Form) -> dict:
    """The form's valid values; each invalid one is left out with a message naming it."""
    if form.is_valid():
        return form.cleaned_data
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        messages.warning(
            request,
            _("Filter “%(label)s”: “%(value)s” is not valid (%(error)s), so it was left out.")
            % {
                "label": field.label if field else name,
                "value": str(form.data.get(name, ""))[:60],
                "error": " ".join(str(e) for e in errors).rstrip("."),
            },
        )
    return {name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors}


def api_filters(form: forms.Form) -> dict:
    """The form's values, or a 400 that names every bad parameter."""
    if not form.is_valid():
        raise exceptions.ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
    return form.cleaned_data


class Pagination(LimitOffsetPagination):
    """?limit (at most MAX_PAGE) and ?offset; a value that is not a whole number in range is a
    400, not silently the default."""

    max_limit = MAX_PAGE

    def _number(self, request, name: str, default: int, low: int, high: int | None) -> int:
        raw = request.query_params.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            limit = (
                _("a whole number from %(low)s to %(high)s") % {"low": low, "high": high}
                if high
                else _("a whole number from %(low)s") % {"low": low}
            )
            raise exceptions.ValidationError(
                {name: [_("“%(value)s” is not %(limit)s.") % {"value": raw[:30], "limit": limit}]}
            )
        return value

    def get_limit(self, request):
        return self._number(request, self.limit_query_param, self.default_limit, 1, self.max_limit)

    def get_offset(self, request):
        return self._number(request, self.offset_query_param, 0, 0, None)


def page_parameters():
    """The query parameters of every paginated API list, for its schema."""
    from drf_spectacular.utils import OpenApiParameter

    return [
        OpenApiParameter(
            "limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, description="Rows per page."
        ),
        OpenApiParameter("offset", {"type": "integer", "minimum": 0}, description="Rows to skip."),
    ]
