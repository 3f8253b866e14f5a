"""The lead's workspace and planner pages: the flow through HTTP, who may see what, flat queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from coaching.models import ActionItem, CoachingSession, GrowNote, SessionStatus
from coaching.services import sessions as services
from coaching.services.records import records_rebuild
from core.models import Role
from tests.coaching.conftest import NOV
from tests.conftest import count_queries
from tests.factories import AgentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(lead, agent, release):
    release(agent, c2="1")
    records_rebuild(month=NOV)
    return services.session_plan(actor=lead, agent=agent)


def test_a_lead_lands_on_the_workspace_and_plans_holds_and_closes_a_1on1(client, lead, agent, release):
    release(agent, c3="no")  # a critical failure this week
    records_rebuild(month=NOV)
    client.force_login(lead)
    assert client.get(reverse("home")).url == reverse("coaching:workspace")
    body = client.get(reverse("coaching:workspace")).content.decode()
    assert str(agent) in body and "1-on-1s due" in body and "critical failure" in body
    response = client.post(reverse("coaching:session_plan", args=[agent.pk]))
    session = CoachingSession.objects.get(agent=agent)
    assert response.url == reverse("coaching:session_detail", args=[session.pk])
    page = client.get(response.url).content.decode()
    assert "Problem solving" in page and "Start the timer" in page and 'data-minutes="12"' in page
    url = reverse("coaching:session_note", args=[session.pk])
    assert (
        client.post(
            url, {"note-goal": "Verify identity first", "note-way_forward": "Checklist", "note-shared": "on"}
        ).status_code
        == 302
    )
    assert client.post(url, {"note-goal": "Private worry"}).status_code == 302  # unticked: private
    bad = client.post(url, {"note-reality": "only reality"})
    assert bad.status_code == 400 and "Write at least the goal" in bad.content.decode()
    items = reverse("coaching:session_item", args=[session.pk])
    assert (
        client.post(
            items,
            {
                "item-text": "Use the checklist",
                "item-owner": "agent",
                "item-due_on": "2026-11-27",
                "item-shared": "on",
            },
        ).status_code
        == 302
    )
    assert client.post(items, {"item-text": "", "item-owner": "agent", "item-due_on": ""}).status_code == 400
    agenda = client.post(
        reverse("coaching:session_agenda", args=[session.pk]),
        {"revision": session.revision, "review_minutes": 5, "review_points": "Praise the CSAT", "problems_minutes": 15,
         "problems_points": "", "development_minutes": 10, "development_points": ""},
    )  # fmt: skip
    assert agenda.status_code == 302
    session.refresh_from_db()
    assert [p["minutes"] for p in session.plan["parts"]] == [5, 15, 10]
    stale = client.post(reverse("coaching:session_close", args=[session.pk]), {"revision": 1}, follow=True)
    assert "changed this agenda" in stale.content.decode()
    closed = client.post(reverse("coaching:session_close", args=[session.pk]), {"revision": session.revision})
    assert closed.url == reverse("coaching:workspace")
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    assert GrowNote.objects.filter(session=session, shared=False).count() == 1
    (item,) = ActionItem.objects.filter(session=session)
    workspace = client.get(reverse("coaching:workspace")).content.decode()
    assert "Use the checklist" in workspace and "Done in the last two weeks" not in workspace
    client.force_login(agent)
    assert client.post(reverse("coaching:item_done", args=[item.pk])).status_code == 302
    client.force_login(lead)
    workspace = client.get(reverse("coaching:workspace")).content.decode()
    done = workspace.split("Done in the last two weeks", 1)[1].split("</ul>", 1)[0]
    assert "Use the checklist" in done and re.search(rf"marked done \d{{4}}-\d\d-\d\d by {agent}", done)


def test_follow_up_from_the_planner(client, lead, agent, planned):
    item = services.item_save(
        actor=lead, session=planned, data={"text": "Try it", "due_on": dt.date(2026, 11, 19)}
    )
    services.session_close(actor=lead, session=planned, expected_revision=planned.revision)
    following = services.session_plan(actor=lead, agent=agent, day=dt.date(2026, 11, 27))
    client.force_login(lead)
    page = client.get(reverse("coaching:session_detail", args=[following.pk])).content.decode()
    assert "Follow up earlier action items" in page and "Try it" in page
    url = reverse("coaching:session_follow_up", args=[following.pk, item.pk])
    assert client.post(url, {"outcome": "done"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "done"
    assert "no longer open" in client.post(url, {"outcome": "done"}, follow=True).content.decode()


PAGES = ("workspace", "detail")


@pytest.mark.parametrize(
    ("page", "persona", "status"),
    [
        ("workspace", "lead", 200), ("workspace", "manager", 200), ("workspace", "agent", 403),
        ("workspace", "reviewer", 403),
        ("detail", "lead", 200), ("detail", "manager", 200), ("detail", "other_lead", 404),
        ("detail", "agent", 403), ("detail", "reviewer", 403),
    ],
)  # fmt: skip
def test_page_permissions(client, request, planned, other_lead, page, persona, status):
    client.force_login(request.getfixturevalue(persona))
    url = (
        reverse("coaching:workspace")
        if page == "workspace"
        else reverse("coaching:session_detail", args=[planned.pk])
    )
    assert client.get(url).status_code == status
    assert client.delete(url).status_code == 405


@pytest.mark.parametrize("persona", ["other_lead", "agent", "reviewer"])
def test_no_one_else_writes_into_a_session(client, request, planned, agent, other_lead, persona):
    client.force_login(request.getfixturevalue(persona))
    expected = 404 if persona == "other_lead" else 403
    for name, data in (
        ("session_note", {"note-goal": "x"}),
        ("session_item", {"item-text": "x", "item-owner": "agent", "item-due_on": "2026-12-01"}),
        ("session_close", {"revision": planned.revision}),
    ):
        assert client.post(reverse(f"coaching:{name}", args=[planned.pk]), data).status_code == expected, name
    plan = client.post(reverse("coaching:session_plan", args=[agent.pk]))
    assert plan.status_code == expected
    assert not GrowNote.objects.exists() and CoachingSession.objects.count() == 1


def test_the_workspace_and_planner_keep_their_query_counts_at_8_and_80_agents(client, reviewer, release):
    counts = []
    for size in (8, 80):
        lead = UserFactory(username=f"lead{size}", role=Role.LEAD)
        team = TeamFactory(name=f"T{size}", lead=lead)
        agents = [AgentFactory(username=f"w{size}-{i}", team=team) for i in range(size)]
        release(agents[0], c3="no")
        records_rebuild(month=NOV)
        session = services.session_plan(actor=lead, agent=agents[0])
        services.item_save(actor=lead, session=session, data={"text": "x", "due_on": "2026-11-01"})
        client.force_login(lead)
        home, response = count_queries(lambda: client.get(reverse("coaching:workspace")))
        assert response.status_code == 200 and response.content.decode().count("<tr>") >= size
        planner, response = count_queries(
            lambda s=session: client.get(reverse("coaching:session_detail", args=[s.pk]))
        )
        assert response.status_code == 200
        counts.append((home, planner))
    assert counts[0] == counts[1], counts


def test_a_lead_sets_their_teams_cadence_and_the_due_dates_follow(
    client, lead, agent, team, other_team, other_lead
):
    from coaching.models import Cadence

    client.force_login(lead)
    assert "1-on-1 cadence of Team A" in client.get(reverse("coaching:workspace")).content.decode()
    url = reverse("coaching:cadence_save", args=[team.pk])
    assert client.post(url, {"every_days": 14, "minutes": 45}).status_code == 302
    assert (Cadence.objects.get(team=team).every_days, Cadence.objects.get(team=team).minutes) == (14, 45)
    assert services.session_plan(actor=lead, agent=agent).minutes == 45  # the agenda is 14 / 18 / 13
    bad = client.post(url, {"every_days": 0, "minutes": 500}, follow=True)
    assert "Every 1 to 62 days" in bad.content.decode() and Cadence.objects.get(team=team).minutes == 45
    assert (
        client.post(
            reverse("coaching:cadence_save", args=[other_team.pk]), {"every_days": 7, "minutes": 30}
        ).status_code
        == 404
    )
    client.force_login(other_lead)
    assert client.post(url, {"every_days": 7, "minutes": 30}).status_code == 404


def test_a_planned_session_is_due_on_its_date_and_a_lead_plans_ahead(client, lead, agent):
    from coaching.selectors.workspace import workspace

    today = dt.date(2026, 11, 20)
    client.force_login(lead)
    assert [r["when"] for r in workspace(lead=lead, today=today)["due"]] == ["today"]  # never coached
    url = reverse("coaching:session_plan", args=[agent.pk])
    response = client.post(url, {"day": "2026-11-26"})
    session = CoachingSession.objects.get(agent=agent)
    assert response.url == reverse("coaching:session_detail", args=[session.pk])
    assert session.scheduled_for == dt.date(2026, 11, 26)
    (row,) = workspace(lead=lead, today=today)["due"]
    assert (row["next"], row["when"], row["planned"]) == (dt.date(2026, 11, 26), "upcoming", session)
    assert "planned for 2026-11-26" in client.get(reverse("coaching:workspace")).content.decode()
    # Not held by its day: overdue, even though the cadence since the last held one is not.
    (row,) = workspace(lead=lead, today=dt.date(2026, 11, 27))["due"]
    assert row["when"] == "overdue"
    for bad, message in (
        ("2026-02-30", "is not a date"),
        ("next week", "is not a date"),
        ("2027-06-01", "up to a year back"),
        ("2025-11-01", "up to a year back"),
    ):
        page = client.post(url, {"day": bad}, follow=True).content.decode()
        assert message in page, bad
    assert CoachingSession.objects.filter(agent=agent).count() == 1
