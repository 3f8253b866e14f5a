"""Opening an uploaded file: .xlsx, .xls and .ods through python-calamine, .csv as text.

The file is parsed by a separate process (`reader.py`) with a memory and CPU limit, and its
rows stream back in batches: a file that lies about its size or is built to exhaust memory
costs that process, never the worker or the web server. Every way a file can be unusable ends
in `ImportFileError` with a message that says what is wrong with *this* file, and where.
"""

from __future__ import annotations

import itertools
import pickle
import signal
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from . import reader
from .fields import match_headers

HEADER_SEARCH_ROWS = 10
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected workbook
ZIP_MAGIC = b"PK\x03\x04"
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
ENCODINGS = (
    ("", "UTF-8"),
    ("gb18030", "GB18030 (Simplified Chinese: GBK, GB2312)"),
    ("big5", "Big5 (Traditional Chinese)"),
    ("cp1252", "Windows-1252 (Western European)"),
    ("latin-1", "ISO-8859-1 (Latin-1)"),
    ("utf-16", "UTF-16"),
    ("shift_jis", "Shift JIS (Japanese)"),
    ("cp1251", "Windows-1251 (Cyrillic)"),
)


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


def column_name(index: int) -> str:
    """What a column without a header is called: "Column F"."""
    return _("Column %(letter)s") % {"letter": column_letter(index)}


@dataclass
class Sheet:
    name: str
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, tuple]]  # (spreadsheet row number, values)
    closers: list = field(default_factory=list)
    # The reader's count of the sheet's rows (real cells, not the file's own record of its size;
    # for text, its lines): for progress bars only, never trusted as a limit.
    last_row: int = 0

    @property
    def estimated_rows(self) -> int:
        return max(0, self.last_row - self.header_row)

    def close(self) -> None:
        for close in self.closers:
            close()
        self.closers = []

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def _mb(size: int) -> str:
    return f"{size / 1048576:.0f}" if size >= 10 * 1048576 else f"{size / 1048576:.1f}"


def sniff(path: Path, name: str) -> str:
    """What kind of file this is, from its first bytes and name: "zip" (.xlsx, .ods), "xls" or
    "csv". Cheap: it reads 512 bytes, so the upload request can refuse the obvious at once."""
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(_("“%(name)s” is empty.") % {"name": name})
    if size > max_bytes():
        raise ImportFileError(
            _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB. Split the file and import the parts.")
            % {"name": name, "size": _mb(size), "limit": _mb(max_bytes())}
        )
    with path.open("rb") as fh:
        head = fh.read(512)
    suffix = Path(name).suffix.lower()
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "xls"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise ImportFileError(
            _(
                "“%(name)s” is a web page or XML file with a spreadsheet's name, as some systems export "
                "it. Open it in a spreadsheet program and save it as .xlsx or .csv, then upload that."
            )
            % {"name": name}
        )
    if suffix in WORKBOOK_SUFFIXES:
        raise ImportFileError(
            _(
                "“%(name)s” is damaged or not a real %(suffix)s workbook. Open it in a spreadsheet "
                "program and save it again."
            )
            % {"name": name, "suffix": suffix}
        )
    if suffix in TEXT_SUFFIXES or not suffix:
        return "csv"
    raise ImportFileError(
        _("“%(name)s” is not a spreadsheet this import can read: upload an .xlsx, .xls, .ods or .csv file.")
        % {"name": name}
    )


def _message(code: str, params: dict, name: str, encoding: str) -> str:
    p = {"name": name, **params}
    if "limit" in p and code in ("unpacked_too_big",):
        p["limit"] = _mb(p["limit"])
    messages = {
        "damaged": _(
            "“%(name)s” is damaged or not a real workbook. Open it in a spreadsheet program and save it again."
        ),
        "zip_not_workbook": _(
            "“%(name)s” is a zip archive but not a workbook: upload an .xlsx, .xls, .ods or .csv file."
        ),
        "encrypted": _(
            "“%(name)s” is password-protected. Remove the password (or save a copy without one) and upload it again."
        ),
        "no_sheet": _("“%(name)s” has no worksheet."),
        "unpacked_too_big": _(
            "“%(name)s” unpacks to more than %(limit)s MB (in %(part)s), more than one import may read. "
            "Split the file and import the parts."
        ),
        "too_many_strings": _(
            "“%(name)s” holds more than %(count)s different texts, more than one import may read. "
            "Split the file and import the parts."
        ),
        "too_many_rows": _(
            "“%(name)s” has %(rows)s rows; one import takes at most %(limit)s. Split the file and import the parts."
        ),
        "too_many_cells": _(
            "“%(name)s” spans %(rows)s rows × %(columns)s columns, more than the %(limit)s cells one import may "
            "read. Delete the empty rows and columns around the data, or split the file."
        ),
        "memory": _(
            "“%(name)s” needs more memory to read than an import may use (%(limit)s MB). Split it into "
            "smaller files, or save it as .csv (read row by row). If it is small on disk it may be damaged "
            "or built to do harm: open it in a spreadsheet program and save it again."
        ),
        "time": _(
            "Reading “%(name)s” took longer than an import may (%(limit)s s). Split the file and import the parts."
        ),
        "binary": _("“%(name)s” is not a text file: upload an .xlsx, .xls, .ods or .csv file."),
        "unknown_encoding": _("“%(encoding)s” is not an encoding this import knows."),
        "not_utf8": _(
            "“%(name)s” is not UTF-8 text: line %(line)s, character %(column)s has the byte %(byte)s. "
            "Choose the file's encoding (for example GB18030 for Chinese systems, Windows-1252 for "
            "Western European ones) and check again, or save the file as “CSV UTF-8”."
        ),
        "bad_encoding": _(
            "“%(name)s” is not %(encoding)s text: line %(line)s, character %(column)s has the byte %(byte)s. "
            "Choose another encoding, or save the file as “CSV UTF-8”."
        ),
        "field_too_long": _(
            "“%(name)s”, row %(row)s (line %(line)s): a value is longer than %(limit)s characters. "
            "Often a quote is missing its closing quote above this point."
        ),
        "unterminated_quote": _(
            "“%(name)s”, row %(row)s (line %(line)s): a quote opens a value and is never closed, so the "
            "rest of the file would be read as one value. Close the quote or remove it."
        ),
        "csv_error": _(
            "“%(name)s”, row %(row)s (line %(line)s) is not valid CSV (%(reason)s). A quote inside a "
            'value must be doubled ("").'
        ),
    }
    return messages.get(code, messages["damaged"]) % p


