"""Opening an uploaded file: .xlsx through openpyxl's read-only mode, .csv as text.

Every way a file can be unusable ends in `ImportFileError` with a message that says what is
wrong with *this* file, never a traceback.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# A password-protected .xlsx (and an old .xls) is an OLE compound file, not a zip.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Sheet:
    name: str
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, tuple]]  # (spreadsheet row number, values)
    closers: list = field(default_factory=list)
    last_row: int = 0  # the sheet's last row number as the file states it (0: unknown)

    @property
    def estimated_rows(self) -> int:
        return max(0, self.last_row - self.header_row)

    def close(self) -> None:
        for close in self.closers:
            close()


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 200_000)


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def open_sheet(path: Path, name: str) -> Sheet:
    """Open `path` (uploaded as `name`) and read its header row."""
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(_("“%(name)s” is empty.") % {"name": name})
    if size > max_bytes():
        raise ImportFileError(
            _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB. Split the file and import the parts.")
            % {"name": name, "size": round(size / 1048576, 1), "limit": round(max_bytes() / 1048576, 1)}
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    suffix = Path(name).suffix.lower()
    if head.startswith(OLE_MAGIC):
        raise ImportFileError(
            _(
                "“%(name)s” is password-protected or in the old .xls format. Remove the password or "
                "save it as .xlsx or .csv, then upload it again."
            )
            % {"name": name}
        )
    if suffix in (".xlsx", ".xlsm") or head.startswith(ZIP_MAGIC):
        return _open_xlsx(path, name)
    if suffix in (".csv", ".txt", ".tsv"):
        return _open_csv(path, name)
    raise ImportFileError(
        _("“%(name)s” is not a spreadsheet this import can read: upload an .xlsx or .csv file.")
        % {"name": name}
    )


def _header_and_rows(
    name: str, rows: Iterator[tuple], closers: list, sheet_name: str, last_row: int
) -> Sheet:
    if last_row - 1 > max_rows():
        for close in closers:
            close()
        raise ImportFileError(
            _(
                "“%(name)s” has %(rows)s rows; one import takes at most %(limit)s. Split the file and import the parts."
            )
            % {"name": name, "rows": last_row - 1, "limit": max_rows()}
        )
    for number, values in rows:
        if any(v not in (None, "") for v in values):
            headers = [str(v).strip() if v not in (None, "") else "" for v in values]
            while headers and not headers[-1]:
                headers.pop()
            return Sheet(sheet_name, headers, number, rows, closers, last_row)
    for close in closers:
        close()
    raise ImportFileError(_("“%(name)s” has no header row: the sheet is empty.") % {"name": name})


def _open_xlsx(path: Path, name: str) -> Sheet:
    import openpyxl  # defusedxml is installed, so openpyxl parses the XML safely
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        if not zipfile.is_zipfile(path):
            raise zipfile.BadZipFile
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _(
                "“%(name)s” is damaged or not a real .xlsx workbook (%(reason)s). Open it in a spreadsheet program and save it again."
            )
            % {"name": name, "reason": exc.__class__.__name__}
        ) from exc
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        workbook.close()
        raise ImportFileError(_("“%(name)s” has no worksheet.") % {"name": name})
    # Formulas: data_only=True gives the values Excel last calculated and saved.
    rows = ((n, tuple(row)) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1))
    return _header_and_rows(name, rows, [workbook.close], sheet.title, sheet.max_row or 0)


def _open_csv(path: Path, name: str) -> Sheet:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ImportFileError(_("“%(name)s” is not a text file.") % {"name": name})
    if "\x00" in text[:4096]:
        raise ImportFileError(
            _("“%(name)s” is not a CSV text file: upload an .xlsx or .csv file.") % {"name": name}
        )
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = ((n, tuple(row)) for n, row in enumerate(reader, start=1))
    return _header_and_rows(name, rows, [], Path(name).stem, text.count("\n") + (not text.endswith("\n")))
