"""The scoring page under concurrent load: requests per second against a bare Django view
(/healthz/) served by the same gunicorn in the same run.

    python bench/scoring_http.py [--seconds 10] [--connections 16] [--workers 4]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/scoring_http.py

Needs wrk (apt-get install wrk). Target (issue 4): ratio >= 0.3.
"""

import argparse
import os
import shutil
import sys

from _setup import django_with_fresh_database
from http_server import SECRET, fetch, gunicorn, rps, session_cookie

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--connections", type=int, default=16)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--workers", type=int, default=4)
args = parser.parse_args()

if not shutil.which("wrk"):
    sys.exit("wrk is not installed (apt-get install wrk)")

os.environ["DJANGO_SECRET_KEY"] = SECRET
vendor = django_with_fresh_database("scoring_http")


from core.models import Role, Team, User  # noqa: E402
from reviews import services  # noqa: E402
from scoring import services as scoring_services  # noqa: E402
from tests.factories import make_assignment  # noqa: E402

manager = User.objects.create(username="bench-manager", role=Role.MANAGER)
reviewer = User.objects.create(username="bench-reviewer", role=Role.REVIEWER, first_name="Bench")
team = Team.objects.create(name="Bench")
agent = User.objects.create(username="bench-agent", role=Role.AGENT, team=team)
rubric = scoring_services.rubric_create_from_template(actor=manager, template_key="default")
scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))

cookie = session_cookie(reviewer)
with gunicorn(args.workers) as base:
    page = f"{base}/reviews/{review.pk}/score/"
    assert "States product information accurately" in fetch(page, cookie), "not the scoring page"

    def measure(url: str) -> float:
        return rps(url, cookie, seconds=args.seconds, connections=args.connections, threads=args.threads)

    measure(f"{base}/healthz/")  # warm up every worker
    bare = measure(f"{base}/healthz/")
    small = measure(f"{base}/notifications/")  # the smallest logged-in page: session, user, base layout
    scoring = measure(page)

print(
    f"database: {vendor}; gunicorn {args.workers} workers; wrk {args.threads} threads, {args.connections} connections, {args.seconds} s"
)
print(f"bare Django view (/healthz/): {bare:8.1f} requests/s")
print(f"notifications (empty list):   {small:8.1f} requests/s  (ratio {small / bare:.2f})")
print(f"scoring page:                 {scoring:8.1f} requests/s")
print(f"ratio scoring / bare:         {scoring / bare:.2f}  (target >= 0.3)")
