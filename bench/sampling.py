"""Sampler speed: the monthly draw against one plain GROUP BY over the same table.

    python bench/sampling.py [--rows 1000000] [--agents 2000]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/sampling.py

Target (issue 9): the draw <= 2 x the sum of the two floors below, measured in the same run
(issue 3's first target, <= 3 x `SELECT agent_id, COUNT(*) ... GROUP BY agent_id`, is printed too).

It also prints two floors measured in the same run: the least a stratified draw must read
(eligible interactions counted per agent, channel and week) and the least any draw must write
(the same sample items, by the draw's own write path). Their sum is what any draw on this schema pays.
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
from reviews.models import SampleItem, local_parts, sample_key  # noqa: E402
from reviews.sampling.draw import _Draw, draw_items  # noqa: E402
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
start = timezone.make_aware(dt.datetime(2026, 11, 1))
columns = (
    "source, source_id, agent_id, channel, queue, started_at, local_date, local_hour, local_month, local_week, "
    "answered, answered_known, wait_seconds, talk_seconds, hold_seconds, acw_seconds, handle_seconds, resolved, "
    "first_contact_resolved, escalated, repeat_contact, csat, nps, effort, customer_ref, transcript, "
    "recording_url, tags, extra, sample_key, created_at, updated_at"
)
now = timezone.now()
sql = f"INSERT INTO reviews_interaction ({columns}) VALUES ({', '.join(['%s'] * 32)})"
batch = []
with transaction.atomic(), connection.cursor() as cursor:
    for i in range(args.rows):
        when = start + dt.timedelta(seconds=rng.randrange(30 * 86400))
        local = local_parts(when)
        source_id = f"B{i}"
        talk, hold, acw = rng.randrange(20, 900), rng.randrange(0, 120), rng.randrange(0, 120)
        batch.append((
            "default", source_id, agent_ids[i % len(agent_ids)], rng.choice(channels), "", when, local["local_date"],
            local["local_hour"], local["local_month"], local["local_week"],
            rng.random() > 0.03, True, 10, talk, hold, acw, talk + hold + acw, None, None,
            rng.random() < 0.02, rng.random() < 0.05, rng.choice([None, None, None, 1, 2, 3, 4, 5, 5]), None, None,
            "", "", "", "[]", "{}", sample_key("default", source_id), now, now,
        ))  # fmt: skip
        if len(batch) == 20000:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)
with connection.cursor() as cursor:
    # Steady state: statistics gathered and (PostgreSQL) the visibility map set, as autovacuum
    # leaves a table some minutes after a bulk import.
    cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
print(f"set-up: {time.perf_counter() - t0:.1f} s")


def baseline():
    with connection.cursor() as cursor:
        cursor.execute("SELECT agent_id, COUNT(*) FROM reviews_interaction GROUP BY agent_id")
        cursor.fetchall()


policy = sampling_policy_get()
MONTH = dt.date(2026, 11, 1)


sizes = {}
drawn: list[tuple] = []


def draw():
    # The whole draw as the service runs it, rolled back so each run starts from scratch.
    with transaction.atomic():
        result = draw_items(month=MONTH, policy=policy)
        sizes["items"] = len(result.items)
        assert len(result.items) == SampleItem.objects.count() > 0
        drawn[:] = SampleItem.objects.values_list(
            "interaction_id", "agent_id", "kind", "stratum", "reason", "risk_score"
        )
        transaction.set_rollback(True)


def read_floor():
    # The least any stratified draw reads: each agent's eligible interactions counted per
    # channel and week (no time bands, no order, no risk).
    where, params = _Draw(MONTH, policy, None).eligible_where()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i.agent_id, i.channel, i.local_week, COUNT(*) FROM reviews_interaction i WHERE {where}"
            " GROUP BY i.agent_id, i.channel, i.local_week",
            params,
        )
        cursor.fetchall()


def write_floor():
    # The least any draw writes: the same sample items (the same interactions, scattered over
    # the table as a random sample is), by the draw's own fastest path, with nothing else.
    job = _Draw(MONTH, policy, None)
    with transaction.atomic(), connection.cursor() as cursor:
        job.rows = list(drawn)
        job.write(cursor)
        transaction.set_rollback(True)


base = best_of(args.runs, baseline)
ours = best_of(args.runs, draw)
reading = best_of(args.runs, read_floor)
writing = best_of(args.runs, write_floor)
floor = reading + writing
print(f"baseline GROUP BY agent:          {base:.3f} s")
print(f"monthly draw:                     {ours:.3f} s  ({sizes['items']:,} items)")
print(f"counting per agent/channel/week:  {reading:.3f} s  (the least a stratified draw reads)")
print(f"writing the same items alone:     {writing:.3f} s  (the least any draw writes)")
print(f"ratio draw / baseline:            {ours / base:.2f}  (issue 3's first target: <= 3)")
print(f"ratio reading floor / baseline:   {reading / base:.2f}")
print(f"ratio writing floor / baseline:   {writing / base:.2f}")
print(f"ratio both floors / baseline:     {floor / base:.2f}  (what any draw on this schema pays)")
print(f"ratio draw / both floors:         {ours / floor:.2f}  (target <= 2)")
