"""The reviews API: same visibility as the pages, same services for starting, saving,
submitting, changing and acknowledging."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews import services
from reviews.models import Review, ReviewStatus
from reviews.services.reviewing import MSG_ACK_NOT_AGENT
from tests.factories import UserFactory, make_assignment
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db
PERSONAS = ["reviewer", "manager", "lead", "agent", "outsider"]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def assignment(agent, reviewer, rubric):
    return make_assignment(agent, reviewer)


@pytest.fixture
def released(assignment, reviewer, keys):
    review = services.review_start(actor=reviewer, assignment=assignment)
    return services.review_submit(
        actor=reviewer, review=review, data=full(keys), expected_revision=review.revision
    )


def body(keys, revision, **answers):
    data = full(keys)
    return {
        "answers": data.answers | answers,
        "comments": data.comments,
        "strengths": data.strengths,
        "improvement": data.improvement,
        "encouragement": data.encouragement,
        "revision": revision,
    }


def test_a_reviewer_scores_through_the_api_with_the_same_services(api, reviewer, assignment, keys, agent):
    api.force_authenticate(reviewer)
    started = api.post(reverse("api_review_start"), {"assignment": assignment.pk}, format="json")
    assert started.status_code == 201
    review = started.json()
    assert review["status"] == "draft" and review["rubric"]["version"] == 1
    pk = review["id"]
    saved = api.post(
        reverse("api_review_save", args=[pk]),
        {"answers": {keys[0]: "yes"}, "revision": review["revision"]},
        format="json",
    )
    assert saved.status_code == 200 and saved.json()["total"] is None and saved.json()["revision"] == 2
    # Submitting with something missing: 400 naming each problem. As on the page, what was sent
    # is kept as the draft (still a draft), and the answer says which revision to send next.
    refused = api.post(
        reverse("api_review_submit", args=[pk]),
        {"answers": {keys[0]: "yes"}, "strengths": "Calm.", "revision": 2},
        format="json",
    )
    assert refused.status_code == 400
    assert any("“Explains clearly”" in e for e in refused.json()["errors"])
    assert refused.json()["revision"] == 3
    kept = Review.objects.get(pk=pk)
    assert kept.status == ReviewStatus.DRAFT and kept.strengths == "Calm." and kept.revision == 3
    stale = api.post(reverse("api_review_submit", args=[pk]), body(keys, 2), format="json")
    assert stale.status_code == 409
    done = api.post(reverse("api_review_submit", args=[pk]), body(keys, 3), format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "submitted" and done.json()["total"] == "95.00"
    assert Review.objects.get(pk=pk).total == Decimal("95.00")


def test_a_stale_revision_gets_409_with_who_changed_it(api, reviewer, manager, assignment, keys):
    review = services.review_start(actor=reviewer, assignment=assignment)
    services.review_save(actor=manager, review=review, data=full(keys), expected_revision=review.revision)
    api.force_authenticate(reviewer)
    response = api.post(
        reverse("api_review_save", args=[review.pk]),
        body(keys, review.revision, **{keys[0]: "no"}),
        format="json",
    )
    assert response.status_code == 409
    assert f"{manager.get_full_name()} saved this review" in response.json()["message"]


def test_bad_answers_are_reported_by_criterion(api, reviewer, assignment, keys):
    review = services.review_start(actor=reviewer, assignment=assignment)
    api.force_authenticate(reviewer)
    response = api.post(
        reverse("api_review_save", args=[review.pk]), {"answers": {keys[1]: 9}, "revision": 1}, format="json"
    )
    assert response.status_code == 400 and "“Explains clearly”" in response.json()["message"]


@pytest.mark.parametrize(
    ("name", "method", "expected"),
    [
        (
            "api_review_detail",
            "get",
            {"reviewer": 200, "manager": 200, "lead": 200, "agent": 200, "outsider": 404},
        ),
        (
            "api_review_save",
            "post",
            {"reviewer": 400, "manager": 400, "lead": 403, "agent": 403, "outsider": 404},
        ),
        (
            "api_review_submit",
            "post",
            {"reviewer": 400, "manager": 400, "lead": 403, "agent": 403, "outsider": 404},
        ),
        (
            "api_review_change",
            "post",
            {"reviewer": 400, "manager": 400, "lead": 403, "agent": 403, "outsider": 404},
        ),
        (
            "api_review_acknowledge",
            "post",
            {"reviewer": 403, "manager": 403, "lead": 403, "agent": 200, "outsider": 404},
        ),
    ],
)
def test_permission_table_for_a_released_review(api, released, name, method, expected, request):
    for persona in PERSONAS:
        api.force_authenticate(request.getfixturevalue(persona))
        response = getattr(api, method)(reverse(name, args=[released.pk]), {}, format="json")
        assert response.status_code == expected[persona], (name, persona, response.content)
    api.force_authenticate(None)
    assert getattr(api, method)(reverse(name, args=[released.pk])).status_code in (401, 403)


def test_lists_show_what_each_person_may_see(api, released, reviewer, agent, request):
    draft = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    seen = {}
    for persona in PERSONAS:
        api.force_authenticate(request.getfixturevalue(persona))
        seen[persona] = {r["id"] for r in api.get(reverse("api_review_list")).json()["results"]}
    assert seen["reviewer"] == seen["manager"] == {released.pk, draft.pk}
    assert seen["lead"] == seen["agent"] == {released.pk}
    assert seen["outsider"] == set()
    api.force_authenticate(request.getfixturevalue("agent"))
    assert api.get(reverse("api_review_detail", args=[draft.pk])).status_code == 404


def test_only_reviewers_and_managers_start_reviews(api, assignment, request):
    for persona, status in (("lead", 403), ("agent", 403), ("outsider", 403)):
        api.force_authenticate(request.getfixturevalue(persona))
        assert (
            api.post(reverse("api_review_start"), {"assignment": assignment.pk}, format="json").status_code
            == status
        )
    api.force_authenticate(UserFactory(username="rev2", role="reviewer"))
    assert (
        api.post(reverse("api_review_start"), {"assignment": assignment.pk}, format="json").status_code == 404
    )


def test_the_agent_acknowledges_through_the_api(api, released, agent):
    api.force_authenticate(agent)
    response = api.post(reverse("api_review_acknowledge", args=[released.pk]))
    assert response.status_code == 200 and response.json()["status"] == ReviewStatus.ACKNOWLEDGED


def test_the_schema_describes_the_review_endpoints_without_warnings():
    from django.core.management import call_command

    # --fail-on-warn: every endpoint and serializer resolves cleanly (enum names included).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_schema_lists_review_operations(client, as_user):
    as_user("manager")
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/reviews/",
        "/api/reviews/start/",
        "/api/reviews/{id}/submit/",
        "/api/reviews/{id}/acknowledge/",
    ):
        assert path in schema


def test_yes_no_answers_may_be_json_booleans(api, reviewer, assignment, keys):
    review = services.review_start(actor=reviewer, assignment=assignment)
    api.force_authenticate(reviewer)
    response = api.post(
        reverse("api_review_save", args=[review.pk]),
        {"answers": {keys[0]: True, keys[1]: 3, keys[2]: False}, "revision": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["answers"] == {keys[0]: "yes", keys[1]: 3, keys[2]: "no"}
    assert response.json()["critical_failed"] is True and response.json()["total"] == "0.00"


def test_not_yours_is_403_with_the_services_message_in_the_api_and_on_the_page(api, client, released, lead):
    """A lead sees the review (their team's) but may not acknowledge it: the service refuses,
    and the API and the page answer alike."""
    api.force_authenticate(lead)
    response = api.post(reverse("api_review_acknowledge", args=[released.pk]))
    assert response.status_code == 403
    assert response.json()["message"] == str(MSG_ACK_NOT_AGENT)
    client.force_login(lead)
    page = client.post(reverse("reviews:review_acknowledge", args=[released.pk]))
    assert page.status_code == 403
    assert str(MSG_ACK_NOT_AGENT) in page.content.decode()
    released.refresh_from_db()
    assert released.status == ReviewStatus.SUBMITTED
