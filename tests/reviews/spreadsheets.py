"""Real spreadsheet files for tests, written with openpyxl (and csv)."""

import csv
import re
import zipfile
from pathlib import Path

import openpyxl


def write_xlsx(
    path: Path,
    rows: list[list],
    *,
    formats: dict[str, str] | None = None,
    cached: dict[str, object] | None = None,
) -> Path:
    """Write rows (the first is the header) to an .xlsx.

    `formats` sets number formats by column letter (e.g. {"E": "mm:ss"}). `cached` gives the
    value a spreadsheet program would have saved for a formula cell (e.g. {"F2": 120}):
    openpyxl writes formulas without results, so the file is patched the way Excel saves it.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for letter, fmt in (formats or {}).items():
        for cell in sheet[letter][1:]:
            cell.number_format = fmt
    workbook.save(path)
    if cached:
        _add_cached_values(path, cached)
    return path


def _add_cached_values(path: Path, cached: dict[str, object]) -> None:
    with zipfile.ZipFile(path) as zin:
        items = {name: zin.read(name) for name in zin.namelist()}
    xml = items["xl/worksheets/sheet1.xml"].decode()
    for ref, value in cached.items():
        xml = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>.*?</f>)(<v>.*?</v>|<v\s*/>)?', rf"\1\2<v>{value}</v>", xml)
    items["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items.items():
            zout.writestr(name, data)


def write_csv(path: Path, rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def write_xls(path: Path, rows: list[list]) -> Path:
    """The old binary .xls format (BIFF8), as contact-centre systems still export it."""
    import datetime as dt

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Export")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, rows: list[list]) -> Path:
    """An OpenDocument spreadsheet (LibreOffice's own format)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Export")
    for row in rows:
        tr = TableRow()
        for value in row:
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            if value is not None:
                cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path
