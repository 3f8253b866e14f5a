"""Reviewer productivity (docs/reviewing.md, "Active time" and "Pace and forecast")."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services as review_services
from reviews.models import Review
from reviews.selectors.productivity import month_days, pace, reviewer_pace, time_per_review
from reviews.services.activity import IDLE_SECONDS, review_activity
from tests.factories import make_assignment
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


def test_pace_and_forecast_worked_example():
    assert month_days(NOV, dt.date(2026, 11, 16)) == (16, 14, dt.date(2026, 11, 30))
    assert month_days(NOV, dt.date(2026, 10, 20)) == (0, 30, dt.date(2026, 11, 30))  # not started
    assert month_days(NOV, dt.date(2026, 12, 3)) == (30, 0, dt.date(2026, 11, 30))  # over
    assert pace(2100, 1040, 16, 14) == {
        "assigned": 2100,
        "done": 1040,
        "per_day": 65.0,
        "forecast": 1950,
        "short": 150,
    }
    assert pace(100, 90, 10, 20)["forecast"] == 100  # never more than assigned
    assert pace(100, 0, 0, 30) == {
        "assigned": 100,
        "done": 0,
        "per_day": None,
        "forecast": None,
        "short": None,
    }


def test_active_time_counts_gaps_of_work_and_leaves_time_away_out(rubric, reviewer, manager, agent):
    review = review_services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    start = timezone.now()
    assert review_activity(review=review, actor=reviewer, now=start) == 0  # opening the page
    assert review_activity(review=review, actor=reviewer, now=start + dt.timedelta(seconds=60)) == 60
    assert review_activity(review=review, actor=reviewer, now=start + dt.timedelta(seconds=150)) == 90
    # Away for ten minutes: nothing; working again: counts from there.
    assert review_activity(review=review, actor=reviewer, now=start + dt.timedelta(seconds=750)) == 0
    assert (
        review_activity(review=review, actor=reviewer, now=start + dt.timedelta(seconds=750 + IDLE_SECONDS))
        == 180
    )
    assert (
        review_activity(review=review, actor=manager, now=start + dt.timedelta(seconds=1000)) == 0
    )  # someone else
    review.refresh_from_db()
    assert (review.active_seconds, review.revision) == (330, 1)  # an active minute is not an edit


def test_the_scoring_page_beats_while_the_reviewer_works_and_the_figures_show(
    client, rubric, keys, reviewer, manager, agent, monkeypatch
):
    from reviews.services import activity

    assignment = make_assignment(agent, reviewer)
    review = review_services.review_start(actor=reviewer, assignment=assignment)
    clock = [timezone.now()]
    monkeypatch.setattr(activity.timezone, "now", lambda: clock[0])
    client.force_login(reviewer)
    page = client.get(reverse("reviews:review_score", args=[review.pk])).text
    assert f'data-active-url="{reverse("reviews:review_active", args=[review.pk])}"' in page
    clock[0] += dt.timedelta(seconds=60)
    assert client.post(reverse("reviews:review_active", args=[review.pk])).status_code == 204
    clock[0] += dt.timedelta(seconds=120)
    data = {
        "revision": review.revision,
        **{f"a-{k}": v for k, v in {keys[0]: "yes", keys[1]: "3", keys[2]: "yes"}.items()},
    }
    client.post(
        reverse("reviews:review_submit", args=[review.pk]),
        data | {"strengths": "Warm.", "improvement": "Summarise.", "encouragement": "Keep going."},
    )
    review.refresh_from_db()
    assert review.status != "draft" and review.active_seconds == 180
    # Released: no beat, and no more time counted.
    assert client.post(reverse("reviews:review_active", args=[review.pk])).status_code == 204
    review.refresh_from_db()
    assert review.active_seconds == 180
    rows = time_per_review(NOV)
    assert [(r["channel"], r["n"], r["median_minutes"]) for r in rows] == [("Phone", 1, 3.0)]
    figures = reviewer_pace(NOV, today=dt.date(2026, 11, 16))
    assert (figures["total"]["done"], figures["total"]["per_day"]) == (1, 1 / 16)
    assert figures["rows"][0]["active_minutes"] == 3.0 and figures["rows"][0]["active_n"] == 1
    client.force_login(manager)
    api = client.get("/api/productivity/", {"month": "2026-11"}).json()
    assert api["time_per_review"] == [
        {"channel": "Phone", "rubric": "Test rubric (v1)", "n": 1, "median_minutes": 3.0, "mean_minutes": 3.0}
    ]
    assert (api["total"]["done"], api["reviewers"][0]["reviewer"], api["reviewers"][0]["active_n"]) == (
        1,
        reviewer.username,
        1,
    )
    assert api["last_day"] == "2026-11-30"
    programme = client.get(reverse("coaching:programme"), {"month": "2026-11"}).text
    assert "Pace and forecast" in programme and "3.0 <small" in programme


def test_the_queue_says_the_reviewers_pace(client, rubric, keys, reviewer, agent):
    for day in (2, 3):
        assignment = make_assignment(agent, reviewer, when=dt.datetime(2026, 11, day, 10))
        review = review_services.review_start(actor=reviewer, assignment=assignment)
        review_services.review_submit(
            actor=reviewer, review=review, data=full(keys), expected_revision=review.revision
        )
    make_assignment(agent, reviewer, when=dt.datetime(2026, 11, 4, 10))
    figures = reviewer_pace(NOV, today=dt.date(2026, 11, 2), reviewer_id=reviewer.pk)["total"]
    assert (figures["assigned"], figures["done"], figures["per_day"], figures["forecast"]) == (3, 2, 1.0, 3)
    client.force_login(reviewer)
    page = client.get(reverse("reviews:queue"), {"month": "2026-11"}).text
    assert "Your pace: 2 of 3 done" in page
    assert client.get("/api/productivity/", {"month": "2026-11"}).status_code == 403  # QA managers
    assert Review.objects.filter(reviewer=reviewer).count() == 2
