"""One path for every change (issue 17 §7): the admin reads what the services write, or calls
them; roles come from the capability table."""

import datetime as dt

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from coaching.models import KpiScheme, PerformanceRecord, RecordLevel
from coaching.services.records import records_rebuild
from core.admin import UserAdmin
from core.models import AuditAction, AuditEvent, Role, Team, User
from core.permissions import ROLE_HOME, Capability, roles_with, users_with
from tests.factories import TeamFactory, make_interaction

pytestmark = pytest.mark.django_db


def test_kpi_schemes_and_settings_are_read_only_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    scheme = KpiScheme.objects.first()
    url = reverse("admin:coaching_kpischeme_change", args=[scheme.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="name"' not in page.content  # shown, not a form
    assert client.post(url, {"name": "Changed"}).status_code == 403
    assert client.get(reverse("admin:coaching_kpischeme_add")).status_code == 403
    assert client.get(reverse("admin:coaching_kpisettings_add")).status_code == 403
    scheme.refresh_from_db()
    assert scheme.name != "Changed"


def test_a_team_created_in_the_admin_goes_through_the_service(client, admin_user, lead):
    client.force_login(admin_user)
    response = client.post(reverse("admin:core_team_add"), {"name": "Night shift", "lead": lead.pk})
    assert response.status_code == 302
    team = Team.objects.get(name="Night shift")
    assert AuditEvent.objects.filter(action=AuditAction.TEAM_CREATED, target_id=team.pk).exists()
    assert client.post(reverse("admin:core_team_delete", args=[team.pk]), {"post": "yes"}).status_code == 403


def test_moving_an_agent_in_the_admin_is_audited_and_rebuilds_the_records(
    admin_user, agent, team, django_capture_on_commit_callbacks
):
    """The admin's save calls core.services.user_save: the agent's record follows them."""
    today = timezone.localdate()
    make_interaction(agent, dt.datetime(today.year, today.month, 1, 10), "phone")
    records_rebuild(month=today.replace(day=1))
    other = TeamFactory(name="Team C")
    agent.team = other
    request = RequestFactory().post("/admin/")
    request.user = admin_user

    class Form:
        changed_data = ["team"]

    with django_capture_on_commit_callbacks(execute=True):
        UserAdmin(User, admin.site).save_model(request, agent, Form(), change=True)
    event = AuditEvent.objects.get(action=AuditAction.USER_CHANGED, target_id=agent.pk)
    assert "team = Team C" in event.summary
    record = PerformanceRecord.objects.get(level=RecordLevel.AGENT, agent=agent, month=today.replace(day=1))
    assert record.team_id == other.pk


def test_who_reviews_comes_from_the_capability_table(manager, reviewer, admin_user):
    assert roles_with(Capability.REVIEW_ASSIGNED) == [Role.REVIEWER]
    assert set(roles_with(Capability.REVIEW_SCORE)) == {Role.REVIEWER, Role.MANAGER}
    # The draw assigns to reviewers only; the reviews list's filter offers everyone who scores.
    assert list(users_with(Capability.REVIEW_ASSIGNED, administrators=False)) == [reviewer]
    assert set(users_with(Capability.REVIEW_SCORE)) == {manager, reviewer, admin_user}
    assert set(ROLE_HOME) == set(Role.values)


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("agent", ["My performance", "My coaching"], ["Reviews", "Coaching", "Programme"]),
        ("reviewer", ["Reviews"], ["Coaching", "My performance", "Programme"]),
        ("lead", ["Reviews", "Coaching", "Teams"], ["Programme", "Coaching results", "Imports"]),
        ("manager", ["Reviews", "Programme", "Coaching results", "Imports"], ["My coaching"]),
    ],
)
def test_the_menu_follows_the_capabilities(client, request, persona, shown, hidden):
    from core.context_processors import navigation

    user = request.getfixturevalue(persona)
    req = RequestFactory().get("/")
    req.user = user
    labels = [str(label) for label, _url in navigation(req)["nav_items"]]
    assert all(s in labels for s in shown), labels
    assert not any(h in labels for h in hidden), labels
