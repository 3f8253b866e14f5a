"""The reading process: opens one spreadsheet under hard limits and streams its rows.

Run as a separate Python process (see `files.open_sheet`), never imported by Django code. It
sets its own memory and CPU limits before it touches the file, so a workbook that lies about
itself (a dimension record for 3 rows over 250,000, five million shared strings in 390 KB, one
cell at XFD1048576 that makes the parser allocate a 500 GB grid, a 500 MB string) costs this
process, not the worker: it is refused by the checks below, or it runs into the limit and dies,
and the worker reports that the file needs more than an import may use.

Protocol on stdout: frames of a 4-byte big-endian length and a pickled tuple:
  ("meta", {"sheet": name, "height": rows or 0})
  ("rows", [(row number, (value, ...)), ...])
  ("error", code, {params})   -- the parent words the message (translated)
  ("end",)

Values are plain Python: str, int, float, bool, datetime, date, time, timedelta, None.
"""

from __future__ import annotations

import codecs
import csv
import io
import pickle
import re
import struct
import sys
import zipfile

BATCH = 1000
# Reading a zip part stops once this much has been unpacked past the part's limit.
CHUNK = 1 << 20


class Refused(Exception):
    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


class Out:
    def __init__(self, stream):
        self.stream = stream

    def send(self, *message) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self.stream.write(struct.pack(">I", len(data)))
        self.stream.write(data)


def set_limits(memory: int, cpu: int) -> None:
    import resource

    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


# -- zip-based workbooks (.xlsx, .ods): bound the work before the parser sees the file ----------

XML_PARTS = re.compile(r"^(xl/worksheets/[^/]+\.xml|xl/sharedStrings\.xml|content\.xml)$", re.I)
SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")


