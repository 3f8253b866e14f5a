"""Agreement for a month against the records rebuild of the same month.

    python bench/agreement.py [--agents 5000] [--reviews 20] [--share 5]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/agreement.py

Target (issue 18): Krippendorff's alpha for every rubric, section and criterion of a month of
100,000 reviews with 5 % scored twice, each with its bootstrapped 95 % interval (1,000 resamples),
in less time than rebuilding that month's records (every record written).
"""

import argparse
import datetime as dt
import random
import time

from _setup import django_with_fresh_database

parser = argparse.ArgumentParser()
parser.add_argument("--agents", type=int, default=5000)
parser.add_argument("--reviews", type=int, default=20)
parser.add_argument("--share", type=float, default=5.0)
args = parser.parse_args()

vendor = django_with_fresh_database("agreement")

from month_data import copy, reviewed_month  # noqa: E402

from coaching.models import PerformanceRecord  # noqa: E402
from coaching.services.records import records_rebuild  # noqa: E402
from core.models import Role, User  # noqa: E402
from reviews.models import CriterionResult, Review, ReviewKind, SectionResult  # noqa: E402
from reviews.selectors.agreement import agreement_figures  # noqa: E402
from reviews.services.results import results_of  # noqa: E402
from reviews.services.reviewing import review_result, score_fields  # noqa: E402
from scoring.selectors import rubric_spec_pinned  # noqa: E402

MONTH = dt.date(2026, 11, 1)
t0 = time.perf_counter()
month = reviewed_month(agents=args.agents, reviews=args.reviews, interactions=args.reviews)
print(f"database: {vendor}; set-up: {time.perf_counter() - t0:.1f} s ({month.reviews:,} reviews)")

# The second scores: every (100 / share)th review scored again by another reviewer, who agrees
# on most criteria and differs on a few (one scale criterion, lenient by a point, often).
t0 = time.perf_counter()
second = User.objects.create(username="bench-second", role=Role.REVIEWER)
rng = random.Random(11)
step = round(100 / args.share)
firsts = list(Review.objects.order_by("pk")[::step])
spec = rubric_spec_pinned(firsts[0].rubric)
made, pending = [], []
for first in firsts:
    answers = dict(first.answers)
    for c in spec.criteria():
        low, high = c.bounds()
        if rng.random() < 0.12:
            if c.answer_type == "yes_no":
                answers[c.key] = "yes" if answers[c.key] == "no" else "no"
            else:
                answers[c.key] = min(high, max(low, int(answers[c.key]) + rng.choice([-1, 1])))
    probe = Review(rubric=first.rubric, answers=answers)
    made.append(Review(
        kind=ReviewKind.SECOND, second_of=first, interaction_id=first.interaction_id, agent_id=first.agent_id,
        reviewer=second, rubric=first.rubric, status="submitted", answers=answers, submitted_at=first.submitted_at,
        released_at=first.released_at, **score_fields(review_result(probe, answers)),
    ))  # fmt: skip
    pending.append(results_of(probe))
Review.every_kind.bulk_create(made, batch_size=2000)
ids = list(Review.every_kind.filter(kind=ReviewKind.SECOND).order_by("pk").values_list("pk", flat=True))
CriterionResult.objects.bulk_create(
    [copy(r, review_id=pk) for pk, (rows, _s) in zip(ids, pending, strict=True) for r in rows],
    batch_size=5000,
)
SectionResult.objects.bulk_create(
    [copy(r, review_id=pk) for pk, (_c, rows) in zip(ids, pending, strict=True) for r in rows],
    batch_size=5000,
)
print(f"second scores: {len(made):,} ({time.perf_counter() - t0:.1f} s)")

PerformanceRecord.objects.all().delete()
started = time.perf_counter()
records_rebuild(month=MONTH)
rebuild = time.perf_counter() - started

started = time.perf_counter()
figures = agreement_figures(MONTH)
elapsed = time.perf_counter() - started
rows = [r for rubric in figures for r in (*rubric["rows"], *rubric["criteria"])]
assert figures and all(r["units"] == len(made) for r in rows if r["kind"] == "total"), figures
assert all(r["low"] is not None for r in rows if r["alpha"] is not None)
worst = min(
    (r for rubric in figures for r in rubric["criteria"] if r["alpha"] is not None), key=lambda r: r["alpha"]
)
print(
    f"agreement figures: {len(rows)} alphas (total, sections, criteria), each with 1,000 bootstrap resamples"
)
print(f"least agreement: {worst['label']} α = {worst['alpha']:.3f} ({worst['units']} units)")
print(f"records rebuild of the month: {rebuild:.3f} s")
print(f"agreement of the month:       {elapsed:.3f} s")
print(f"ratio agreement / rebuild:    {elapsed / rebuild:.2f}  (target < 1)")
