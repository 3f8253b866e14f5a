"""The list pages and dashboards under concurrent load, against the smallest logged-in page
(notifications: session, user, base layout) served by the same gunicorn in the same run.

    python bench/pages_http.py [--seconds 10] [--connections 32] [--workers 4] [--agents 20] [--rounds 3]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/pages_http.py

Needs wrk (apt-get install wrk). Target (issue 10): every page >= 0.5 x the smallest page.
Each page is measured right after the smallest page, in several rounds, and the median of the
rounds' ratios is printed: on a shared machine the load drifts over a minute, and a ratio taken
from two moments far apart measures the drift.
"""

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys

from _setup import django_with_fresh_database
from http_server import SECRET

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--connections", type=int, default=32)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--workers", type=int, default=4)
parser.add_argument("--agents", type=int, default=20)
parser.add_argument("--rounds", type=int, default=3)
args = parser.parse_args()

if not shutil.which("wrk"):
    sys.exit("wrk is not installed (apt-get install wrk)")
os.environ["DJANGO_SECRET_KEY"] = SECRET
vendor = django_with_fresh_database("pages_http")

from http_server import fetch, gunicorn, rps, session_cookie  # noqa: E402
from month_data import reviewed_month  # noqa: E402

from coaching.services.records import records_rebuild  # noqa: E402
from core.models import Role, Team, User  # noqa: E402
from reviews.models import Review  # noqa: E402
from reviews.services import sample_draw  # noqa: E402

MONTH = dt.date(2026, 11, 1)
month = reviewed_month(agents=args.agents, reviews=15, interactions=60)
team = month.teams[0]
lead = User.objects.create(username="bench-lead", role=Role.LEAD)
Team.objects.filter(pk=team.pk).update(lead=lead)
manager = User.objects.get(username="bench-manager")
reviewer = User.objects.get(username="bench-reviewer")
agent = User.objects.filter(role=Role.AGENT, team=team).order_by("pk").first()
sample_draw(month=MONTH)  # the reviewer's queue: every agent's sample
records_rebuild(month=MONTH)
cookies = {u.username: session_cookie(u) for u in (manager, reviewer, lead, agent)}
pages = [
    ("queue (reviewer)", "/queue/?month=2026-11", reviewer),
    ("reviews list (manager)", "/reviews/", manager),
    ("team dashboard (lead)", f"/team/{team.pk}/?month=2026-11", lead),
    ("agent record (lead)", f"/records/agents/{agent.pk}/?month=2026-11", lead),
    ("my performance (agent)", "/my/performance/?month=2026-11", agent),
    ("programme (manager)", "/programme/?month=2026-11", manager),
]
print(
    f"database: {vendor}; {args.agents} agents, {Review.objects.count():,} reviews; gunicorn {args.workers} "
    f"workers; wrk {args.threads} threads, {args.connections} connections, {args.seconds} s"
)
with gunicorn(args.workers) as base:
    for _label, path, user in pages:
        fetch(base + path, cookies[user.username])  # each page answers 200 before it is measured

    def measure(path, user):
        return rps(
            base + path,
            cookies[user.username],
            seconds=args.seconds,
            connections=args.connections,
            threads=args.threads,
        )

    measure("/notifications/", lead)  # warm up every worker
    smalls, ratios = [], {label: [] for label, _p, _u in pages}
    for _round in range(args.rounds):
        for label, path, user in pages:
            small = measure("/notifications/", lead)
            smalls.append(small)
            ratios[label].append((measure(path, user) / small, small))
print(f"{'smallest logged-in page':28} {statistics.median(smalls):8.1f} requests/s (median of {len(smalls)})")
for label, values in ratios.items():
    value = statistics.median(r for r, _s in values)
    spread = ", ".join(f"{r:.2f}" for r, _s in values)
    print(f"ratio {label + ':':28} {value:5.2f}  (rounds: {spread}; target >= 0.5)")
