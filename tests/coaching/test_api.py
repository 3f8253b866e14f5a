"""/api/records/: the dashboards' figures with n and intervals, under the same visibility."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from coaching.services.records import records_rebuild
from core.models import Role
from tests.coaching.conftest import NOV
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def built(agent, outsider, release):
    release(agent)
    release(agent, c2="1")
    release(outsider)
    records_rebuild(month=NOV)


def owners(response):
    return sorted((r["level"], r["team"], r["agent"]) for r in response.json()["results"])


def test_each_person_sees_the_records_they_may_see(
    api, built, manager, lead, agent, outsider, reviewer, team
):
    api.force_authenticate(manager)
    everything = owners(api.get("/api/records/", {"month": "2026-11"}))
    assert ("programme", None, None) in everything and len(everything) == 5  # 2 agents, 2 teams, programme
    api.force_authenticate(lead)
    assert owners(api.get("/api/records/", {"month": "2026-11"})) == [
        ("agent", "Team A", "agent"),
        ("team", "Team A", None),
    ]
    api.force_authenticate(agent)
    assert owners(api.get("/api/records/")) == [("agent", "Team A", "agent")]
    api.force_authenticate(reviewer)
    assert api.get("/api/records/").status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/records/").status_code in (401, 403)
    # Another team's lead sees nothing of Team A.
    other = UserFactory(username="lead-b", role=Role.LEAD)
    outsider.team.lead = other
    outsider.team.save()
    api.force_authenticate(other)
    assert owners(api.get("/api/records/", {"team": team.pk})) == []


def test_the_figures_carry_n_and_the_interval_as_on_the_pages(api, built, manager, agent):
    api.force_authenticate(manager)
    (record,) = api.get("/api/records/", {"month": "2026-11", "level": "agent", "agent": agent.pk}).json()[
        "results"
    ]
    assert (record["reviews_n"], D(record["qa_mean"]), record["qa"]["n"]) == (2, D("90.00"), 2)
    assert D(record["qa_low"]) < D(record["qa_mean"]) < D(record["qa_high"])
    assert record["kpis"]["aht"]["n"] == 2 and record["composite_detail"]["scheme"] == "Phone"
    assert record["month"] == "2026-11"


def test_bad_filters_are_400_naming_the_parameter(api, manager):
    api.force_authenticate(manager)
    response = api.get("/api/records/", {"month": "November", "level": "galaxy"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"month", "level"}
    assert api.get("/api/records/", {"limit": 10_000}).status_code == 400


def test_records_are_in_the_schema_without_warnings(client, manager):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    client.force_login(manager)
    assert "/api/records/" in client.get("/api/schema/").content.decode()


def test_team_records_carry_their_queues(manager, agent, team):
    import datetime as dt

    from tests.factories import make_interaction

    make_interaction(agent, dt.datetime(2026, 11, 2, 10), "chat", queue="Returns", wait_seconds=12)
    records_rebuild(month=NOV)
    api = APIClient()
    api.force_authenticate(manager)
    (team_record,) = api.get("/api/records/", {"month": "2026-11", "level": "team"}).json()["results"]
    (queue,) = team_record["queues"]
    assert queue["queue"] == "Returns" and queue["offered"] == 1
    assert queue["service_level"] == {"value": "100.00", "n": 1}
