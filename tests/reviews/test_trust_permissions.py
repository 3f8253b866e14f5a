"""Who may open and do what on every page and endpoint of issue 18 (calibration, disputes,
agreement, root causes, the trust settings): one table per state, every persona in each row.

The people: the QA manager; the reviewer who scored the disputed review and takes part in the
calibration; a second reviewer who did neither; the agent's lead (a participant); another team's
lead; the agent whose review is disputed; an agent of another team."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Role
from reviews import services
from reviews.models import BenchmarkKind, Review, ReviewKind
from reviews.services import calibration as cal
from reviews.services import disputes
from tests.factories import UserFactory, make_assignment, make_interaction
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db

PEOPLE = ("manager", "reviewer", "second", "lead", "olead", "agent", "outsider")


def row(*statuses):
    return dict(zip(PEOPLE, statuses, strict=True))


# While the participants score (before the reveal).
PAGES = {
    "/calibration/": row(200, 200, 200, 200, 200, 403, 403),
    "/calibration/new/": row(200, 403, 403, 403, 403, 403, 403),
    "/calibration/reviewers/": row(200, 200, 200, 200, 200, 403, 403),
    "/calibration/{session}/": row(200, 200, 404, 200, 404, 404, 404),
    "/calibration/{session}/meeting/": row(200, 403, 404, 403, 404, 404, 404),
    "/calibration/settings/": row(200, 403, 403, 403, 403, 403, 403),
    "/root-causes/": row(200, 403, 403, 403, 403, 403, 403),
    "/disputes/": row(200, 200, 200, 200, 200, 403, 403),
    "/disputes/{dispute}/": row(200, 200, 200, 200, 404, 200, 404),
    "/api/calibration/": row(200, 200, 200, 200, 200, 403, 403),
    "/api/calibration/{session}/": row(200, 200, 404, 200, 404, 403, 403),
    "/api/disputes/": row(200, 200, 200, 200, 200, 200, 200),  # each sees their own (below)
    "/api/disputes/{dispute}/": row(200, 200, 200, 200, 404, 200, 404),
    "/api/agreement/?month=2026-11": row(200, 403, 403, 403, 403, 403, 403),
    "/api/root-causes/": row(200, 200, 200, 200, 200, 200, 200),  # the list of labels only
}
# What only the QA manager may do (nobody else, whatever they can see); the manager is tested
# doing each of these in test_calibration.py, test_calibration_api.py and test_trust_pages.py.
MANAGER_POSTS = (
    "/calibration/{session}/reveal/",
    "/calibration/{session}/close/",
    "/calibration/{session}/guidance/",
    "/calibration/{session}/items/{item}/benchmark/",
    "/calibration/settings/",
    "/root-causes/",
    "/calibration/new/",
    "/api/calibration/{session}/reveal/",
    "/api/calibration/{session}/close/",
    "/api/calibration/{session}/items/{item}/benchmark/",
)
# Deciding the dispute: the reviewer who scored it may not (the setting forbids it by default),
# nor a lead, nor the agent; another reviewer may (400 here: an empty body); a person who cannot
# see the dispute does not learn it exists.
DECIDE = row(None, 403, 400, 403, 404, 403, 404)


@pytest.fixture
def world(manager, reviewer, lead, agent, outsider, rubric, keys):
    second = UserFactory(username="second", role=Role.REVIEWER)
    olead = UserFactory(username="olead", role=Role.LEAD)
    outsider.team.lead = olead
    outsider.team.save()
    review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    review = services.review_submit(
        actor=reviewer, review=review, data=full(keys, c2="2"), expected_revision=review.revision
    )
    dispute = disputes.dispute_open(
        actor=agent, review=review, contests=[disputes.Contest(keys[1], "4", "I did offer it.")]
    )
    calls = [make_interaction(agent, timezone.now() - dt.timedelta(days=d)) for d in (1, 2)]
    session = cal.calibration_create(
        actor=manager, title="November", rubric=rubric, month=dt.date(2026, 11, 1),
        deadline=timezone.localdate() + dt.timedelta(days=3), benchmark=BenchmarkKind.CONSENSUS,
        expert=None, participants=[reviewer, lead], interactions=calls,
    )  # fmt: skip
    people = {
        "manager": manager, "reviewer": reviewer, "second": second, "lead": lead, "olead": olead,
        "agent": agent, "outsider": outsider,
    }  # fmt: skip
    ids = {"session": session.pk, "item": session.items.first().pk, "dispute": dispute.pk}
    return people, ids, session


@pytest.mark.parametrize("url", list(PAGES))
def test_every_page_and_endpoint_before_the_reveal(client, world, url):
    people, ids, _session = world
    got = {}
    for name, person in people.items():
        client.force_login(person)
        got[name] = client.get(url.format(**ids)).status_code
    assert got == PAGES[url]


@pytest.mark.parametrize("url", MANAGER_POSTS)
def test_only_the_manager_changes_a_session_the_settings_or_the_causes(client, world, url):
    people, ids, session = world
    api = APIClient()
    for name, person in people.items():
        if name == "manager":
            continue
        if url.startswith("/api/"):
            api.force_authenticate(person)
            status = api.post(url.format(**ids), {}, format="json").status_code
        else:
            client.force_login(person)
            status = client.post(url.format(**ids), {}).status_code
        assert status == 403, (name, status)
    session.refresh_from_db()
    assert session.status == "scoring" and session.revision == 1


def test_deciding_a_dispute_through_the_api_and_the_page(client, world):
    people, ids, _session = world
    api = APIClient()
    for name, status in DECIDE.items():
        if status is None:
            continue
        api.force_authenticate(people[name])
        response = api.post(f"/api/disputes/{ids['dispute']}/decide/", {}, format="json")
        assert response.status_code == status, (name, response.content)
        client.force_login(people[name])
        page = client.post(f"/disputes/{ids['dispute']}/decide/", {"revision": 1}, follow=True)
        # The page refuses as the API does; a decider's empty form goes back with what is missing.
        assert page.status_code == (200 if status == 400 else status), name
    api.force_authenticate(people["reviewer"])
    refused = api.post(f"/api/disputes/{ids['dispute']}/decide/", {}, format="json").json()
    assert "another QA reviewer or a QA manager" in str(refused)


def test_each_person_lists_only_the_disputes_they_may_see(world):
    people, ids, _session = world
    api = APIClient()
    for name, sees in {"agent": 1, "outsider": 0, "lead": 1, "olead": 0, "second": 1}.items():
        api.force_authenticate(people[name])
        listed = api.get("/api/disputes/").json()
        items = listed["results"] if isinstance(listed, dict) else listed
        assert len(items) == sees, name


def test_others_answers_only_after_submitting_and_the_reveal(client, world, keys):
    """The reviewer submits; before the reveal they see their own score and nobody else's; the
    lead (a participant) likewise. After the reveal both see everyone's answers, the meeting view
    opens for them, and the second reviewer (no participant) still sees nothing."""
    people, ids, session = world
    reviewer, lead, manager = people["reviewer"], people["lead"], people["manager"]
    for person, c2 in ((reviewer, "4"), (lead, "2")):
        for copy in cal.calibration_scores(session).filter(reviewer=person):
            data = full(keys, c2=c2, strengths="", improvement="", encouragement="")
            services.review_submit(actor=person, review=copy, data=data, expected_revision=copy.revision)
    api = APIClient()
    for person, other in ((reviewer, lead), (lead, reviewer)):
        client.force_login(person)
        body = client.get(f"/calibration/{ids['session']}/").content.decode()
        assert str(other) not in body and "Deviation from the benchmark" not in body
        api.force_authenticate(person)
        detail = api.get(f"/api/calibration/{ids['session']}/").json()
        assert detail["visible"] is False and detail["items"] == [] and detail["standings"] == []
        mine = set(cal.calibration_scores(session).filter(reviewer=person).values_list("pk", flat=True))
        assert {c["review"] for c in detail["own"]} == mine and len(mine) == 2
    cal.calibration_reveal(actor=manager, session=session, expected_revision=session.revision)
    for person, other in ((reviewer, lead), (lead, reviewer)):
        client.force_login(person)
        body = client.get(f"/calibration/{ids['session']}/").content.decode()
        assert str(other) in body and "Deviation from the benchmark" in body
        assert client.get(f"/calibration/{ids['session']}/meeting/").status_code == 200
        api.force_authenticate(person)
        detail = api.get(f"/api/calibration/{ids['session']}/").json()
        assert detail["visible"] is True and len(detail["items"]) == 2 and detail["standings"]
    for name in ("second", "olead", "agent", "outsider"):
        client.force_login(people[name])
        assert client.get(f"/calibration/{ids['session']}/").status_code == 404
        assert client.get(f"/calibration/{ids['session']}/meeting/").status_code == 404
    # The calibration copies never appear among the agent's reviews, by page or API.
    agent = people["agent"]
    assert not Review.objects.filter(agent=agent, kind=ReviewKind.CALIBRATION).exists()
    api.force_authenticate(agent)
    listed = api.get("/api/reviews/").json()
    items = listed["results"] if isinstance(listed, dict) else listed
    assert {r["id"] for r in items} == {Review.objects.get(agent=agent).pk}
