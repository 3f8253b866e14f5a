"""Sampler speed: the monthly draw against one plain GROUP BY over the same table.

    python bench/sampling.py [--rows 1000000] [--agents 2000]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/sampling.py

Target (issue 3): draw time <= 3 x `SELECT agent_id, COUNT(*) ... GROUP BY agent_id`.
"""

import argparse
import datetime as dt
import random
import time

from _setup import best_of, django_with_fresh_database

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=1_000_000)
parser.add_argument("--agents", type=int, default=2000)
parser.add_argument("--runs", type=int, default=3)
args = parser.parse_args()

vendor = django_with_fresh_database("sampling")

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Role, Team, User  # noqa: E402
from reviews.imports.pipeline import sample_key  # noqa: E402
from reviews.models import SampleItem  # noqa: E402
from reviews.sampling.draw import draw_items  # noqa: E402
from reviews.services.sampling import sampling_policy_get  # noqa: E402

print(f"database: {vendor}; {args.rows:,} interactions for {args.agents:,} agents in one month")
t0 = time.perf_counter()
team = Team.objects.create(name="Bench")
User.objects.bulk_create(
    [
        User(username=f"agent{i}", role=Role.AGENT, team=team, hired_on=dt.date(2020, 1, 1))
        for i in range(args.agents)
    ]
)
agent_ids = list(User.objects.filter(role=Role.AGENT).values_list("pk", flat=True))
rng = random.Random(7)
channels = ["phone"] * 5 + ["chat"] * 3 + ["email"] * 2
tz = timezone.get_current_timezone()
start = dt.datetime(2026, 11, 1, tzinfo=tz)
columns = (
    "source, source_id, agent_id, channel, queue, started_at, local_date, local_hour, answered, "
    "wait_seconds, talk_seconds, hold_seconds, acw_seconds, resolved, first_contact_resolved, escalated, "
    "repeat_contact, csat, nps, effort, customer_ref, transcript, recording_url, tags, extra, sample_key, "
    "created_at, updated_at"
)
now = timezone.now()
sql = f"INSERT INTO reviews_interaction ({columns}) VALUES ({', '.join(['%s'] * 28)})"
batch = []
with transaction.atomic(), connection.cursor() as cursor:
    for i in range(args.rows):
        when = start + dt.timedelta(seconds=rng.randrange(30 * 86400))
        local = when.astimezone(tz)
        source_id = f"B{i}"
        batch.append((
            "default", source_id, agent_ids[i % len(agent_ids)], rng.choice(channels), "", when, local.date(), local.hour,
            rng.random() > 0.03, 10, rng.randrange(20, 900), rng.randrange(0, 120), rng.randrange(0, 120), None, None,
            rng.random() < 0.02, rng.random() < 0.05, rng.choice([None, None, None, 1, 2, 3, 4, 5, 5]), None, None,
            "", "", "", "[]", "{}", sample_key("default", source_id), now, now,
        ))  # fmt: skip
        if len(batch) == 20000:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(f"set-up: {time.perf_counter() - t0:.1f} s")


def baseline():
    with connection.cursor() as cursor:
        cursor.execute("SELECT agent_id, COUNT(*) FROM reviews_interaction GROUP BY agent_id")
        cursor.fetchall()


policy = sampling_policy_get()


def draw():
    # The whole draw as the service runs it, rolled back so each run starts from scratch.
    with transaction.atomic():
        result = draw_items(month=dt.date(2026, 11, 1), policy=policy)
        assert len(result.items) == SampleItem.objects.count() > 0
        transaction.set_rollback(True)


base = best_of(args.runs, baseline)
ours = best_of(args.runs, draw)
print(f"baseline GROUP BY agent: {base:.3f} s")
print(f"monthly draw:            {ours:.3f} s")
print(f"ratio draw / baseline:   {ours / base:.2f}  (target <= 3)")
