"""Dashboards: who may see which page (permission table), what they show, and flat query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from coaching.services.records import records_rebuild
from tests.coaching.conftest import NOV
from tests.conftest import count_queries
from tests.factories import AgentFactory, TeamFactory, make_interaction

pytestmark = pytest.mark.django_db

PERSONAS = ("manager", "lead", "other_lead", "agent", "outsider", "reviewer")


@pytest.fixture
def month_of_records(agent, outsider, release):
    release(agent)
    release(agent, c2="1")
    release(outsider, c3="no")
    make_interaction(
        agent, dt.datetime(2026, 11, 4, 9), "phone", wait_seconds=12, csat=5, first_contact_resolved=True
    )
    records_rebuild(month=NOV)


def urls(team, agent):
    return {
        "team": reverse("coaching:team_dashboard", args=[team.pk]) + "?month=2026-11",
        "agent_record": reverse("coaching:agent_record", args=[agent.pk]) + "?month=2026-11",
        "mine": reverse("coaching:my_performance") + "?month=2026-11",
        "programme": reverse("coaching:programme") + "?month=2026-11",
        "team_home": reverse("coaching:team_home"),
    }


# page -> persona -> status. Not allowed to see it: 404; the wrong role for the page: 403.
TABLE = {
    "team": {"manager": 200, "lead": 200, "other_lead": 404, "agent": 403, "outsider": 403, "reviewer": 403},
    "agent_record": {
        "manager": 200,
        "lead": 200,
        "other_lead": 404,
        "agent": 200,
        "outsider": 404,
        "reviewer": 403,
    },
    "mine": {"manager": 403, "lead": 403, "other_lead": 403, "agent": 200, "outsider": 200, "reviewer": 403},
    "programme": {
        "manager": 200,
        "lead": 403,
        "other_lead": 403,
        "agent": 403,
        "outsider": 403,
        "reviewer": 403,
    },
    "team_home": {
        "manager": 200,
        "lead": 302,
        "other_lead": 302,
        "agent": 403,
        "outsider": 403,
        "reviewer": 403,
    },
}


@pytest.mark.parametrize("page", TABLE)
def test_permission_table(client, request, team, agent, other_lead, month_of_records, page):
    url = urls(team, agent)[page]
    for persona in PERSONAS:
        client.force_login(request.getfixturevalue(persona))
        assert client.get(url).status_code == TABLE[page][persona], (page, persona)
        if TABLE[page][persona] == 200:
            assert client.post(url).status_code == 405
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_team_dashboard_shows_each_agent_with_n_and_the_attention_list(
    client, lead, team, agent, month_of_records
):
    mate = AgentFactory(username="mate", team=team, first_name="Mona", last_name="Mate")
    client.force_login(lead)
    body = client.get(urls(team, agent)["team"]).content.decode()
    assert str(agent) in body and "Mona Mate" in body
    assert "90.00" in body  # the agent's mean: 95 and 85, n = 2
    assert "Needs attention" in body and "short sample: 2 reviews" in body
    assert 'data-chart="trend"' in body and 'id="team-trend"' in body
    # An agent without a review this month shows dashes, not zeros.
    row = body[body.index("Mona Mate") :]
    row = row[: row.index("</tr>")]
    assert "—" in row and ">0.00<" not in row
    assert mate.pk


def test_sorting_and_filtering_the_team_dashboard(client, lead, team, agent, month_of_records):
    AgentFactory(username="zed", team=team, first_name="Zed", last_name="Zero")
    client.force_login(lead)
    url = reverse("coaching:team_dashboard", args=[team.pk])
    by_qa = client.get(url, {"month": "2026-11", "sort": "qa", "desc": "1"}).content.decode()
    assert by_qa.index(str(agent)) < by_qa.index("Zed Zero")  # "—" sorts last either way
    flagged = client.get(url, {"month": "2026-11", "flag": "short_sample"}).content.decode()
    assert str(agent) in flagged
    bad = client.get(url, {"month": "2026-13", "sort": "nonsense"}, follow=True)
    assert bad.status_code == 200 and "is not valid" in bad.content.decode()


def test_the_agent_sees_their_record_with_the_team_median_and_no_other_name(
    client, agent, team, month_of_records
):
    other = AgentFactory(username="other", team=team, first_name="Olga", last_name="Other")
    from coaching.models import PerformanceRecord

    assert PerformanceRecord.objects.filter(agent=other).count() == 0
    records_rebuild(month=NOV)
    client.force_login(agent)
    body = client.get(urls(team, agent)["mine"]).content.decode()
    assert "My performance" in body and "Team median" in body
    assert "Olga" not in body and "outsider" not in body
    assert "Weakest criteria" in body and "Explains clearly" in body


def test_the_agent_record_links_weak_criteria_to_the_reviews_that_missed_them(
    client, manager, agent, team, month_of_records
):
    from reviews.models import Review

    missed = Review.objects.get(agent=agent, total="85.00")
    client.force_login(manager)
    body = client.get(urls(team, agent)["agent_record"]).content.decode()
    weak = body[body.index("Weakest criteria") :]
    weak = weak[: weak.index("</table>")]
    assert reverse("reviews:review_detail", args=[missed.pk]) in weak


def test_the_programme_page_shows_teams_reviewers_and_coverage(
    client, manager, team, agent, month_of_records
):
    client.force_login(manager)
    body = client.get(urls(team, agent)["programme"]).content.decode()
    assert "Teams side by side" in body and team.name in body
    assert "Scores given this month" in body and 'class="range"' in body


def test_the_team_dashboards_query_count_is_the_same_at_10_and_200_agents(client, manager, release, reviewer):
    client.force_login(manager)
    counts = []
    for size in (10, 200):
        team = TeamFactory(name=f"T{size}")
        agents = [AgentFactory(username=f"a{size}-{i}", team=team) for i in range(size)]
        release(agents[0])
        for a in agents[:5]:
            make_interaction(a, dt.datetime(2026, 11, 5, 10), "phone", wait_seconds=10)
        records_rebuild(month=NOV)
        url = reverse("coaching:team_dashboard", args=[team.pk])
        n, response = count_queries(lambda url=url: client.get(url, {"month": "2026-11"}))
        assert response.status_code == 200 and response.content.decode().count("<tr>") >= size
        counts.append(n)
    assert counts[0] == counts[1], counts


def test_in_the_first_week_of_a_month_the_pages_open_on_the_month_just_ended(client, lead, team, monkeypatch):
    from django.utils import timezone

    client.force_login(lead)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 3))
    assert "November 2026" in client.get(reverse("coaching:team_dashboard", args=[team.pk])).content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 8))
    assert "December 2026" in client.get(reverse("coaching:team_dashboard", args=[team.pk])).content.decode()


def test_the_cached_dashboards_follow_every_change(
    client, manager, lead, team, agent, release, month_of_records
):
    """Dashboard bodies are kept rendered (core.cache); a rebuilt record or a renamed agent shows
    at once, and a second look is served without the selector's queries."""
    client.force_login(manager)
    page = urls(team, agent)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        assert "90.00" in client.get(page["team"]).content.decode()  # 95 and 85, n = 2
    with CaptureQueriesContext(connection) as again:
        assert "90.00" in client.get(page["team"]).content.decode()
    assert len(again) < len(first)  # kept: the selector's queries are not run again

    release(agent, c2="1")  # a third review: 95, 85 and 85
    records_rebuild(month=NOV)
    from coaching.models import PerformanceRecord

    mean = PerformanceRecord.objects.get(level="agent", agent=agent, month=NOV).qa_mean
    assert mean != 90 and f"{mean:.2f}" in client.get(page["team"]).content.decode()
    assert f"{mean:.2f}" in client.get(page["agent_record"]).content.decode()
    assert "n = 4" in client.get(page["programme"]).content.decode()  # the reviewers' distribution

    agent.first_name, agent.last_name = "Renamed", "Person"
    agent.save()
    assert "Renamed Person" in client.get(page["team"]).content.decode()
    assert "Renamed Person" in client.get(page["agent_record"]).content.decode()


def test_a_cached_dashboard_carries_no_one_elses_form_token(lead, manager, team, agent, month_of_records):
    from django.test import Client

    url = urls(team, agent)["team"]
    first = Client(enforce_csrf_checks=True)
    first.force_login(manager)
    first.get(url)  # the body is now cached
    second = Client(enforce_csrf_checks=True)
    second.force_login(lead)
    body = second.get(url).content.decode()
    token = body.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = second.post(
        reverse("coaching:report_request"),
        {"month": "2026-11", "team": team.pk, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
