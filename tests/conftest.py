import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Role
from tests.factories import AgentFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def english_unless_asked():
    """Each test starts in English: a page a test client fetched for a Chinese reader leaves
    Chinese active in the thread, and the next test's words would depend on the order."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def team(db):
    return TeamFactory(name="Team A")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Team B")


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role=Role.MANAGER)


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", role=Role.REVIEWER)


@pytest.fixture
def lead(team):
    return team.lead


@pytest.fixture
def agent(team):
    return AgentFactory(username="agent", team=team)


@pytest.fixture
def outsider(other_team):
    """An agent of another team."""
    return AgentFactory(username="outsider", team=other_team)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.MANAGER, is_superuser=True, is_staff=True)


PERSONAS = ("manager", "reviewer", "lead", "agent", "outsider", "admin_user")


@pytest.fixture
def as_user(client, request):
    """`as_user("manager")` logs the test client in as that persona and returns the user."""

    def login(persona: str):
        user = request.getfixturevalue(persona)
        client.force_login(user)
        return user

    return login


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Real hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background jobs run inline (see core.jobs.enqueue), uploads go to a throw-away folder.
    settings.JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test starts with an empty cache: job progress and API throttle counts stay its own.
    # (Not with Redis: the Celery broker shares it; ids there never repeat across tests.)
    from django.core.cache import cache

    if "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
        cache.clear()


TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Tests run on 20 November 2026, whatever the calendar says: pages and the demo that
    default to "this month" then agree with the November data the tests build (on the 1st of
    a month, "this month" would otherwise hold a single day). A test may move it again."""
    from django.utils import timezone

    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return real(value, timezone) if value is not None else TODAY

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    celery = "in-process (eager)" if settings.CELERY_TASK_ALWAYS_EAGER else settings.CELERY_BROKER_URL
    return [f"database: {engine}; celery: {celery}"]


def count_queries(call):
    """(number of SQL queries `call()` ran, its result). Query-count tests measure a page at two
    data sizes and assert the counts are equal: flat, not merely under a ceiling. The cache is
    emptied first, so both sizes are measured cold (core.cache keeps page parts and lists)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as context:
        result = call()
    return len(context.captured_queries), result
