"""The calibration API end to end (create, score blind, reveal, results, benchmark, close) and
who may do what through it."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Role
from reviews.models import CalibrationSession
from tests.factories import UserFactory, make_interaction
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def second(db):
    return UserFactory(username="second", role=Role.REVIEWER)


@pytest.fixture
def created(api, manager, reviewer, second, rubric, agent):
    calls = [make_interaction(agent, timezone.now() - dt.timedelta(days=d)) for d in (1, 2)]
    api.force_authenticate(manager)
    response = api.post(
        "/api/calibration/",
        {
            "title": "API calibration",
            "rubric": rubric.pk,
            "month": "2026-11",
            "deadline": f"{timezone.localdate() + dt.timedelta(days=3):%Y-%m-%d}",
            "benchmark": "consensus",
            "participants": [reviewer.pk, second.pk],
            "interactions": [c.pk for c in calls],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def score(api, person, session, keys, c2, submit=True):
    api.force_authenticate(person)
    own = api.get(f"/api/calibration/{session['id']}/").json()["own"]
    for copy in own:
        body = {"answers": full(keys, c2=c2).answers, "revision": copy["revision"], "submit": submit}
        response = api.post(
            f"/api/calibration/{session['id']}/items/{copy['item']}/score/", body, format="json"
        )
        assert response.status_code == 200, response.content


def test_a_calibration_through_the_api(api, created, manager, reviewer, second, keys):
    session = created
    assert session["status"] == "scoring" and len(session["items"]) == 2
    score(api, reviewer, session, keys, "4")
    # Blind: the reviewer submitted, but the session is not revealed.
    body = api.get(f"/api/calibration/{session['id']}/").json()
    assert (
        body["visible"] is False
        and body["items"] == []
        and [c["status"] for c in body["own"]] == ["submitted"] * 2
    )
    score(api, second, session, keys, "2", submit=False)  # a draft first, then submitted
    score(api, second, session, keys, "2")
    api.force_authenticate(reviewer)
    assert (
        api.post(f"/api/calibration/{session['id']}/reveal/", {"revision": 1}, format="json").status_code
        == 403
    )
    api.force_authenticate(manager)
    assert (
        api.post(f"/api/calibration/{session['id']}/reveal/", {"revision": 0}, format="json").status_code
        == 409
    )
    revealed = api.post(
        f"/api/calibration/{session['id']}/reveal/", {"revision": session["revision"]}, format="json"
    )
    assert revealed.status_code == 200 and revealed.json()["status"] == "revealed"
    for item in session["items"]:
        response = api.post(
            f"/api/calibration/{session['id']}/items/{item['id']}/benchmark/",
            {"answers": full(keys, c2="3").answers},
            format="json",
        )
        assert response.status_code == 200, response.content
    api.force_authenticate(reviewer)
    results = api.get(f"/api/calibration/{session['id']}/").json()
    assert results["visible"] is True and results["limit"] == "5.0"
    first = results["items"][0]
    totals = {
        p["reviewer"]: (p["total_score"], p["total"]["points"], p["total"]["flagged"])
        for p in first["participants"]
    }
    assert totals == {
        reviewer.username: ("100.00", "5.00", False),
        second.username: ("90.00", "-5.00", False),
    }
    assert first["criteria"][0]["split"] is True and first["criteria"][0]["benchmark"] == "3"
    assert [s["criterion_id"] for s in results["splits"]] == [int(keys[1])]
    api.force_authenticate(manager)
    current = api.get(f"/api/calibration/{session['id']}/").json()["session"]
    closed = api.post(
        f"/api/calibration/{session['id']}/close/", {"revision": current["revision"]}, format="json"
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_who_may_do_what_through_the_calibration_api(
    api, created, agent, lead, outsider, reviewer, second, keys
):
    session = created
    url = f"/api/calibration/{session['id']}/"
    for person, listing, detail in (
        (agent, 403, 403),
        (lead, 200, 404),
        (outsider, 403, 403),
        (reviewer, 200, 200),
    ):
        api.force_authenticate(person)
        assert api.get("/api/calibration/").status_code == listing, person
        assert api.get(url).status_code == detail, person
    api.force_authenticate(lead)  # a lead who does not take part sees no session
    assert api.get("/api/calibration/").json() == []
    api.force_authenticate(reviewer)
    assert api.post("/api/calibration/", {"title": "x"}, format="json").status_code == 403
    item = session["items"][0]["id"]
    assert (
        api.post(f"{url}items/{item}/benchmark/", {"answers": {keys[0]: "yes"}}, format="json").status_code
        == 403
    )
    # Nobody scores someone else's copy: the reviewer's item id scores their own copy only.
    api.force_authenticate(second)
    own = api.get(url).json()["own"]
    assert len(own) == 2 and all(c["review"] for c in own)


def test_creating_names_every_problem(api, manager, reviewer, rubric):
    api.force_authenticate(manager)
    payload = {
        "title": "", "rubric": rubric.pk, "month": "2026-11", "deadline": "2026-01-01", "benchmark": "expert",
        "participants": [reviewer.pk], "interactions": [999999],
    }  # fmt: skip
    response = api.post("/api/calibration/", payload, format="json")
    assert response.status_code == 400 and "title" in response.json()["errors"]
    response = api.post("/api/calibration/", payload | {"title": "T"}, format="json")
    assert response.status_code == 400 and "There is no interaction with id 999999." in str(response.json())
    assert not CalibrationSession.objects.exists()


def test_drawing_for_a_rubric_that_does_not_exist_or_is_a_draft_is_refused(
    api, manager, reviewer, second, rubric
):
    """Found by schemathesis: `draw` with an unknown rubric id crashed (500)."""
    from scoring.services import rubric_new_version

    api.force_authenticate(manager)
    draft = rubric_new_version(actor=manager, rubric=rubric)
    for rubric_id in (999999, draft.pk):
        payload = {
            "title": "T", "rubric": rubric_id, "month": "2026-11", "deadline": "2026-12-31", "benchmark": "consensus",
            "participants": [reviewer.pk, second.pk], "interactions": [], "draw": 1,
        }  # fmt: skip
        response = api.post("/api/calibration/", payload, format="json")
        assert response.status_code == 400, response.content
        assert "Calibrate against a published rubric version." in str(response.json())
    assert not CalibrationSession.objects.exists()
