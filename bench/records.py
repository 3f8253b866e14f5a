"""Rebuilding a month's performance records against raw SQL computing the same per-agent figures.

    python bench/records.py [--agents 2000] [--reviews 20] [--interactions 50]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/records.py

Target (issue 10): the rebuild (every agent's record, the team and programme rollups, written)
<= 2 x the baseline: plain SQL, measured in the same run, that computes the same per-agent
figures (QA count, mean, sum of squares, min, max, critical failures; each section's and each
criterion's sums; every KPI's counts and sums per channel) and returns them to Python.
"""

import argparse
import datetime as dt
import json
import random
import time

from _setup import best_of, django_with_fresh_database

parser = argparse.ArgumentParser()
parser.add_argument("--agents", type=int, default=2000)
parser.add_argument("--reviews", type=int, default=20)
parser.add_argument("--interactions", type=int, default=50)
parser.add_argument("--runs", type=int, default=3)
args = parser.parse_args()

vendor = django_with_fresh_database("records")

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from coaching.models import PerformanceRecord  # noqa: E402
from coaching.services.records import records_rebuild  # noqa: E402
from core.models import Role, Team, User  # noqa: E402
from reviews.models import Interaction, Review, local_parts, sample_key  # noqa: E402
from reviews.services.reviewing import review_result, score_fields  # noqa: E402
from scoring.selectors import rubric_spec_pinned  # noqa: E402
from scoring.services import rubric_create_from_template, rubric_publish  # noqa: E402

