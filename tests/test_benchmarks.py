"""The benchmarks under bench/ still run end to end, at a tiny size. Their timings are not
checked here (shared machines are too noisy); what is checked is that each one completes its
work and prints its ratios."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def bench_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("BENCH_POSTGRES_URL", "DATABASE_URL")}
    env["BENCH_DIR"] = str(tmp_path)
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith("postgres"):  # the PostgreSQL pass benchmarks PostgreSQL too
        env["BENCH_POSTGRES_URL"] = database.rsplit("/", 1)[0]
    return env


def run_bench(script: str, env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        cwd=BENCH, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    vendor = "postgresql" if "BENCH_POSTGRES_URL" in env else "sqlite"
    assert re.search(f"^database: {vendor}", done.stdout, re.MULTILINE), done.stdout
    return done.stdout


def ratio(output: str, label: str) -> float:
    match = re.search(rf"^{re.escape(label)}\s+([0-9.]+)", output, re.MULTILINE)
    assert match, f"{label!r} missing from:\n{output}"
    return float(match.group(1))


def test_sampling_benchmark_draws_and_prints_its_floors(tmp_path):
    out = run_bench("sampling.py", bench_env(tmp_path), "--rows", "3000", "--agents", "30", "--runs", "1")
    assert "(450 items)" in out, out  # 30 agents × the minimum of 15
    assert ratio(out, "ratio draw / baseline:") > 0
    assert ratio(out, "ratio both floors / baseline:") > 0


def test_import_benchmark_imports_and_prints_its_ratio(tmp_path):
    out = run_bench("imports.py", bench_env(tmp_path), "--rows", "300", "--agents", "10")
    assert ratio(out, "ratio import / openpyxl:") > 0
    assert re.search(r"peak RSS: import process \d+ MB, reading process \d+ MB", out), out
    assert (tmp_path / ".import-300.xlsx").exists()


def test_records_benchmark_rebuilds_and_prints_its_ratio(tmp_path):
    out = run_bench(
        "records.py",
        bench_env(tmp_path),
        "--agents",
        "40",
        "--reviews",
        "3",
        "--interactions",
        "5",
        "--runs",
        "1",
    )
    assert ratio(out, "ratio rebuild / raw SQL:") > 0
    assert ratio(out, "ratio unchanged rebuild / raw SQL:") > 0
    assert ratio(out, "ratio reading / raw SQL:") > 0


def test_export_benchmark_exports_and_prints_its_ratio_and_memory(tmp_path):
    out = run_bench("export.py", bench_env(tmp_path), "--agents", "30", "--reviews", "4", "--runs", "1")
    assert "(30 rows" not in out and "(120 rows x" in out, out
    assert ratio(out, "ratio export / bare openpyxl:") > 0
    assert re.search(r"peak RSS of the export: \d+ MB", out), out


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed (apt-get install wrk)")
def test_pages_http_benchmark_serves_every_page_and_prints_ratios(tmp_path):
    out = run_bench(
        "pages_http.py",
        bench_env(tmp_path),
        "--seconds",
        "1",
        "--connections",
        "2",
        "--workers",
        "1",
        "--agents",
        "3",
        "--rounds",
        "1",
    )
    for label in ("queue (reviewer)", "team dashboard (lead)", "programme (manager)"):
        assert ratio(out, f"ratio {label}:") > 0


def test_reviews_list_benchmark_pages_every_order_and_prints_ratios(tmp_path):
    out = run_bench("reviews_list.py", bench_env(tmp_path), "--agents", "20", "--reviews", "3", "--runs", "1")
    assert "60 reviews" in out, out
    for label in ("default (unread first)", "date, oldest first", "score, highest first"):
        assert ratio(out, f"ratio {label} / primary-key order:") > 0


def test_autoqa_benchmark_checks_every_interaction_and_prints_its_ratio(tmp_path):
    out = run_bench("autoqa.py", bench_env(tmp_path), "--interactions", "600", "--agents", "10")
    assert "(3,600 verdicts" in out, out  # 600 interactions × 6 rules
    assert ratio(out, "ratio job / bare scan:") > 0
    assert re.search(r"peak RSS of the measuring process: \d+ MB", out), out
    assert re.search(r"peak Python memory of the job: \d+ MB", out), out
