"""The loop on the pages: a coached criterion's verdict on the lead's workspace, the held
session's page and the QA manager's coaching results."""

import datetime as dt

import pytest
from django.urls import reverse

from coaching.models import CoachingSession
from coaching.selectors.loop import coached_targets, loop_summary
from coaching.services import sessions as services
from scoring.models import Criterion

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 10)


@pytest.fixture
def coached(lead, agent, release, keys):
    """Five reviews before the 10th with "Explains clearly" at 1 of 4, a 1-on-1 on the 10th with
    an item on it, then `after` reviews at 4 of 4."""
    for day in range(1, 6):
        release(agent, when=dt.datetime(2026, 11, day, 10), c2="1")
    session = services.session_plan(actor=lead, agent=agent, day=DAY)
    criterion = Criterion.objects.get(pk=keys[1])
    services.item_save(actor=lead, session=session, data={
        "text": "Plain words", "due_on": "2026-11-17", "target_kind": "criterion",
        "target_identity": str(criterion.identity), "target_label": criterion.behaviour,
    })  # fmt: skip
    services.session_close(actor=lead, session=session, expected_revision=session.revision)

    def after(n):
        for day in range(11, 11 + n):
            release(agent, when=dt.datetime(2026, 11, day, 10), c2="4")

    return session, after


def test_too_early_then_improved(coached, lead):
    session, after = coached
    after(3)
    (row,) = coached_targets(sessions=CoachingSession.objects.all())
    assert row["verdict"].verdict == "too_early" and row["verdict"].n_after == 3
    after(2)
    (row,) = coached_targets(sessions=CoachingSession.objects.all())
    v = row["verdict"]
    assert (v.verdict, v.n_before, v.n_after, str(v.mean_before), str(v.mean_after)) == (
        "improved", 5, 5, "25.00", "100.00")  # fmt: skip
    assert loop_summary([row], "lead") == [
        {"name": str(lead), "total": 1, "improved": 1, "not_improved": 0, "too_early": 0}
    ]


def test_the_verdict_is_shown_to_the_lead_and_the_manager(client, coached, lead, manager, agent):
    session, after = coached
    after(5)
    client.force_login(lead)
    for url in (reverse("coaching:workspace"), reverse("coaching:session_detail", args=[session.pk])):
        body = client.get(url).content.decode()
        assert "Did coaching work?" in body and "✓ improved" in body and "25.00" in body
    workspace = client.get(reverse("coaching:workspace")).context
    assert workspace["loop_by_team"] == [
        {"name": str(agent.team), "total": 1, "improved": 1, "not_improved": 0, "too_early": 0}
    ]
    assert [row["name"] for row in workspace["loop_by_lead"]] == [str(lead)]
    client.force_login(manager)
    body = client.get(reverse("coaching:coaching_results")).content.decode()
    assert "Per lead" in body and str(lead) in body and "✓ improved" in body
    client.force_login(agent)
    assert client.get(reverse("coaching:coaching_results")).status_code == 403
    client.force_login(lead)
    assert client.get(reverse("coaching:coaching_results")).status_code == 403
