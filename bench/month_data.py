"""Bench set-up shared by records.py and export.py: one month of agents with released reviews
(scored by the engine: a pool of answer sets reused) and interactions with KPI fields, written in
bulk. Call after django_with_fresh_database()."""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from core.models import Role, Team, User
from reviews.models import CriterionResult, Interaction, Review, SectionResult, local_parts, sample_key
from reviews.services.results import results_of
from reviews.services.reviewing import review_result, score_fields
from scoring.selectors import rubric_spec_pinned
from scoring.services import rubric_create_from_template, rubric_publish


def copy(row, **changes):
    """An unsaved row like `row` with `changes` (the pool's rows, given to each review)."""
    fields = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key}
    return type(row)(**(fields | changes))


@dataclass
class Month:
    teams: list
    reviews: int
    interactions: int


def reviewed_month(*, agents: int, reviews: int, interactions: int) -> Month:
    manager = User.objects.create(username="bench-manager", role=Role.MANAGER)
    reviewer = User.objects.create(username="bench-reviewer", role=Role.REVIEWER)
    teams = Team.objects.bulk_create([Team(name=f"Team {i}") for i in range(max(1, agents // 20))])
    User.objects.bulk_create(
        [User(username=f"agent{i}", role=Role.AGENT, team=teams[i // 20 % len(teams)]) for i in range(agents)]
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
        probe = Review(rubric=rubric, answers=answers)
        rows = results_of(probe)
        pool.append((answers, score_fields(review_result(probe, answers)), rows))

    columns = (
        "source, source_id, agent_id, channel, queue, started_at, local_date, local_hour, local_month, local_week, "
        "answered, answered_known, wait_seconds, talk_seconds, hold_seconds, acw_seconds, handle_seconds, resolved, "
        "first_contact_resolved, escalated, repeat_contact, csat, nps, effort, customer_ref, transcript, "
        "recording_url, tags, extra, sample_key, created_at, updated_at"
    )
    now = timezone.now()
    start = timezone.make_aware(dt.datetime(2026, 11, 1))
    channels = ["phone"] * 5 + ["chat"] * 3 + ["email"] * 2
    rows = []
    for i in range(agents * interactions):
        when = start + dt.timedelta(seconds=rng.randrange(29 * 86400))
        local = local_parts(when)
        talk, hold, acw = rng.randrange(60, 900), rng.randrange(0, 120), rng.randrange(0, 120)
        answered = rng.random() > 0.03
        csat = rng.choice([None, None, 1, 2, 3, 4, 5, 5])
        resolved = rng.random() < 0.85
        rows.append((
            "bench", f"R{i}", agent_ids[i % agents], rng.choice(channels), "", when, local["local_date"],
            local["local_hour"], local["local_month"], local["local_week"], answered, True, rng.randrange(1, 90),
            talk, hold, acw, talk + hold + acw, resolved, resolved and rng.random() < 0.8, rng.random() < 0.03,
            rng.random() < 0.06, csat, rng.randrange(11) if csat else None, rng.randrange(1, 8) if csat else None,
            "", "", "", "[]", "{}", sample_key("bench", f"R{i}"), now, now,
        ))  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        sql = f"INSERT INTO reviews_interaction ({columns}) VALUES ({', '.join(['%s'] * 32)})"
        for chunk in range(0, len(rows), 20000):
            cursor.executemany(sql, rows[chunk : chunk + 20000])
    interactions = {}
    for pk, agent_id in Interaction.objects.order_by("pk").values_list("pk", "agent_id"):
        interactions.setdefault(agent_id, []).append(pk)
    made, results = [], []
    for agent_id in agent_ids:
        for interaction_id in interactions[agent_id][:reviews]:
            answers, fields, result_rows = rng.choice(pool)
            results.append(result_rows)
            made.append(
                Review(
                    interaction_id=interaction_id, agent_id=agent_id, reviewer=reviewer, rubric=rubric,
                    status="submitted", answers=answers, submitted_at=now, released_at=now, **fields,
                )
            )  # fmt: skip
    Review.objects.bulk_create(made, batch_size=2000)
    # Each review's rows per criterion and section, as the review services write them.
    ids = list(Review.objects.order_by("pk").values_list("pk", flat=True))
    criterion_rows, section_rows = [], []
    for pk, (criteria, sections) in zip(ids, results, strict=True):
        criterion_rows += [copy(row, review_id=pk) for row in criteria]
        section_rows += [copy(row, review_id=pk) for row in sections]
    CriterionResult.objects.bulk_create(criterion_rows, batch_size=5000)
    SectionResult.objects.bulk_create(section_rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return Month(teams=teams, reviews=len(made), interactions=len(rows))
