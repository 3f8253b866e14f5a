"""Private stays private wherever its text travels (issue 17 §1).

A private action item and a private GROW note, written by a team's lead, are copied by the app:
into the agenda of the agent's next 1-on-1s ("Follow up: …"), into the item carried over, into the
follow-up list of a later session, the workspace, the API, notifications, e-mails, the audit log,
the Excel report. The table below opens every one of those places as every persona (the agent,
the writing lead, the team's next lead, another team's lead, a QA reviewer, a QA manager) and
checks that the private text appears only for its writer and QA managers — and does appear for
them where the place shows it — and that only they can change the item.
"""

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from coaching.models import ActionItem, ItemStatus
from coaching.services import reports
from coaching.services import sessions as services
from core.models import AuditEvent, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ITEM = "Private-item-Kx7 rehearse the refund script"
NOTE = "Private-note-Qz4 worried about attendance"
SHARED = "Shared-item-Wm2 use the checklist"


@pytest.fixture
def next_lead(db):
    return UserFactory(username="next-lead", role=Role.LEAD, email="next@example.com")


@pytest.fixture
def world(lead, agent, team, next_lead, other_lead, django_capture_on_commit_callbacks):
    """Sessions S1 (held: a shared item, a private item, a private note), S2 (held: the private
    item carried over by its writer), then the team changes hands: S3 (held by the next lead, its
    agenda copies the carried item), S4 (planned by the next lead: the item is in its follow-up
    list)."""
    today = timezone.localdate()
    lead.email, agent.email = "lead@example.com", "agent@example.com"
    lead.save()
    agent.save()
    with django_capture_on_commit_callbacks(execute=True):
        s1 = services.session_plan(actor=lead, agent=agent, day=today - dt.timedelta(days=20))
        shared = services.item_save(
            actor=lead, session=s1, data={"text": SHARED, "due_on": today - dt.timedelta(days=15)}
        )
        private = services.item_save(
            actor=lead, session=s1,
            data={"text": ITEM, "due_on": today - dt.timedelta(days=15), "shared": False},
        )  # fmt: skip
        services.note_save(actor=lead, session=s1, data={"goal": NOTE, "shared": False})
        services.session_close(actor=lead, session=s1, expected_revision=s1.revision)
        s2 = services.session_plan(actor=lead, agent=agent, day=today - dt.timedelta(days=10))
        carried = services.item_follow_up(actor=lead, session=s2, item=private, outcome="carried")
        services.session_close(actor=lead, session=s2, expected_revision=s2.revision)
        team.lead = next_lead
        team.save()
        agent.refresh_from_db()
        s3 = services.session_plan(actor=next_lead, agent=agent, day=today - dt.timedelta(days=1))
        services.session_close(actor=next_lead, session=s3, expected_revision=s3.revision)
        s4 = services.session_plan(actor=next_lead, agent=agent, day=today)
        services.items_due_remind(today=today)  # reminders: shared items only
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4, "private": private, "carried": carried, "shared": shared}


def _page(name, key=None):
    return lambda w: reverse(name, args=[w[key].pk] if key else [])


# Every place the private texts can appear: (place, url, which personas must find ITEM there,
# which must find NOTE there). Everyone else must find neither.
PLACES = [
    ("S1 page", _page("coaching:session_detail", "s1"), {"lead", "manager"}, {"lead", "manager"}),
    ("S2 page (carried copy)", _page("coaching:session_detail", "s2"), {"lead", "manager"}, set()),
    ("S3 page (agenda copy)", _page("coaching:session_detail", "s3"), {"manager"}, set()),
    ("S4 page (follow-up list)", _page("coaching:session_detail", "s4"), {"manager"}, set()),
    ("workspace", _page("coaching:workspace"), set(), set()),
    ("my coaching", _page("coaching:my_coaching"), set(), set()),
    ("notifications", _page("notification_list"), set(), set()),
    ("agent record", lambda w: reverse("coaching:agent_record", args=[w["s1"].agent_id]), set(), set()),
    ("API S1", lambda w: f"/api/coaching/sessions/{w['s1'].pk}/", {"lead", "manager"}, {"lead", "manager"}),
    ("API S2", lambda w: f"/api/coaching/sessions/{w['s2'].pk}/", {"lead", "manager"}, set()),
    ("API S3 (agenda copy)", lambda w: f"/api/coaching/sessions/{w['s3'].pk}/", {"manager"}, set()),
    ("API S4", lambda w: f"/api/coaching/sessions/{w['s4'].pk}/", {"manager"}, set()),
    ("API sessions", lambda w: "/api/coaching/sessions/", {"lead", "manager"}, {"lead", "manager"}),
    ("API items", lambda w: "/api/coaching/items/", {"lead", "manager"}, set()),
]
PERSONAS = ("agent", "lead", "next_lead", "other_lead", "reviewer", "manager")


