"""Shared set-up for benchmarks: a throw-away database and Django configured against it."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Where the throw-away databases and files go (the tests point it at a temporary folder).
WORK = Path(os.environ.get("BENCH_DIR") or ROOT / "bench")
sys.path.insert(0, str(ROOT))


def django_with_fresh_database(name: str, *, fresh: bool = True) -> str:
    """Point Django at a new database (SQLite file under bench/, or a new PostgreSQL database
    when BENCH_POSTGRES_URL is set, e.g. postgres://postgres@127.0.0.1:5432) and migrate it.
    `fresh=False`: the one an earlier call made, as it is (a measuring process of its own)."""
    pg = os.environ.get("BENCH_POSTGRES_URL")
    if not fresh:
        os.environ["DATABASE_URL"] = (
            f"{pg}/qa_bench_{name}" if pg else f"sqlite:///{WORK / f'.{name}.sqlite3'}"
        )
    elif pg:
        import psycopg

        db = f"qa_bench_{name}"
        with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {db}")
            conn.execute(f"CREATE DATABASE {db}")
        os.environ["DATABASE_URL"] = f"{pg}/{db}"
    else:
        path = WORK / f".{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_project.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ["JOBS_INLINE"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    if fresh:
        call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
