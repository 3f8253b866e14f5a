"""Exporting reviews to Excel against a bare openpyxl write-only workbook of the same cells.

    python bench/export.py [--agents 5000] [--reviews 20]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/export.py

Target (issue 10): the report's Reviews sheet for 100,000 reviews (read from the database,
typed, escaped, saved) <= 1.5 x openpyxl write-only writing the same cells from memory, in the
same run; peak RSS of the export <= 200 MB. The export runs in a fresh process (the set-up's
own memory would otherwise count), which prints its peak RSS.
"""

import argparse
import os
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--agents", type=int, default=5000)
parser.add_argument("--reviews", type=int, default=20)
parser.add_argument("--runs", type=int, default=2)
parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # the child process
args = parser.parse_args()

if not args.measure:
    from _setup import WORK, django_with_fresh_database

    vendor = django_with_fresh_database("export")
    from month_data import reviewed_month

    print(f"database: {vendor}; {args.agents * args.reviews:,} released reviews to export")
    t0 = time.perf_counter()
    month = reviewed_month(agents=args.agents, reviews=args.reviews, interactions=args.reviews)
    print(f"set-up: {time.perf_counter() - t0:.1f} s ({month.reviews:,} reviews)")
    child = subprocess.run(
        [sys.executable, __file__, "--measure", "--runs", str(args.runs)],
        env={**os.environ, "BENCH_OUT": str(WORK)}, capture_output=True, text=True, timeout=3000,
    )  # fmt: skip
    sys.stdout.write(child.stdout)
    if child.returncode:
        sys.exit(child.stderr[-3000:])
    sys.exit(0)

# -- the child: a fresh process on the same database -----------------------------------------------
import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_project.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

import datetime as dt  # noqa: E402
from pathlib import Path  # noqa: E402

from openpyxl import Workbook  # noqa: E402

from coaching.services.reports import RELEASED, _reviews  # noqa: E402
from reviews.models import Review  # noqa: E402

OUT = Path(os.environ["BENCH_OUT"])
MONTH = dt.date(2026, 11, 1)
reviews = Review.objects.filter(status__in=RELEASED, interaction__local_month=MONTH).order_by("pk")


def export() -> float:
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    written = _reviews(workbook, reviews, None)
    workbook.save(OUT / ".export-ours.xlsx")
    assert written == reviews.count()
    return time.perf_counter() - started


def peak_rss_mb() -> int:
    """This process's peak resident memory (VmHWM: ru_maxrss would carry the parent's peak
    across exec)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) // 1024


times = [export()]
rss_export = peak_rss_mb()  # one export's peak
times += [export() for _ in range(args.runs - 1)]
ours = min(times)

# The same cells, already in memory, written by openpyxl alone.
from openpyxl import load_workbook  # noqa: E402

cells = [
    list(row)
    for row in load_workbook(OUT / ".export-ours.xlsx", read_only=True)["Reviews"].iter_rows(values_only=True)
]


def bare() -> float:
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Reviews")
    for row in cells:
        sheet.append(row)
    workbook.save(OUT / ".export-bare.xlsx")
    return time.perf_counter() - started


base = min(bare() for _ in range(args.runs))
print(
    f"bare openpyxl write-only, same cells: {base:.3f} s  ({len(cells) - 1:,} rows x {len(cells[0])} columns)"
)
print(f"export from the database:            {ours:.3f} s")
print(f"ratio export / bare openpyxl:        {ours / base:.2f}  (target <= 1.5)")
print(f"peak RSS of the export: {rss_export} MB  (target <= 200)")
