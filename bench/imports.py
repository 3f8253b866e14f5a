"""Import speed: a 100,000-row .xlsx through the whole import (read, check, write) against
openpyxl's read-only mode just reading the same file, in the same run; also calamine's bare
read of it, and the peak memory of the import (this process, and the reading process).

    python bench/imports.py [--rows 100000]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/imports.py

Targets (issue 9): full import <= 0.5 x openpyxl's read-only read; peak RSS <= 300 MB.
"""

import argparse
import datetime as dt
import random
import resource
import time
from pathlib import Path

from _setup import WORK, django_with_fresh_database

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=100_000)
parser.add_argument("--agents", type=int, default=300)
args = parser.parse_args()

vendor = django_with_fresh_database("imports")

import openpyxl  # noqa: E402

from core.models import Role, Team, User  # noqa: E402
from reviews.imports.pipeline import ImportOptions  # noqa: E402
from reviews.models import Interaction  # noqa: E402
from reviews.services import import_file_now  # noqa: E402

path = WORK / f".import-{args.rows}.xlsx"


def add_dimension(path: Path, ref: str) -> None:
    """openpyxl's write-only mode leaves out <dimension>, which Excel always writes; without it
    openpyxl parses the whole sheet once more just to size it. Put it in, as Excel would."""
    import zipfile

    with zipfile.ZipFile(path) as zin:
        items = {name: zin.read(name) for name in zin.namelist()}
    name = next(n for n in items if n.startswith("xl/worksheets/sheet"))
    xml = items[name].decode()
    for tag in ("<sheetViews", "<sheetFormatPr", "<cols", "<sheetData"):
        if tag in xml:
            xml = xml.replace(tag, f'<dimension ref="{ref}"/>' + tag, 1)
            break
    items[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item, data in items.items():
            zout.writestr(item, data)


if not path.exists():
    t0 = time.perf_counter()
    rng = random.Random(3)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Call Id", "Agent", "Date", "Time", "Channel", "Topic", "Answered (Y/N)", "Speed of answer in seconds",
                  "Talk time", "Hold time", "Wrap-up time", "Satisfaction rating", "Escalated", "Region", "Notes"])  # fmt: skip
    start = dt.date(2026, 11, 1)
    for i in range(args.rows):
        sheet.append([
            f"C{i:07d}", f"agent{i % args.agents}", start + dt.timedelta(days=i % 30), dt.time(rng.randrange(24), rng.randrange(60)),
            rng.choice(["Phone", "Chat", "E-mail"]), rng.choice(["Billing", "Refund", "Delivery"]), rng.choice(["Y", "Y", "N"]),
            rng.randrange(5, 200), f"{rng.randrange(1, 20)}:{rng.randrange(60):02d}", rng.randrange(0, 90), rng.randrange(10, 200),
            rng.choice([None, 1, 2, 3, 4, 5]), rng.choice(["no", "no", "yes"]), rng.choice(["North", "South"]), "note",
        ])  # fmt: skip
    workbook.save(path)
    add_dimension(path, f"A1:O{args.rows + 1}")
    print(f"wrote {path.name} in {time.perf_counter() - t0:.1f} s")

team = Team.objects.create(name="Bench")
User.objects.bulk_create([User(username=f"agent{i}", role=Role.AGENT, team=team) for i in range(args.agents)])


def read_only():
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return count


def calamine_read():
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sum(1 for _row in sheet.iter_rows())


def peak_mb(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


t0 = time.perf_counter()
checked, summary, _preview = import_file_now(actor=None, path=Path(path), options=ImportOptions(mapping={}))
ours = time.perf_counter() - t0
assert checked.ok, checked.errors[:3]
import_rss, reader_rss = peak_mb(resource.RUSAGE_SELF), peak_mb(resource.RUSAGE_CHILDREN)

t0 = time.perf_counter()
read_rows = read_only()
read = time.perf_counter() - t0
assert summary.created == args.rows == Interaction.objects.count() == read_rows - 1

t0 = time.perf_counter()
calamine_rows = calamine_read()
bare = time.perf_counter() - t0
assert calamine_rows == read_rows

print(f"database: {vendor}; {args.rows:,} rows x 15 columns")
print(f"openpyxl read-only read: {read:.2f} s")
print(f"calamine bare read:      {bare:.2f} s")
print(f"full import:             {ours:.2f} s")
print(f"ratio import / openpyxl: {ours / read:.2f}  (target <= 0.5)")
print(
    f"peak RSS: import process {import_rss:.0f} MB, reading process {reader_rss:.0f} MB  (target <= 300 MB)"
)
