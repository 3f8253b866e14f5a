"""A corpus of malformed and hostile import files, made by code (no committed binaries).

Each entry: a file name, a function writing the file into a folder, the text the person must
be told, and settings the case needs (small limits stand in for huge files where the behaviour
is the same, so the suite stays fast)."""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.reviews.spreadsheets import write_csv, write_xlsx

HEADER = ["Call Id", "Agent", "Start time", "Channel", "Talk time"]


def good_rows(n: int = 3) -> list[list]:
    return [HEADER] + [[f"H-{i}", "ana", "2026-11-03 10:00", "phone", "2:00"] for i in range(1, n + 1)]


def patch_xlsx(
    path: Path, *, sheet: Callable[[str], str] | None = None, parts: dict[str, bytes] | None = None
) -> Path:
    """Rewrite a workbook's parts the way a hand-edited or hostile file would have them."""
    with zipfile.ZipFile(path) as zin:
        items = {name: zin.read(name) for name in zin.namelist()}
    if sheet:
        items["xl/worksheets/sheet1.xml"] = sheet(items["xl/worksheets/sheet1.xml"].decode()).encode()
    items.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items.items():
            zout.writestr(name, data)
    return path


def with_shared_strings(path: Path, count: int, text: str = "x") -> Path:
    """A sharedStrings part with `count` entries, wired in as Excel does."""
    body = f"<si><t>{text}</t></si>" * count
    xml = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{count}" uniqueCount="{count}">{body}</sst>'
    ).encode()
    with zipfile.ZipFile(path) as zin:
        rels = zin.read("xl/_rels/workbook.xml.rels").decode()
        types = zin.read("[Content_Types].xml").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return patch_xlsx(
        path,
        sheet=lambda x: x.replace(
            '<c r="E2" t="inlineStr"><is><t>2:00</t></is></c>', '<c r="E2" t="s"><v>0</v></c>'
        ),
        parts={
            "xl/sharedStrings.xml": xml,
            "xl/_rels/workbook.xml.rels": rels.encode(),
            "[Content_Types].xml": types.encode(),
        },
    )


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]
    message: str  # what the person is told (a regular expression)
    settings: dict = field(default_factory=dict)
    at_upload: bool = False  # refused by the upload request itself
    rows: int | None = None  # for files that must import, every row and no more


def _bytes(content: bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_bytes(content)
        return path

    return make


def _text(text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    return _bytes(text.encode(encoding))


def _csv_rows(rows: list[list], **kwargs) -> Callable[[Path], Path]:
    return lambda path: write_csv(path, rows, **kwargs)


def _xlsx(rows: list[list], **patch) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        write_xlsx(path, rows)
        return patch_xlsx(path, **patch) if patch else path

    return make


def _dimension(ref: str) -> Callable[[str], str]:
    return lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)


def _far_cell(ref: str) -> Callable[[str], str]:
    row = re.match(r"[A-Z]+(\d+)", ref)[1]
    return lambda xml: xml.replace(
        "</sheetData>", f'<row r="{row}"><c r="{ref}" t="n"><v>1</v></c></row></sheetData>'
    )


def _damaged(path: Path) -> Path:
    write_xlsx(path, good_rows())
    path.write_bytes(path.read_bytes()[:400])
    return path


def _zip_of(names: dict[str, str]) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        with zipfile.ZipFile(path, "w") as z:
            for name, text in names.items():
                z.writestr(name, text)
        return path

    return make


def _encrypted(path: Path) -> Path:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2048)
    return path


def _header_and_values(**values) -> Callable[[Path], Path]:
    """One data row whose cells are set from `values` (keyed by header), the rest good."""
    header = [*HEADER, "CSAT", "Queue"]
    row = ["V-1", "ana", "2026-11-03 10:00", "phone", "2:00", "4", "Billing"]
    for key, value in values.items():
        row[header.index(key)] = value
    return _csv_rows([header, row])


