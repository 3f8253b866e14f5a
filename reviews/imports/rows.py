"""Reading: rows from a sheet (a file's columns to fields) or from the API's items, as the
checker takes them."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from . import fields
from .files import ImportFileError, Sheet, column_letter, column_name, max_rows


def sheet_rows(sheet: Sheet, mapping: dict[str, str]) -> tuple[Iterator, dict[str, str]]:
    """The sheet's non-blank rows as (row number, {field: value}, {other header: value}), and
    each mapped field's column ("C · Agent") for messages."""
    index = {header: i for i, header in enumerate(sheet.headers)}
    positions = {name: index[h] for name, h in mapping.items() if h in index}
    columns = {name: f"{column_letter(i)} · {sheet.headers[i]}" for name, i in positions.items()}
    mapped = set(positions.values())
    extras = [(i, h) for i, h in enumerate(sheet.headers) if i not in mapped]
    limit = max_rows()

    def rows():
        for number, values in sheet.rows:
            if number - sheet.header_row > limit:
                raise ImportFileError(
                    _("The file has more than %(limit)s rows; split it and import the parts.")
                    % {"limit": limit}
                )
            if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                continue  # blank lines are common at the end of exports
            width = len(values)
            raw = {name: values[i] if i < width else None for name, i in positions.items()}
            extra = {h: values[i] for i, h in extras if i < width}
            if width > len(sheet.headers) and any(v not in (None, "") for v in values[len(sheet.headers) :]):
                extra.update(
                    {
                        column_name(i): values[i]
                        for i in range(len(sheet.headers), width)
                        if values[i] not in (None, "")
                    }
                )
            yield number, raw, extra

    return rows(), columns


def item_rows(items: list) -> Iterator:
    """API items as rows: field names as keys; unknown keys (and "extra") kept as extra data."""
    known = {f.name for f in fields.FIELDS}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            yield index, {"source_id": None, "agent": None, "started_at": None, "_not_object": item}, {}
            continue
        extra = item.get("extra")
        further = {k: v for k, v in item.items() if k not in known and k != "extra"}
        if isinstance(extra, dict):
            further |= extra
        elif extra not in (None, ""):
            further["extra"] = extra
        yield index, {k: v for k, v in item.items() if k in known}, further
