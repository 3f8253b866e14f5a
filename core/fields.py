"""Fields every app shares: a month (YYYY-MM) in forms, query strings and the API, inside the
years the app's data may fall in (settings.DATA_FIRST_YEAR … DATA_LAST_YEAR)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONTH_PATTERN = r"^\d{4}-\d{2}$"
MONTH_OR_DAY_PATTERN = r"^\d{4}-\d{2}(-\d{2})?$"
MSG_MONTH = _("Give a month as YYYY-MM between %(first)s and %(last)s, e.g. 2026-11.")


def month_range() -> tuple[dt.date, dt.date]:
    return dt.date(settings.DATA_FIRST_YEAR, 1, 1), dt.date(settings.DATA_LAST_YEAR, 12, 1)


def month_check(value: dt.date | None) -> dt.date | None:
    """The first of `value`'s month, or a ValidationError naming the range it must be in."""
    if value is None:
        return None
    first, last = month_range()
    month = value.replace(day=1)
    if not first <= month <= last:
        raise ValidationError(month_message(), code="month_range")
    return month


def month_message() -> str:
    first, last = month_range()
    return MSG_MONTH % {"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"}


def _four_digit_year(text: str) -> bool:
    return len(text) >= 7 and text[:4].isdigit() and text[4] == "-"


class MonthField(forms.DateField):
    """YYYY-MM (and, with `day=True`, YYYY-MM-DD): the first of that month, inside the data years."""

    def __init__(self, *, day: bool = False, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"] if day else ["%Y-%m"])
        kwargs.setdefault("label", _("Month"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not _four_digit_year(value.strip()):
            raise ValidationError(month_message(), code="invalid")
        try:
            return month_check(super().to_python(value))
        except ValidationError as exc:
            if exc.code == "invalid":
                raise ValidationError(month_message(), code="invalid") from None
            raise


@extend_schema_field({"type": "string", "pattern": MONTH_OR_DAY_PATTERN, "example": "2026-11"})
class MonthInputField(serializers.DateField):
    """A month sent to the API: YYYY-MM (or a day of it, YYYY-MM-DD), inside the data years."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m", "%Y-%m-%d"], **kwargs)

    def to_internal_value(self, value):
        if not isinstance(value, str) or not _four_digit_year(value.strip()):
            raise serializers.ValidationError(month_message())
        try:
            return month_check(super().to_internal_value(value.strip()))
        except (ValidationError, serializers.ValidationError):
            raise serializers.ValidationError(month_message()) from None


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2026-11", "readOnly": True})
class MonthOutputField(serializers.DateField):
    """A month in the API's answers: YYYY-MM."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", read_only=True, **kwargs)


def month_argument(text: str, option: str = "--month") -> dt.date:
    """A command's YYYY-MM option: the first of the month, or a CommandError saying what to write."""
    from django.core.management import CommandError

    try:
        return MonthField().clean(text)
    except ValidationError as exc:
        raise CommandError(f"{option} {text!r}: {' '.join(exc.messages)}") from None


MONTH_PATTERN_OR_EMPTY = r"^(\d{4}-\d{2})?$"  # a month filter; empty: every month


# One rule for the month every page opens on (dashboards, the workspace, the queue, sampling,
# the reviews list): the month in progress, except in its first days, when its figures are a
# handful of reviews and reviewers finish the month just ended: then that month. Each page
# says so beside its month.
FIRST_DAYS = 7


def month_to_open(today: dt.date) -> dt.date:
    this = today.replace(day=1)
    return this if today.day > FIRST_DAYS else (this - dt.timedelta(days=1)).replace(day=1)
