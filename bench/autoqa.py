"""Transcript rules over a month of interactions, as the job runs them (docs/autoqa.md).

    python bench/autoqa.py [--interactions 100000] [--lines 20] [--runs 1]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/autoqa.py

Target (issue 20): six rules over 100,000 interactions with transcripts of about 20 lines, at most
2 × a bare scan of the same text with the same compiled patterns measured in the same run; the
scan reads the transcripts from the database too, and searches each pattern once in each whole
text. The job also splits each transcript into turns, applies each rule's speaker and window, and
writes 600,000 verdicts with their lines.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
import tracemalloc

from _setup import django_with_fresh_database

parser = argparse.ArgumentParser()
parser.add_argument("--interactions", type=int, default=100_000)
parser.add_argument("--lines", type=int, default=20)
parser.add_argument("--agents", type=int, default=500)
parser.add_argument("--runs", type=int, default=1)
parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # the measuring process
args = parser.parse_args()

vendor = django_with_fresh_database("autoqa", fresh=not args.measure)

import datetime as dt  # noqa: E402

from autoqa_data import RULES, transcripts  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Role, User  # noqa: E402
from reviews.models import AutoVerdict, Interaction, TranscriptRule, local_parts, sample_key  # noqa: E402
from reviews.services.autoqa import autoqa_check  # noqa: E402
from scoring.models import Criterion  # noqa: E402
from scoring.services import rubric_create_from_template, rubric_publish  # noqa: E402

MONTH = dt.date(2026, 11, 1)


def set_up():
    t0 = time.perf_counter()
    manager = User.objects.create(username="bench-manager", role=Role.MANAGER)
    User.objects.bulk_create([User(username=f"agent{i}", role=Role.AGENT) for i in range(args.agents)])
    agent_ids = list(User.objects.filter(role=Role.AGENT).order_by("pk").values_list("pk", flat=True))
    rubric = rubric_create_from_template(actor=manager, template_key="default")
    rubric = rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    criteria = list(Criterion.objects.filter(section__rubric=rubric).order_by("pk"))
    for i, spec in enumerate(RULES):
        TranscriptRule.objects.create(
            name=f"rule {i}", lineage=rubric.lineage, criterion=criteria[i].identity, kind=spec.kind,
            phrases=list(spec.phrases), speaker=spec.speaker, where=spec.where, turns=spec.turns,
            until=list(spec.until), trigger=list(spec.trigger), seconds=spec.seconds,
        )  # fmt: skip
    texts = transcripts(args.interactions, args.lines)
    start = timezone.make_aware(dt.datetime(2026, 11, 1))
    now = timezone.now()
    channels = ("phone", "chat", "email")
    rows = []
    for i, text in enumerate(texts):
        when = start + dt.timedelta(seconds=(i * 7919) % (29 * 86400))
        local = local_parts(when)
        rows.append(Interaction(
            source="bench", source_id=f"A{i}", agent_id=agent_ids[i % len(agent_ids)], channel=channels[i % 3],
            started_at=when, talk_seconds=300, handle_seconds=300, transcript=text, sample_key=sample_key("bench", f"A{i}"),
            created_at=now, updated_at=now, **local,
        ))  # fmt: skip
    with transaction.atomic():
        Interaction.objects.bulk_create(rows, batch_size=5000)
    del rows
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    characters = sum(map(len, texts))
    del texts
    print(f"database: {vendor}; set-up: {time.perf_counter() - t0:.1f} s "
          f"({args.interactions:,} interactions, {characters / 1e6:.1f} M characters, {len(RULES)} rules)")  # fmt: skip


if not args.measure:
    set_up()
    # Measured in a process of its own: its peak memory is the job's, not the set-up's.
    done = subprocess.run([sys.executable, __file__, *sys.argv[1:], "--measure"], env=os.environ)
    sys.exit(done.returncode)

patterns = [p for r in TranscriptRule.objects.all() for spec in [r.spec()] for p in
            (spec.pattern(), spec.pattern("until"), spec.pattern("trigger")) if p]  # fmt: skip


def scan():
    """The baseline: read every transcript of the month and search each pattern in it."""
    hits = 0
    texts = (
        Interaction.objects.filter(local_month=MONTH)
        .exclude(transcript="")
        .values_list("transcript", flat=True)
    )
    for text in texts.iterator(chunk_size=2000):
        for pattern in patterns:
            hits += pattern.search(text) is not None
    return hits


def job():
    return autoqa_check(month=MONTH)


def best(fn):
    times, result = [], None
    for _ in range(args.runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


base, hits = best(scan)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
ours, result = best(job)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"database: {vendor}")
assert AutoVerdict.objects.count() == result.verdicts == args.interactions * len(RULES), result
print(f"bare scan (read + search): {base:.2f} s ({hits:,} pattern hits)")
print(f"job (read, judge, write):  {ours:.2f} s ({result.verdicts:,} verdicts, {result.failed:,} missed)")
print(f"peak RSS of the measuring process: {peak // 1024} MB (before the job: {before // 1024} MB; "
      "the bare scan before it, and the database's page cache, count in it)")  # fmt: skip
tracemalloc.start()
job()
print(f"peak Python memory of the job: {tracemalloc.get_traced_memory()[1] / 1e6:.0f} MB")
tracemalloc.stop()
print(f"ratio job / bare scan: {ours / base:.2f}")