MONTH = dt.date(2026, 11, 1)
print(
    f"database: {vendor}; {args.agents:,} agents x {args.reviews} released reviews and "
    f"{args.interactions} interactions in one month"
)
t0 = time.perf_counter()
manager = User.objects.create(username="bench-manager", role=Role.MANAGER)
reviewer = User.objects.create(username="bench-reviewer", role=Role.REVIEWER)
teams = Team.objects.bulk_create([Team(name=f"Team {i}") for i in range(max(1, args.agents // 20))])
User.objects.bulk_create(
    [
        User(username=f"agent{i}", role=Role.AGENT, team=teams[i // 20 % len(teams)])
        for i in range(args.agents)
    ]
)
agent_ids = list(User.objects.filter(role=Role.AGENT).order_by("pk").values_list("pk", flat=True))
rubric = rubric_create_from_template(actor=manager, template_key="default")
rubric = rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
spec = rubric_spec_pinned(rubric)
rng = random.Random(5)

# A pool of scored answer sets (the engine's real output), reused across the reviews.
pool = []
for _ in range(60):
    answers = {}
    for c in spec.criteria():
        low, high = c.bounds()
        if c.answer_type == "yes_no":
            answers[c.key] = "no" if rng.random() < (0.02 if c.critical else 0.15) else "yes"
        else:
            answers[c.key] = rng.randint(max(low, high - 2), high)
    probe = Review(rubric=rubric)
    pool.append((answers, score_fields(review_result(probe, answers))))

columns = (
    "source, source_id, agent_id, channel, queue, started_at, local_date, local_hour, local_month, local_week, "
    "answered, wait_seconds, talk_seconds, hold_seconds, acw_seconds, handle_seconds, resolved, "
    "first_contact_resolved, escalated, repeat_contact, csat, nps, effort, customer_ref, transcript, "
    "recording_url, tags, extra, sample_key, created_at, updated_at"
)
now = timezone.now()
start = timezone.make_aware(dt.datetime(2026, 11, 1))
channels = ["phone"] * 5 + ["chat"] * 3 + ["email"] * 2
rows = []
for i in range(args.agents * args.interactions):
    when = start + dt.timedelta(seconds=rng.randrange(29 * 86400))
    local = local_parts(when)
    talk, hold, acw = rng.randrange(60, 900), rng.randrange(0, 120), rng.randrange(0, 120)
    answered = rng.random() > 0.03
    csat = rng.choice([None, None, 1, 2, 3, 4, 5, 5])
    resolved = rng.random() < 0.85
    rows.append((
        "bench", f"R{i}", agent_ids[i % args.agents], rng.choice(channels), "", when, local["local_date"],
        local["local_hour"], local["local_month"], local["local_week"], answered, rng.randrange(1, 90),
        talk, hold, acw, talk + hold + acw, resolved, resolved and rng.random() < 0.8, rng.random() < 0.03,
        rng.random() < 0.06, csat, rng.randrange(11) if csat else None, rng.randrange(1, 8) if csat else None,
        "", "", "", "[]", "{}", sample_key("bench", f"R{i}"), now, now,
    ))  # fmt: skip
with transaction.atomic(), connection.cursor() as cursor:
    sql = f"INSERT INTO reviews_interaction ({columns}) VALUES ({', '.join(['%s'] * 31)})"
    for chunk in range(0, len(rows), 20000):
        cursor.executemany(sql, rows[chunk : chunk + 20000])
interactions = {}
for pk, agent_id in Interaction.objects.order_by("pk").values_list("pk", "agent_id"):
    interactions.setdefault(agent_id, []).append(pk)
reviews = []
for agent_id in agent_ids:
    for interaction_id in interactions[agent_id][: args.reviews]:
        answers, fields = rng.choice(pool)
        reviews.append(
            Review(
                interaction_id=interaction_id, agent_id=agent_id, reviewer=reviewer, rubric=rubric,
                status="submitted", answers=answers, submitted_at=now, released_at=now, **fields,
            )
        )  # fmt: skip
Review.objects.bulk_create(reviews, batch_size=2000)
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
print(f"set-up: {time.perf_counter() - t0:.1f} s ({len(reviews):,} reviews, {len(rows):,} interactions)")

# -- the baseline: plain SQL computing the same per-agent figures ---------------------------------
if vendor == "postgresql":
    sections_sql = (
        "SELECT r.agent_id, s->>'key', COUNT(*), SUM((s->>'score')::numeric), SUM((s->>'target')::numeric),"
        " SUM(CASE WHEN (s->>'met')::boolean THEN 1 ELSE 0 END)"
        " FROM reviews_review r JOIN reviews_interaction i ON i.id = r.interaction_id"
        " CROSS JOIN LATERAL jsonb_array_elements(r.sections::jsonb) s"
        " WHERE r.status IN ('submitted', 'acknowledged') AND i.local_month = %s GROUP BY 1, 2"
    )
    criteria_sql = (
        "SELECT r.agent_id, c.key, COUNT(c.value), SUM((c.value #>> '{}')::numeric),"
        " SUM(CASE WHEN (c.value #>> '{}')::numeric = 100 THEN 1 ELSE 0 END)"
        " FROM reviews_review r JOIN reviews_interaction i ON i.id = r.interaction_id"
        " CROSS JOIN LATERAL jsonb_each(r.criteria::jsonb) c"
        " WHERE r.status IN ('submitted', 'acknowledged') AND i.local_month = %s AND c.value <> 'null'::jsonb GROUP BY 1, 2"
    )
else:
    sections_sql = (
        "SELECT r.agent_id, json_extract(s.value, '$.key'), COUNT(*), SUM(json_extract(s.value, '$.score')),"
        " SUM(json_extract(s.value, '$.target')), SUM(json_extract(s.value, '$.met'))"
        " FROM reviews_review r JOIN reviews_interaction i ON i.id = r.interaction_id, json_each(r.sections) s"
        " WHERE r.status IN ('submitted', 'acknowledged') AND i.local_month = %s GROUP BY 1, 2"
    )
    criteria_sql = (
        "SELECT r.agent_id, c.key, COUNT(c.value), SUM(c.value), SUM(CASE WHEN c.value = 100 THEN 1 ELSE 0 END)"
        " FROM reviews_review r JOIN reviews_interaction i ON i.id = r.interaction_id, json_each(r.criteria) c"
        " WHERE r.status IN ('submitted', 'acknowledged') AND i.local_month = %s AND c.value IS NOT NULL GROUP BY 1, 2"
    )
QUERIES = [
    (
        "SELECT r.agent_id, COUNT(*), SUM(r.total), SUM(r.total * r.total), MIN(r.total), MAX(r.total),"
        " SUM(r.raw_total), SUM(CASE WHEN r.critical_failed THEN 1 ELSE 0 END)"
        " FROM reviews_review r JOIN reviews_interaction i ON i.id = r.interaction_id"
        " WHERE r.status IN ('submitted', 'acknowledged') AND i.local_month = %s GROUP BY r.agent_id"
    ),
    sections_sql,
    criteria_sql,
    (
        "SELECT agent_id, channel, COUNT(*), SUM(CASE WHEN answered THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN answered THEN handle_seconds ELSE 0 END), SUM(CASE WHEN answered THEN hold_seconds ELSE 0 END),"
        " SUM(CASE WHEN answered THEN wait_seconds ELSE 0 END), COUNT(CASE WHEN answered THEN wait_seconds END),"
        " SUM(CASE WHEN first_contact_resolved THEN 1 ELSE 0 END), COUNT(first_contact_resolved),"
        " SUM(CASE WHEN resolved THEN 1 ELSE 0 END), COUNT(resolved), SUM(CASE WHEN csat >= 4 THEN 1 ELSE 0 END),"
        " SUM(csat), COUNT(csat), SUM(CASE WHEN nps >= 9 THEN 1 ELSE 0 END), SUM(CASE WHEN nps <= 6 THEN 1 ELSE 0 END),"
        " COUNT(nps), SUM(effort), COUNT(effort), SUM(CASE WHEN answered AND escalated THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN answered AND repeat_contact THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN answered AND wait_seconds <= 20 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN NOT answered OR wait_seconds IS NOT NULL THEN 1 ELSE 0 END)"
        " FROM reviews_interaction WHERE local_month = %s GROUP BY agent_id, channel"
    ),
]


def baseline():
    with connection.cursor() as cursor:
        for sql in QUERIES:
            cursor.execute(sql, [MONTH])
            cursor.fetchall()


def rebuild():
    PerformanceRecord.objects.all().delete()  # each run builds every record from nothing
    started = time.perf_counter()
    result = records_rebuild(month=MONTH)
    elapsed = time.perf_counter() - started
    assert result.created == args.agents + len(teams) + 1, result
    return elapsed


base = best_of(args.runs, baseline)
ours = min(rebuild() for _ in range(args.runs))
again = best_of(args.runs, lambda: records_rebuild(month=MONTH))  # idempotent: nothing written
record = PerformanceRecord.objects.filter(level="agent").order_by("pk").first()
assert record.reviews_n == args.reviews and record.figures["qa"]["criteria"], json.dumps(record.figures)[:300]
print(f"raw SQL, the same per-agent figures: {base:.3f} s")
print(f"rebuild, every record written:       {ours:.3f} s")
print(f"rebuild again, nothing changed:      {again:.3f} s")
print(f"ratio rebuild / raw SQL:             {ours / base:.2f}  (target <= 2)")
print(f"ratio unchanged rebuild / raw SQL:   {again / base:.2f}")
