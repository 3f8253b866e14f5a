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