def check_zip(path: str, *, max_unpacked: int, max_strings: int) -> str:
    """Return 'xlsx' or 'ods' once every part the parser will read is known to be within the
    limits; the sizes the zip states are checked first, then what really comes out of it."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused("damaged") from None
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            kind = "xlsx"
        elif "content.xml" in names:
            kind = "ods"
        else:
            raise Refused("zip_not_workbook")
        if len(names) > 10_000:
            raise Refused("unpacked_too_big", part="(10,000+ parts)", limit=max_unpacked)
        parts = [i for i in archive.infolist() if XML_PARTS.match(i.filename)]
        if sum(i.file_size for i in parts) > max_unpacked:
            big = max(parts, key=lambda i: i.file_size)
            raise Refused("unpacked_too_big", part=big.filename, limit=max_unpacked)
        total = 0
        for info in parts:
            strings = 0
            tail = b""
            try:
                with archive.open(info) as part:
                    while chunk := part.read(CHUNK):
                        total += len(chunk)
                        if total > max_unpacked:
                            raise Refused("unpacked_too_big", part=info.filename, limit=max_unpacked)
                        window = tail + chunk
                        if info.filename.lower().endswith("sharedstrings.xml"):
                            strings += len(SHARED_STRING.findall(window)) - len(SHARED_STRING.findall(tail))
                            if strings > max_strings:
                                raise Refused("too_many_strings", count=max_strings)
                        tail = chunk[-64:]
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
                if isinstance(exc, RuntimeError) and "password" in str(exc).lower():
                    raise Refused("encrypted") from None
                raise Refused("damaged") from None
        return kind


ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def read_workbook(path: str, kind: str, out: Out, *, max_rows: int, max_cells: int) -> None:
    import python_calamine as pc

    if kind == "xls":
        # A password-protected .xlsx is an OLE file too, holding one "EncryptedPackage" stream.
        with open(path, "rb") as fh:
            if ENCRYPTED in fh.read(1 << 20):
                raise Refused("encrypted")

    try:
        workbook = pc.CalamineWorkbook.from_path(path)
        names = workbook.sheet_names
        if not names:
            raise Refused("no_sheet")
        sheet = workbook.get_sheet_by_index(0)
    except Refused:
        raise
    except pc.PasswordError:
        raise Refused("encrypted") from None
    except Exception as exc:  # calamine's errors for a damaged file are many and varied
        raise Refused("damaged", reason=exc.__class__.__name__) from None
    height, width = sheet.height, sheet.width
    if height - 1 > max_rows:
        raise Refused("too_many_rows", rows=height - 1, limit=max_rows)
    if height * width > max_cells:
        raise Refused("too_many_cells", rows=height, columns=width, limit=max_cells)
    out.send("meta", {"sheet": sheet.name, "height": height})
    # The grid starts at the first cell that holds something: keep real row numbers and
    # column letters for the messages.
    first_row, first_column = sheet.start or (0, 0)
    pad = (None,) * first_column
    batch = []
    for number, row in enumerate(sheet.iter_rows(), start=first_row + 1):
        batch.append((number, pad + tuple(None if v == "" else v for v in row)))
        if len(batch) >= BATCH:
            out.send("rows", batch)
            batch = []
    if batch:
        out.send("rows", batch)


# -- text files ------------------------------------------------------------------------------------

BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(raw: bytes, encoding: str) -> str:
    """Strict UTF-8 (with or without a byte-order mark) unless the person chose an encoding;
    never a guess. A failure names the line and the byte."""
    chosen = encoding
    if not chosen:
        chosen = "utf-8"
        for bom, name in BOMS:
            if raw.startswith(bom):
                raw, chosen = raw[len(bom) :], name
                break
    try:
        return raw.decode(chosen)
    except LookupError:
        raise Refused("unknown_encoding", encoding=encoding) from None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise Refused(
            "not_utf8" if not encoding else "bad_encoding",
            encoding=chosen,
            line=line,
            column=column,
            byte=f"0x{raw[exc.start]:02X}",
        ) from None


def read_csv(path: str, out: Out, *, encoding: str, max_rows: int, max_field: int) -> None:
    with open(path, "rb") as fh:
        raw = fh.read()
    text = decode(raw, encoding)
    del raw
    sample = text[:65536]
    if sample.count("\x00") > len(sample) // 100:  # a stray NUL is a bad value, many are binary
        raise Refused("binary")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    csv.field_size_limit(max_field)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    out.send("meta", {"sheet": "", "height": text.count("\n") + (not text.endswith("\n"))})
    batch = []
    started = 1  # the line the current record starts on
    count = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            message = str(exc)
            if "field larger than field limit" in message:
                raise Refused("field_too_long", row=count + 1, line=started, limit=max_field) from None
            if "unexpected end of data" in message or "EOF" in message:
                raise Refused("unterminated_quote", row=count + 1, line=started) from None
            raise Refused("csv_error", row=count + 1, line=reader.line_num, reason=message) from None
        count += 1
        if count - 1 > max_rows:
            raise Refused("too_many_rows", rows=f"{max_rows}+", limit=max_rows)
        # Rows are numbered as a spreadsheet program shows them; lines only for text errors.
        batch.append((count, tuple(None if v == "" else v for v in row)))
        started = reader.line_num + 1
        if len(batch) >= BATCH:
            out.send("rows", batch)
            batch = []
    if batch:
        out.send("rows", batch)


def main(argv: list[str]) -> int:
    path, kind, encoding = argv[1], argv[2], argv[3]
    limits = dict(item.split("=", 1) for item in argv[4:])
    number = {k: int(v) for k, v in limits.items()}
    out = Out(sys.stdout.buffer)
    try:
        set_limits(number["memory"], number["cpu"])
        if kind == "csv":
            read_csv(path, out, encoding=encoding, max_rows=number["rows"], max_field=number["field"])
        else:
            if kind == "zip":
                kind = check_zip(
                    path,
                    max_unpacked=number["unpacked"],
                    max_strings=number["strings"],
                )
            read_workbook(path, kind, out, max_rows=number["rows"], max_cells=number["cells"])
    except Refused as exc:
        out.send("error", exc.code, exc.params)
    except MemoryError:
        out.send("error", "memory", {})
    out.send("end")
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
