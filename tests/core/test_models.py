import pytest
from django.db import IntegrityError

from core.models import Role
from core.permissions import Capability, user_can
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_agents_belong_to_a_team():
    team = TeamFactory()
    with pytest.raises(IntegrityError):
        UserFactory(username="r", role=Role.REVIEWER, team=team)


def test_a_lead_may_lead_several_teams():
    lead = UserFactory(username="l", role=Role.LEAD)
    TeamFactory(lead=lead)
    TeamFactory(lead=lead)
    assert lead.led_teams.count() == 2


def test_unknown_role_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        UserFactory(username="x", role="boss")


@pytest.mark.parametrize(
    ("role", "capability", "allowed"),
    [
        (Role.MANAGER, Capability.RUBRIC_MANAGE, True),
        (Role.REVIEWER, Capability.RUBRIC_MANAGE, False),
        (Role.LEAD, Capability.RUBRIC_MANAGE, False),
        (Role.AGENT, Capability.RUBRIC_MANAGE, False),
        (Role.AGENT, Capability.RUBRIC_VIEW, True),
        (Role.AGENT, Capability.RUBRIC_VIEW_DRAFTS, False),
        (Role.MANAGER, Capability.ADMIN_SITE, False),
    ],
)
def test_capabilities_by_role(role, capability, allowed):
    user = UserFactory(username=f"u-{role}", role=role)
    assert user_can(user, capability) is allowed


def test_administrator_has_every_capability_and_inactive_users_none():
    admin = UserFactory(username="a", role=Role.AGENT, is_superuser=True)
    assert all(user_can(admin, c) for c in Capability)
    admin.is_active = False
    assert not any(user_can(admin, c) for c in Capability)
