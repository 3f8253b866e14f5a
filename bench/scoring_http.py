"""The scoring page under concurrent load: requests per second against a bare Django view
(/healthz/) served by the same gunicorn in the same run.

    python bench/scoring_http.py [--seconds 10] [--connections 16] [--workers 4]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/scoring_http.py

Needs wrk (apt-get install wrk). Target (issue 4): ratio >= 0.3.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from _setup import ROOT, django_with_fresh_database

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=int, default=10)
parser.add_argument("--connections", type=int, default=16)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--workers", type=int, default=4)
args = parser.parse_args()

if not shutil.which("wrk"):
    sys.exit("wrk is not installed (apt-get install wrk)")

SECRET = "bench-" + "x" * 60  # the server must read the session this process signs
os.environ["DJANGO_SECRET_KEY"] = SECRET
vendor = django_with_fresh_database("scoring_http")

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

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

session = SessionStore()
session["_auth_user_id"] = str(reviewer.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = reviewer.get_session_auth_hash()
session.create()

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
env = os.environ | {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SESSION_COOKIE_SECURE": "false",
    "DJANGO_CSRF_COOKIE_SECURE": "false",
}
# Static files as production serves them (WhiteNoise's manifest needs collectstatic).
subprocess.run(
    [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
)
server = subprocess.Popen(
    [sys.executable, "-m", "gunicorn", "qa_project.wsgi", "--bind", f"127.0.0.1:{port}",
     "--workers", str(args.workers), "--log-level", "warning"],
    cwd=ROOT, env=env, start_new_session=True,
)  # fmt: skip
base = f"http://127.0.0.1:{port}"
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    page = f"{base}/reviews/{review.pk}/score/"
    request = urllib.request.Request(page, headers={"Cookie": f"sessionid={session.session_key}"})
    with urllib.request.urlopen(request) as response:
        body = response.read().decode()
        assert response.status == 200 and "States product information accurately" in body, (
            "not the scoring page"
        )

    def rps(url: str) -> float:
        out = subprocess.run(
            ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s",
             "-H", f"Cookie: sessionid={session.session_key}", url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        if "Non-2xx" in out:
            raise SystemExit(f"errors while loading {url}:\n{out}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    rps(f"{base}/healthz/")  # warm up every worker
    bare = rps(f"{base}/healthz/")
    small = rps(f"{base}/notifications/")  # the smallest logged-in page: session, user, base layout
    scoring = rps(page)
finally:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=10)

print(
    f"database: {vendor}; gunicorn {args.workers} workers; wrk {args.threads} threads, {args.connections} connections, {args.seconds} s"
)
print(f"bare Django view (/healthz/): {bare:8.1f} requests/s")
print(f"notifications (empty list):   {small:8.1f} requests/s  (ratio {small / bare:.2f})")
print(f"scoring page:                 {scoring:8.1f} requests/s")
print(f"ratio scoring / bare:         {scoring / bare:.2f}  (target >= 0.3)")
