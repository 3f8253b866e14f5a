"""Reviews of criteria answered from the data (issue 20 §1): the answer starts as the data's, the
evidence is on the page, an answer otherwise needs a reason that is kept (page, API, history), a
draft follows data that arrives later, and an empty CSAT is N/A, never "5 / 5"."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.exceptions import DomainError
from reviews import services
from reviews.models import Review, ReviewKind, ReviewStatus, TrustSettings
from reviews.services.reviewing import ReviewInput, review_rescore
from scoring import services as scoring_services
from scoring.structure import CriterionData
from tests.factories import UserFactory, make_assignment, make_interaction, rubric_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def rubric(manager):
    """tests.factories' rubric with a fourth criterion in Process: the survey result (rating
    1-5, N/A allowed), answered from CSAT, N/A when the customer did not answer."""
    data = rubric_data()
    data.sections[1].criteria.append(
        CriterionData(
            behaviour="Survey result",
            answer_type="rating",
            na_allowed=True,
            data_field="csat",
            data_empty="na",
        ).normalised()
    )
    draft = scoring_services.rubric_create(actor=manager, data=data)
    return scoring_services.rubric_publish(actor=manager, rubric=draft, expected_revision=draft.revision)


# `keys` (tests/reviews/conftest.py) lists this rubric's criterion ids: the fourth is the survey.


def start(agent, reviewer, csat):
    assignment = make_assignment(agent, reviewer)
    assignment.item.interaction.csat = csat
    assignment.item.interaction.save()
    return services.review_start(actor=reviewer, assignment=assignment)


def complete(keys, survey, reason=None) -> ReviewInput:
    data = ReviewInput(
        answers={keys[0]: "yes", keys[1]: "4", keys[2]: "yes", keys[3]: survey},
        strengths="Calm.",
        improvement="Summarise at the end.",
        encouragement="Keep going.",
    )
    if reason is not None:
        data.overrides = {keys[3]: reason}
    return data


def test_a_new_review_starts_with_the_datas_answer(agent, reviewer, rubric, keys):
    review = start(agent, reviewer, csat=2)
    assert review.answers == {keys[3]: 2} and review.data_answers == {keys[3]: 2}
    empty = start(agent, reviewer, csat=None)
    assert empty.answers == {keys[3]: "na"} and empty.data_answers == {keys[3]: "na"}


def test_an_empty_csat_scores_na_not_full_marks(agent, reviewer, rubric, keys):
    """Worked example: Knowledge yes (2) + 4/4 (1) = 100; Process: identity yes (1) and the
    survey N/A, so Process is 100 on identity alone; total 100.00. With CSAT 2 the survey
    earns (2-1)/(5-1) = 25 % of its weight: Process (1 + 0.25) / 2 = 62.5, total 60 + 40 x 0.625 = 85.00."""
    empty = start(agent, reviewer, csat=None)
    empty = services.review_submit(
        actor=reviewer, review=empty, data=complete(keys, "na"), expected_revision=empty.revision
    )
    assert empty.total == Decimal("100.00") and empty.answers[keys[3]] == "na" and empty.overrides == {}
    low = start(agent, reviewer, csat=2)
    low = services.review_submit(
        actor=reviewer, review=low, data=complete(keys, "2"), expected_revision=low.revision
    )
    assert low.total == Decimal("85.00")


def test_answering_otherwise_needs_a_reason_which_is_kept(agent, reviewer, rubric, keys):
    review = start(agent, reviewer, csat=None)
    with pytest.raises(DomainError) as refused:
        services.review_submit(
            actor=reviewer, review=review, data=complete(keys, "5"), expected_revision=review.revision
        )
    assert refused.value.errors == [
        "Criterion 2 “Survey result” in Section 2 “Process”: the data answers N/A (CSAT (1-5): not recorded) "
        "and you answered 5: give the reason for the change."
    ]
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT and review.answers[keys[3]] == 5  # the draft keeps it

    reason = "Survey arrived by e-mail after the import: 5."
    review = services.review_submit(
        actor=reviewer, review=review, data=complete(keys, "5", reason), expected_revision=review.revision
    )
    assert review.status == ReviewStatus.SUBMITTED and review.overrides == {keys[3]: reason}
    assert review.data_answers == {keys[3]: "na"}


def test_a_reason_for_the_datas_own_answer_is_not_kept(agent, reviewer, rubric, keys):
    review = start(agent, reviewer, csat=3)
    review = services.review_save(
        actor=reviewer,
        review=review,
        data=complete(keys, "3", "no reason needed"),
        expected_revision=review.revision,
    )
    assert review.overrides == {}


def test_a_draft_follows_a_survey_that_arrives_later(client, agent, reviewer, rubric, keys):
    kept = start(agent, reviewer, csat=None)
    changed = start(agent, reviewer, csat=None)
    changed = services.review_save(
        actor=reviewer, review=changed, data=complete(keys, "3", "Customer said 3 on the call."),
        expected_revision=changed.revision,
    )  # fmt: skip
    for review in (kept, changed):
        review.interaction.csat = 4
        review.interaction.save()
    client.force_login(reviewer)
    for review in (kept, changed):
        assert client.get(reverse("reviews:review_score", args=[review.pk])).status_code == 200
        review.refresh_from_db()
    assert kept.answers == {keys[3]: 4} and kept.data_answers == {keys[3]: 4} and kept.overrides == {}
    # the reviewer's own answer stays theirs, with their reason; the data's answer is the new one
    assert changed.answers[keys[3]] == 3 and changed.data_answers == {keys[3]: 4}
    assert changed.overrides == {keys[3]: "Customer said 3 on the call."}
    revision = kept.revision
    client.get(reverse("reviews:review_score", args=[kept.pk]))
    kept.refresh_from_db()
    assert kept.revision == revision  # nothing moved: nothing written


def test_a_released_review_does_not_follow_the_data(agent, reviewer, rubric, keys, client):
    review = start(agent, reviewer, csat=None)
    review = services.review_submit(
        actor=reviewer, review=review, data=complete(keys, "na"), expected_revision=review.revision
    )
    review.interaction.csat = 1
    review.interaction.save()
    client.force_login(reviewer)
    client.get(reverse("reviews:review_score", args=[review.pk]))
    review.refresh_from_db()
    assert review.answers[keys[3]] == "na" and review.total == Decimal("100.00")


def test_the_scoring_page_shows_the_evidence_and_asks_for_the_reason(client, agent, reviewer, rubric, keys):
    review = start(agent, reviewer, csat=2)
    client.force_login(reviewer)
    url = reverse("reviews:review_score", args=[review.pk])
    body = client.get(url).content.decode()
    assert '<span class="badge">From the data</span> CSAT 2 of 5 → <strong>2 / 5</strong>' in body
    assert f'data-data-answer="2" id="criterion-{keys[3]}"' in body
    assert '<label class="override" data-override hidden>' in body and f'name="o-{keys[3]}"' in body

    post = {f"a-{k}": v for k, v in complete(keys, "5").answers.items()} | {
        "strengths": "Calm.", "improvement": "Summarise.", "encouragement": "Keep going.", "revision": review.revision,
    }  # fmt: skip
    response = client.post(reverse("reviews:review_submit", args=[review.pk]), post)
    assert response.status_code == 302 and response.url == url
    body = client.get(url).content.decode()
    assert (
        f'<a href="#o-{keys[3]}">4. Survey result</a> — changed from the data&#x27;s answer without a reason'
        in body
    )
    assert '<label class="override" data-override>' in body  # shown: the answer differs

    review.refresh_from_db()
    post |= {f"o-{keys[3]}": "The survey rated the delivery, not the call.", "revision": review.revision}
    response = client.post(reverse("reviews:review_submit", args=[review.pk]), post)
    assert response.status_code == 302 and response.url == reverse("reviews:queue")
    review.refresh_from_db()
    assert review.overrides == {keys[3]: "The survey rated the delivery, not the call."}

    client.force_login(agent)
    page = client.get(reverse("reviews:review_detail", args=[review.pk])).content.decode()
    assert (
        "CSAT 2 of 5 → 2 / 5 · Answered otherwise because: The survey rated the delivery, not the call."
        in page
    )


def test_the_api_returns_the_datas_answers_and_takes_reasons(agent, reviewer, rubric, keys):
    api = APIClient()
    api.force_authenticate(reviewer)
    review = start(agent, reviewer, csat=1)
    body = api.get(f"/api/reviews/{review.pk}/").json()
    assert (
        body["data_answers"] == {keys[3]: 1} and body["answers"] == {keys[3]: 1} and body["overrides"] == {}
    )
    content = {
        "answers": {keys[0]: "yes", keys[1]: 4, keys[2]: "yes", keys[3]: 4},
        "strengths": "Calm.", "improvement": "Summarise.", "encouragement": "Keep going.",
        "revision": review.revision,
    }  # fmt: skip
    response = api.post(f"/api/reviews/{review.pk}/submit/", content, format="json")
    assert response.status_code == 400 and "give the reason for the change" in str(response.json())
    review.refresh_from_db()
    content |= {
        "revision": review.revision,
        "overrides": {keys[3]: "Customer pressed 1 by mistake, said so in chat."},
    }
    response = api.post(f"/api/reviews/{review.pk}/submit/", content, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["overrides"] == {keys[3]: "Customer pressed 1 by mistake, said so in chat."}


def test_a_change_after_release_keeps_the_reason_in_the_history(agent, reviewer, manager, rubric, keys):
    review = start(agent, reviewer, csat=2)
    review = services.review_submit(
        actor=reviewer, review=review, data=complete(keys, "2"), expected_revision=review.revision
    )
    # a dispute's decision changes it: its summary stands in as the reason
    review = review_rescore(
        actor=manager, review=review, data=complete(keys, "4"), expected_revision=review.revision,
        why="Dispute decided by the QA manager",
    )  # fmt: skip
    assert review.overrides == {keys[3]: "Dispute decided by the QA manager"}
    change = review.changes.get()
    assert change.before["overrides"] == {} and change.after["overrides"] == {
        keys[3]: "Dispute decided by the QA manager"
    }
    assert "reasons for changing the data's answers edited" in change.summary
    # a change by its editor without a reason is refused, like a submission
    with pytest.raises(DomainError):
        services.review_change(
            actor=reviewer, review=review, data=complete(keys, "5", ""), expected_revision=review.revision
        )


def test_a_second_score_starts_from_the_data_too(agent, reviewer, rubric, keys):
    TrustSettings.objects.update_or_create(pk=1, defaults={"second_share": 100})
    UserFactory(username="second", role="reviewer")
    review = start(agent, reviewer, csat=5)
    services.review_submit(
        actor=reviewer, review=review, data=complete(keys, "5"), expected_revision=review.revision
    )
    second = Review.every_kind.get(kind=ReviewKind.SECOND, second_of=review)
    assert second.answers == {keys[3]: 5} and second.data_answers == {keys[3]: 5}


def test_a_rubric_without_bound_criteria_starts_empty(agent, reviewer, manager):
    draft = scoring_services.rubric_create(actor=manager, data=rubric_data())
    scoring_services.rubric_publish(actor=manager, rubric=draft, expected_revision=draft.revision)
    interaction = make_interaction(agent, dt.datetime(2026, 11, 4, 9), csat=1)
    assert interaction.csat == 1
    review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    assert review.answers == {} and review.data_answers == {}