def _limits() -> list[str]:
    return [
        f"memory={settings.IMPORT_READ_MEMORY_MB * 1048576}",
        f"cpu={settings.IMPORT_READ_SECONDS}",
        f"rows={max_rows()}",
        f"cells={settings.IMPORT_MAX_CELLS}",
        f"unpacked={settings.IMPORT_MAX_UNPACKED_BYTES}",
        f"strings={settings.IMPORT_MAX_SHARED_STRINGS}",
        f"field={settings.IMPORT_MAX_FIELD_CHARS}",
    ]


class _Reader:
    """The reading process and the frames it sends."""

    def __init__(self, path: Path, kind: str, name: str, encoding: str):
        self.name = name
        self.encoding = encoding
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(
            [sys.executable, reader.__file__, str(path), kind, encoding, *_limits()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
        )

    def frames(self) -> Iterator[tuple]:
        stream = self.process.stdout
        while True:
            head = stream.read(4)
            if len(head) < 4:
                break
            (length,) = struct.unpack(">I", head)
            data = stream.read(length)
            if len(data) < length:
                break
            frame = pickle.loads(data)  # our own child process, through a pipe
            if frame[0] == "end":
                return
            if frame[0] == "error":
                raise ImportFileError(_message(frame[1], frame[2], self.name, self.encoding))
            yield frame
        # The pipe closed before "end": the process died, and why says what to tell the person.
        code = self.process.wait()
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS):
            # An allocation over the limit aborts the parser (or the kernel ends it).
            raise ImportFileError(
                _message("memory", {"limit": settings.IMPORT_READ_MEMORY_MB}, self.name, "")
            )
        if code == -signal.SIGXCPU:
            raise ImportFileError(_message("time", {"limit": settings.IMPORT_READ_SECONDS}, self.name, ""))
        self.stderr.seek(0)
        detail = self.stderr.read()[-300:].decode(errors="replace").strip().splitlines()
        raise ImportFileError(
            _(
                "“%(name)s” could not be read (%(detail)s). Open it in a spreadsheet program and save it again."
            )
            % {"name": self.name, "detail": detail[-1] if detail else f"exit {code}"}
        )

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.stderr.close()


def open_sheet(path: Path, name: str, *, encoding: str = "") -> Sheet:
    """Open `path` (uploaded as `name`) and read its header row: the first row with a value."""
    kind = sniff(path, name)
    process = _Reader(path, kind, name, encoding)
    try:
        frames = process.frames()
        meta = {"sheet": "", "height": 0}
        first = next(frames, None)
        if first is not None and first[0] == "meta":
            meta = first[1]

        def rows() -> Iterator[tuple[int, tuple]]:
            for frame in frames:
                yield from frame[1]

        stream = rows()
        # The header is the row among the first few that names the most fields (a title or a
        # blank line above it is common); without any such row, the first row with a value.
        candidates: list[tuple[int, tuple]] = []
        for number, values in stream:
            if any(v is not None and str(v).strip() for v in values):
                candidates.append((number, values))
                if len(candidates) >= HEADER_SEARCH_ROWS:
                    break
        if candidates:
            scores = [len(match_headers(_headers(values, name, check=False))) for _n, values in candidates]
            best = scores.index(max(scores))
            number, values = candidates[best]
            after = candidates[best + 1 :]
            return Sheet(
                meta["sheet"] or Path(name).stem,
                _headers(values, name),
                number,
                itertools.chain(after, stream),
                [process.close],
                meta["height"],
            )
        raise ImportFileError(_("“%(name)s” has no header row: the sheet is empty.") % {"name": name})
    except BaseException:
        process.close()
        raise


def _headers(values: tuple, name: str, *, check: bool = True) -> list[str]:
    headers = [" ".join(str(v).replace("\x00", " ").split()) if v is not None else "" for v in values]
    headers = [h.encode("utf-8", "replace").decode()[:200] for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    # A column without a header still holds data: give it a name the person can find.
    headers = [h or column_name(i) for i, h in enumerate(headers)]
    seen: dict[str, int] = {}
    for i, header in enumerate(headers if check else ()):
        key = header.casefold()
        if key in seen:
            raise ImportFileError(
                _(
                    "“%(name)s”: columns %(first)s and %(second)s are both headed “%(header)s”, so one "
                    "column's values would be lost. Rename one of them and upload the file again."
                )
                % {
                    "name": name,
                    "first": column_letter(seen[key]),
                    "second": column_letter(i),
                    "header": header,
                }
            )
        seen[key] = i
    return headers