@pytest.mark.parametrize("persona", PERSONAS)
def test_private_text_reaches_only_its_writer_and_qa_managers(request, world, persona):
    user = request.getfixturevalue(persona)
    client = APIClient()
    client.force_login(user)
    wrong = []
    for place, url, item_to, note_to in PLACES:
        response = client.get(url(world))
        body = response.content.decode() if response.status_code == 200 else ""
        for text, allowed in ((ITEM, item_to), (NOTE, note_to)):
            if (text in body) != (persona in allowed):
                wrong.append(f"{place}: {'shows' if text in body else 'misses'} {text[:14]}")
    assert wrong == []


def test_the_next_leads_agenda_keeps_the_copy_for_the_manager_through_their_edits(world, next_lead, manager):
    """The next lead saves their agenda: the copy they cannot see is kept, not dropped."""
    client = APIClient()
    client.force_login(next_lead)
    s4 = world["s4"]
    response = client.post(
        reverse("coaching:session_agenda", args=[s4.pk]),
        {"revision": s4.revision, "review_minutes": 9, "problems_minutes": 12, "development_minutes": 9,
         "review_points": "Ask about the week"},
    )  # fmt: skip
    assert response.status_code == 302
    s4.refresh_from_db()
    copies = [e for p in s4.plan["parts"] for e in p["items"] if e.get("item") == world["carried"].pk]
    assert copies and ITEM in copies[0]["text"]
    assert ITEM not in client.get(reverse("coaching:session_detail", args=[s4.pk])).content.decode()
    client.force_login(manager)
    assert ITEM in client.get(reverse("coaching:session_detail", args=[s4.pk])).content.decode()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("agent", False), ("lead", False), ("next_lead", False), ("other_lead", False), ("reviewer", False),
     ("manager", True)],
)  # fmt: skip
def test_only_the_writer_or_a_manager_changes_a_private_item(request, world, persona, allowed):
    """The carried item is open in S4 (the next lead's session): following it up or marking it done
    through the page or the API. The writer no longer leads the team (S4 is not theirs: 404)."""
    user = request.getfixturevalue(persona)
    client = APIClient()
    client.force_login(user)
    carried, s4 = world["carried"], world["s4"]
    answers = [
        client.post(reverse("coaching:session_follow_up", args=[s4.pk, carried.pk]), {"outcome": "done"}),
        client.post(f"/api/coaching/items/{carried.pk}/done/"),
        client.post(reverse("coaching:item_done", args=[carried.pk])),
    ]
    carried.refresh_from_db()
    assert (carried.status == ItemStatus.DONE) == allowed
    if not allowed:
        assert all(a.status_code in (403, 404) for a in answers), [a.status_code for a in answers]


def test_the_writer_still_changes_their_private_item_while_they_lead(lead, agent):
    today = timezone.localdate()
    s1 = services.session_plan(actor=lead, agent=agent, day=today - dt.timedelta(days=7))
    private = services.item_save(
        actor=lead, session=s1, data={"text": ITEM, "due_on": today, "shared": False}
    )
    services.session_close(actor=lead, session=s1, expected_revision=s1.revision)
    s2 = services.session_plan(actor=lead, agent=agent, day=today)
    assert any(e.get("item") == private.pk for p in s2.plan["parts"] for e in p["items"])
    services.item_follow_up(actor=lead, session=s2, item=private, outcome="done")
    assert ActionItem.objects.get(pk=private.pk).status == ItemStatus.DONE


def test_the_services_refuse_a_private_item_to_the_next_lead(world, next_lead):
    from core.exceptions import NotAllowed

    with pytest.raises(NotAllowed):
        services.item_follow_up(actor=next_lead, session=world["s4"], item=world["carried"], outcome="done")
    with pytest.raises(NotAllowed):
        services.item_mark_done(actor=next_lead, item=world["carried"])


def test_no_copy_in_mails_audit_or_the_report(world, manager):
    """Copies nobody reads on a page: e-mails, the audit log, the Excel report and its CSV."""
    assert mail.outbox, "the agent was told of the held sessions"
    assert not [m for m in mail.outbox if ITEM in m.body + m.subject or NOTE in m.body + m.subject]
    assert not AuditEvent.objects.filter(summary__contains="Private-").exists()
    scope = reports.report_scope(user=manager, month=timezone.localdate().replace(day=1))
    with tempfile.TemporaryDirectory() as folder:
        xlsx, csv_path = Path(folder) / "r.xlsx", Path(folder) / "r.csv"
        reports.report_write(scope, xlsx, csv_path=csv_path)
        cells = [
            str(v) for ws in load_workbook(xlsx, read_only=True) for row in ws.iter_rows(values_only=True)
            for v in row if v is not None
        ]  # fmt: skip
        text = "\n".join(cells) + csv_path.read_text(encoding="utf-8-sig")
    assert "Private-" not in text
