"""Security defaults: login lockout (per account and per address) with an unlock, API
throttling, the Content-Security-Policy, the API schema behind a login on a server, and error
pages in the site's layout."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def login(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_an_account_is_locked_after_repeated_failures_even_for_the_right_password(client, agent, settings):
    settings.AXES_COOLOFF_TIME = 0.5  # hours: the page says 30 minutes
    agent.set_password("right-pw")
    agent.save()
    statuses = [login(client, "agent", "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the last failure locks
    response = login(client, "agent", "right-pw", address="10.0.0.2")  # another address: still locked
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed logins" in body and "Access attempts" in body and "for 30 minutes" in body
    assert "_auth_user_id" not in client.session

    # An administrator unlocks it (the admin's Access attempts list: delete the rows).
    AccessAttempt.objects.filter(username="agent").delete()
    response = login(client, "agent", "right-pw", address="10.0.0.3")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_an_address_is_locked_after_failures_on_many_accounts(client, agent, manager, settings):
    manager.set_password("right-pw")
    manager.save()
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"guess{n}", "wrong", address="10.9.9.9")
    assert login(client, "manager", "right-pw", address="10.9.9.9").status_code == 429
    assert login(client, "manager", "right-pw", address="10.1.1.1").status_code == 302


def test_the_lockout_can_be_reset_with_a_command(client, agent, settings):
    from django.core.management import call_command

    agent.set_password("right-pw")
    agent.save()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "agent", "wrong")
    call_command("axes_reset_username", "agent")
    assert login(client, "agent", "right-pw", address="10.0.0.7").status_code == 302


def test_token_clients_are_throttled(manager, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "3/minute"})
    token = Token.objects.create(user=manager)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    statuses = [api.get("/api/interactions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "throttled" in api.get("/api/interactions/").data["message"].lower()


PAGES = ["/", "/queue/", "/reviews/", "/rubrics/", "/sampling/", "/imports/", "/notifications/", "/login/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_the_policy_and_no_inline_script_or_style(client, as_user, url):
    as_user("manager") if url != "/login/" else None
    response = client.get(url, follow=True)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"\sstyle\s*=", html), "inline style attribute"


def test_the_api_docs_work_under_the_policy(client, as_user):
    as_user("manager")
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


SERVER = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='qa_project.settings'; django.setup();"
    "from django.test import Client; c = Client();"
    "print(c.get('/api/schema/', secure=True).status_code, c.get('/api/docs/', secure=True).status_code,"
    " c.get('/api/docs/', secure=True).headers.get('Location', ''))"
)


def test_on_a_server_the_schema_and_docs_need_a_login():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    env |= {"DJANGO_SECRET_KEY": "s" * 60, "DJANGO_ALLOWED_HOSTS": "testserver"}
    result = subprocess.run(
        [sys.executable, "-c", SERVER], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    schema, docs, location = result.stdout.split()
    assert schema in ("401", "403") and docs == "302" and location.startswith("/login/")


def test_error_pages_are_in_the_sites_layout(client, as_user, draft_free_url="/rubrics/999999/"):
    as_user("reviewer")
    response = client.get(draft_free_url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is nothing here" in html and "Back to the home page" in html and 'aria-label="Main"' in html
    response = client.get("/imports/")  # a reviewer may not import
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html and 'aria-label="Main"' in html


def test_the_500_page_is_in_the_layout_without_a_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "Back to the home page" in html
