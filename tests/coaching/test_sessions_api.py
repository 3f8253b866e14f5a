"""The 1-on-1 API: the same services and visibility as the pages."""

import pytest
from rest_framework.test import APIClient

from coaching.models import ActionItem, CoachingSession
from coaching.services.records import records_rebuild
from tests.coaching.conftest import NOV

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def evidence(agent, release):
    release(agent, c2="1")
    records_rebuild(month=NOV)


def test_a_lead_plans_writes_and_closes_and_the_agent_sees_only_what_is_shared(lead, agent, evidence):
    created = api(lead).post(
        "/api/coaching/sessions/", {"agent": agent.pk, "day": "2026-11-20"}, format="json"
    )
    assert created.status_code == 201
    session = created.json()
    assert [p["minutes"] for p in session["plan"]["parts"]] == [9, 12, 9]
    base = f"/api/coaching/sessions/{session['id']}"
    assert api(lead).post(f"{base}/notes/", {"goal": "Shared goal"}, format="json").status_code == 201
    assert (
        api(lead).post(f"{base}/notes/", {"goal": "Private", "shared": False}, format="json").status_code
        == 201
    )
    bad = api(lead).post(f"{base}/notes/", {"reality": "only"}, format="json")
    assert bad.status_code == 400 and "goal" in str(bad.json())
    item = api(lead).post(f"{base}/items/", {"text": "Do it", "due_on": "2026-11-27"}, format="json")
    assert item.status_code == 201
    api(lead).post(
        f"{base}/items/", {"text": "Lead's own", "due_on": "2026-11-27", "shared": False}, format="json"
    )
    assert api(lead).post(f"{base}/close/", {"revision": 0}, format="json").status_code == 409
    assert (
        api(lead).post(f"{base}/close/", {"revision": session["revision"]}, format="json").status_code == 200
    )
    mine = api(agent).get(f"{base}/").json()
    assert [n["goal"] for n in mine["notes"]] == ["Shared goal"] and [i["text"] for i in mine["items"]] == [
        "Do it"
    ]
    assert [i["text"] for i in api(agent).get("/api/coaching/items/").json()["results"]] == ["Do it"]
    assert api(agent).post(f"{base}/acknowledge/").json()["acknowledged_at"]
    done = api(agent).post(f"/api/coaching/items/{item.json()['id']}/done/")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert len(api(lead).get(f"{base}/").json()["notes"]) == 2  # the lead sees the private one too


@pytest.mark.parametrize("persona", ["other_lead", "outsider", "reviewer"])
def test_no_one_else_sees_or_writes(request, lead, agent, evidence, persona):
    who = request.getfixturevalue(persona)
    planned = api(lead).post("/api/coaching/sessions/", {"agent": agent.pk}, format="json").json()
    base = f"/api/coaching/sessions/{planned['id']}"
    item = api(lead).post(f"{base}/items/", {"text": "x", "due_on": "2026-11-27"}, format="json").json()
    expected = 403 if persona == "reviewer" else 404
    assert api(who).get(f"{base}/").status_code == expected
    assert api(who).post(f"{base}/notes/", {"goal": "x"}, format="json").status_code in (403, 404)
    assert api(who).post(f"/api/coaching/items/{item['id']}/done/").status_code == expected
    assert api(who).post("/api/coaching/sessions/", {"agent": agent.pk}, format="json").status_code in (
        403,
        404,
    )
    if persona != "reviewer":
        assert api(who).get("/api/coaching/sessions/").json()["results"] == []
    assert CoachingSession.objects.count() == 1 and ActionItem.objects.get().status == "open"


def test_an_agent_does_not_see_a_session_before_it_is_held(lead, agent, evidence):
    planned = api(lead).post("/api/coaching/sessions/", {"agent": agent.pk}, format="json").json()
    assert api(agent).get(f"/api/coaching/sessions/{planned['id']}/").status_code == 404
