"""The dispute queue and overview, dispute figures and non-agent root causes on the programme page
(worked examples), agreement over months, and the pages QA managers keep the settings and the
list of causes on."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import AuditEvent, Role
from reviews import services
from reviews.models import Decision, RootCause, TrustSettings
from reviews.selectors.programme import agreement_over_months, dispute_figures, non_agent_causes
from reviews.selectors.trust import disputes_to_decide
from reviews.services import disputes
from tests.factories import UserFactory, make_assignment
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(db):
    return UserFactory(username="second", role=Role.REVIEWER)


def release(agent, reviewer, keys, **answers):
    review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    return services.review_submit(
        actor=reviewer, review=review, data=full(keys, **answers), expected_revision=review.revision
    )


@pytest.fixture
def three(agent, reviewer, keys):
    """Three released reviews of the agent by `reviewer`, all in the same month."""
    return [release(agent, reviewer, keys, c2=c2) for c2 in ("2", "1", "1")]


def decide(actor, dispute, *rulings):
    return disputes.dispute_decide(
        actor=actor, dispute=dispute, rulings=list(rulings), expected_revision=dispute.revision
    )


def test_dispute_figures_worked_example(three, agent, second, manager, keys):
    """Three reviews, two disputed: one on c2 and c1 (c2 accepted, c1 rejected), one on c2
    (partly accepted). Rate 2 / 3 = 66.7 %; decided criteria 3, overturned 2: 66.7 %; c2 was
    disputed twice in 3 reviews (66.7 %) and overturned twice: a calibration topic."""
    one = disputes.dispute_open(
        actor=agent, review=three[0],
        contests=[disputes.Contest(keys[1], "4", "Both options."), disputes.Contest(keys[0], "no", "x")],
    )  # fmt: skip
    two = disputes.dispute_open(
        actor=agent, review=three[1], contests=[disputes.Contest(keys[1], "4", "All.")]
    )
    decide(second, one, disputes.Ruling(keys[1], Decision.ACCEPTED, "", "Heard it."),
           disputes.Ruling(keys[0], Decision.REJECTED, "", "Wrong fact."))  # fmt: skip
    decide(manager, two, disputes.Ruling(keys[1], Decision.PARTLY, "3", "Most of it."))
    month = three[0].interaction.local_month
    f = dispute_figures(month)
    assert (f["reviews"], f["disputed"], f["rate"]) == (3, 2, Decimal("66.7"))
    assert (f["criteria_decided"], f["overturned"], f["overturned_share"]) == (3, 2, Decimal("66.7"))
    assert (f["decided"], f["open"], f["escalated"]) == (2, 0, 0) and f["median_days"] == Decimal("0.0")
    (reviewer_row,) = f["reviewers"]
    assert (reviewer_row["reviews"], reviewer_row["disputed"], reviewer_row["rate"]) == (
        3,
        2,
        Decimal("66.7"),
    )
    c2, c1 = f["criteria"]
    assert (c2["label"], c2["disputed"], c2["reviews"], c2["rate"], c2["overturned_share"], c2["topic"]) == (
        "Explains clearly", 2, 3, Decimal("66.7"), Decimal("100.0"), True,
    )  # fmt: skip
    assert (c1["disputed"], c1["overturned"], c1["overturned_share"], c1["topic"]) == (
        1,
        0,
        Decimal("0.0"),
        False,
    )


def test_nothing_to_count_is_a_dash_never_zero(agent):
    f = dispute_figures(dt.date(2026, 11, 1))
    assert (f["reviews"], f["rate"], f["overturned_share"], f["median_days"]) == (0, None, None, None)
    causes = non_agent_causes(dt.date(2026, 11, 1))
    assert (causes["n"], causes["rows"]) == (0, [])


def test_the_top_non_agent_causes_by_criterion_and_queue(three, reviewer, keys):
    process, system, own = (RootCause.objects.get(code=c) for c in ("process", "system", "agent"))
    for review, cause in zip(three, (process, process, own), strict=True):
        data = full(keys, c2="2")
        data.causes = {keys[1]: str(cause.pk)}
        services.review_change(actor=reviewer, review=review, data=data, expected_revision=review.revision)
    causes = non_agent_causes(three[0].interaction.local_month)
    assert (causes["n"], causes["with_cause"], causes["not_agent"]) == (3, 3, 2)
    assert causes["rows"] == [
        {"criterion": "Explains clearly", "queue": three[0].interaction.queue, "cause": "A process", "n": 2}
    ]


def test_agreement_over_months_is_dash_with_n_zero_without_pairs(agent):
    over = agreement_over_months(dt.date(2026, 11, 1), count=3)
    assert [f"{m:%Y-%m}" for m in over["months"]] == ["2026-09", "2026-10", "2026-11"]
    assert over["table"] == [] and over["chart"]["labels"] == ["2026-09", "2026-10", "2026-11"]


def test_the_programme_page_shows_dispute_figures_and_causes(client, three, agent, manager, keys):
    disputes.dispute_open(actor=agent, review=three[0], contests=[disputes.Contest(keys[1], "4", "why")])
    client.force_login(manager)
    month = three[0].interaction.local_month
    page = client.get(f"/programme/?month={month:%Y-%m}").content.decode()
    assert "1 of 3 released reviews disputed (33.3%)." in page
    assert "Agreement over months" in page and "Misses that are not the agent" in page


def test_reviewers_queue_lists_the_disputes_they_may_decide(
    client, three, agent, reviewer, second, manager, keys
):
    dispute = disputes.dispute_open(
        actor=agent, review=three[0], contests=[disputes.Contest(keys[1], "4", "why")]
    )
    assert list(disputes_to_decide(second)) == [dispute] and list(disputes_to_decide(manager)) == [dispute]
    assert list(disputes_to_decide(reviewer)) == []  # their own review: the setting forbids it
    assert list(disputes_to_decide(agent)) == []
    client.force_login(second)
    queue = client.get("/queue/").content.decode()
    assert "1 dispute to decide" in queue and f"/disputes/{dispute.pk}/" in queue
    page = client.get("/disputes/").content.decode()
    assert "1 for you to decide" in page and f"/disputes/{dispute.pk}/" in page
    client.force_login(reviewer)
    assert "dispute to decide" not in client.get("/queue/").content.decode()
    assert f"/disputes/{dispute.pk}/" not in client.get("/disputes/").content.decode()
    assert f"/disputes/{dispute.pk}/" in client.get("/disputes/?show=open").content.decode()
    TrustSettings.objects.update_or_create(pk=1, defaults={"dispute_same_reviewer": True})
    assert list(disputes_to_decide(reviewer)) == [dispute]
    # Past its deadline: escalated to the managers; the overview marks it.
    disputes.disputes_escalate(now=timezone.now() + dt.timedelta(days=30))
    assert list(disputes_to_decide(second)) == [] and list(disputes_to_decide(manager)) == [dispute]
    client.force_login(manager)
    page = client.get("/disputes/?show=open").content.decode()
    assert "1 escalated to the QA managers" in page and "escalated</span>" in page
    client.force_login(agent)
    assert client.get("/disputes/").status_code == 403


def test_the_manager_changes_the_trust_settings_and_it_is_audited(client, manager, reviewer):
    client.force_login(manager)
    assert client.get("/calibration/settings/").status_code == 200
    form = {
        "second_share": "10",
        "deviation_limit": "3",
        "dispute_window_days": "14",
        "dispute_decide_days": "5",
    }
    assert client.post("/calibration/settings/", form).status_code == 302
    settings = TrustSettings.objects.get()
    assert (settings.second_share, settings.deviation_limit, settings.dispute_window_days) == (10, 3, 14)
    assert not settings.dispute_same_reviewer
    event = AuditEvent.objects.filter(action="reviews.trust_settings_saved").get()
    assert "second_share: 5.0 → 10" in event.summary
    page = client.post("/calibration/settings/", form | {"second_share": "80"}).content.decode()
    assert "Ensure this value is less than or equal to 50." in page
    client.force_login(reviewer)
    assert client.get("/calibration/settings/").status_code == 403


def test_the_manager_edits_the_list_of_root_causes(client, manager, reviewer):
    client.force_login(manager)
    page = client.get("/root-causes/").content.decode()
    assert "A process" in page
    assert (
        client.post("/root-causes/", {"name": "Training material", "agent_controllable": ""}).status_code
        == 302
    )
    added = RootCause.objects.get(name="Training material")
    assert not added.agent_controllable and added.active
    client.post("/root-causes/", {"pk": added.pk, "name": "Training", "agent_controllable": "1"})
    added.refresh_from_db()
    assert (added.name, added.agent_controllable, added.active) == ("Training", True, False)
    response = client.post("/root-causes/", {"name": "training"}, follow=True)
    assert "There is already a root cause called “Training”." in response.content.decode()
    client.force_login(reviewer)
    assert client.get("/root-causes/").status_code == 403