CASES: list[Case] = [
    Case("empty.csv", _bytes(b""), r"The submitted file is empty\.", at_upload=True),
    Case(
        "header-only.csv", _text("Call Id,Agent,Start time,Channel\n"), r"has a header row but no data rows"
    ),
    Case("blank.xlsx", lambda p: write_xlsx(p, []), r"has no header row: the sheet is empty"),
    Case(
        "photo.xlsx",
        _bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200),
        r"is damaged or not a real \.xlsx workbook",
        at_upload=True,
    ),
    Case(
        "report.xls",
        _text("<html><table><tr><td>1</td></tr></table></html>"),
        r"is a web page or XML file",
        at_upload=True,
    ),
    Case(
        "notes.pdf", _bytes(b"%PDF-1.4 hello"), r"is not a spreadsheet this import can read", at_upload=True
    ),
    Case("archive.xlsx", _zip_of({"readme.txt": "hello"}), r"is a zip archive but not a workbook"),
    Case("letter.docx", _zip_of({"word/document.xml": "<w/>"}), r"is a zip archive but not a workbook"),
    Case("truncated.xlsx", _damaged, r"is damaged or not a real workbook"),
    Case("secret.xlsx", _encrypted, r"is password-protected"),
    Case("binary.csv", _bytes(b"\x00\x01\x02binary\x00" * 50), r"is not a text file"),
    Case(
        "big.csv",
        _csv_rows(good_rows(30)),
        r"is 0\.\d MB; the limit is 0\.0 MB",
        {"IMPORT_MAX_BYTES": 100},
        at_upload=True,
    ),
    # The workbook's own record of its size lies; every row is read all the same.
    Case("dimension-short.xlsx", _xlsx(good_rows(10), sheet=_dimension("A1:E3")), "", rows=10),
    Case(
        "dimension-hides-rows.xlsx",
        _xlsx(good_rows(30), sheet=_dimension("A1:E3")),
        r"has 30 rows; one import takes at most 20",
        {"IMPORT_MAX_ROWS": 20},
    ),
    Case(
        "far-cell.xlsx",
        _xlsx(good_rows(), sheet=_far_cell("XFD1048576")),
        r"needs more memory to read than an import may use",
    ),
    Case(
        "wide-grid.xlsx",
        _xlsx(good_rows(), sheet=_far_cell("ZZ5000")),
        r"spans 5000 rows × 702 columns, more than the 1000000 cells",
        {"IMPORT_MAX_CELLS": 1_000_000},
    ),
    Case(
        "shared-strings.xlsx",
        lambda p: with_shared_strings(write_xlsx(p, good_rows()), 5000),
        r"holds more than 1000 different texts",
        {"IMPORT_MAX_SHARED_STRINGS": 1000},
    ),
    Case(
        "one-huge-string.xlsx",
        lambda p: with_shared_strings(write_xlsx(p, good_rows()), 1, "x" * 3_000_000),
        r"unpacks to more than 2\.0 MB \(in xl/sharedStrings\.xml\)",
        {"IMPORT_MAX_UNPACKED_BYTES": 2 * 1024 * 1024},
    ),
    Case(
        "stray-byte.csv",
        _bytes(
            "Call Id,Agent,Start time,Channel\nS-1,José,2026-11-03 10:00,phone\n".encode()
            + b"S-2,Jos\xe9,2026-11-03 10:00,phone\n"
        ),
        r"is not UTF-8 text: line 3, character 8 has the byte 0xE9",
    ),
    Case(
        "windows-1252.csv",
        _text("Call Id,Agent,Start time,Channel,Region\nW-1,ana,2026-11-03 10:00,phone,Málaga\n", "cp1252"),
        r"is not UTF-8 text: line 2, character 33 has the byte 0xE1",
    ),
    Case(
        "unterminated-quote.csv",
        _text(
            "Call Id,Agent,Start time,Channel\n"
            + 'Q-1,"ana,2026-11-03 10:00,phone\n'
            + "".join(f"Q-{i},ana,2026-11-03 10:00,phone\n" for i in range(2, 12))
        ),
        r"row 2 \(line 2\): a quote opens a value and is never closed",
    ),
    Case(
        "long-field.csv",
        _text("Call Id,Agent,Start time,Channel,Notes\nL-1,ana,2026-11-03 10:00,phone," + "n" * 5000 + "\n"),
        r"row 2 \(line 2\): a value is longer than 1000 characters",
        {"IMPORT_MAX_FIELD_CHARS": 1000},
    ),
    Case(
        "same-header.csv",
        _csv_rows([[*HEADER, "Talk time"], ["D-1", "ana", "2026-11-03 10:00", "phone", "1:00", "2:00"]]),
        r"columns E and F are both headed “Talk time”",
    ),
    Case("nan.csv", _header_and_values(**{"Talk time": "NaN"}), r"“NaN” is not a duration"),
    Case("infinity.csv", _header_and_values(CSAT="inf"), r"“inf” is not a whole number from 1 to 5"),
    Case("snan.csv", _header_and_values(CSAT="sNaN"), r"“sNaN” is not a whole number from 1 to 5"),
    Case(
        "year-1.csv",
        _header_and_values(**{"Start time": "0001-01-01 00:00"}),
        r"The year 1 is outside 1900–2199",
    ),
    Case(
        "year-9999.csv",
        _header_and_values(**{"Start time": "9999-12-31 23:59"}),
        r"The year 9999 is outside 1900–2199",
    ),
    Case(
        "long-text.csv",
        _header_and_values(Queue="q" * 101),
        r"Longer than 100 characters \(101\): shorten it",
    ),
    Case("nul.csv", _header_and_values(Queue="Bill\x00ing"), r"Contains a NUL character"),
    Case("huge-number.csv", _header_and_values(**{"Talk time": "1e400"}), r"“1e400” is not a duration"),
    # Files that are odd but right: they import, every row.
    Case(
        "utf16.csv",
        _bytes(codecs.BOM_UTF16_LE + "\n".join(",".join(r) for r in good_rows()).encode("utf-16-le")),
        "",
        rows=3,
    ),
    Case("bom.csv", _csv_rows(good_rows(), encoding="utf-8-sig"), "", rows=3),
    Case("tabs.txt", _csv_rows(good_rows(), delimiter="\t"), "", rows=3),
]
