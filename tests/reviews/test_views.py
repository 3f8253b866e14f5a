"""Queue, sampling, interaction pages and the interactions API: permissions, behaviour, query budgets."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import Role
from reviews import services
from reviews.models import Assignment, AssignmentStatus, Interaction, SampleDraw, SamplingPolicy
from tests.conftest import count_queries
from tests.factories import AgentFactory, UserFactory
from tests.reviews.test_sampling import NOV, month_of_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(agent, outsider, reviewer):
    """November drawn: `agent` and `outsider` 30 interactions each, all assigned to `reviewer`."""
    month_of_work(agent, 30)
    month_of_work(outsider, 30)
    services.sample_draw(month=NOV)
    return Assignment.objects.filter(reviewer=reviewer)


PAGES = [
    ("reviews:queue", {"reviewer": 200, "manager": 200, "lead": 403, "agent": 403}),
    ("reviews:sampling", {"manager": 200, "admin_user": 200, "reviewer": 403, "lead": 403, "agent": 403}),
    ("reviews:draw_status", {"manager": 200, "reviewer": 403, "agent": 403}),
]


@pytest.mark.parametrize(
    ("page", "persona", "status"), [(p, who, s) for p, t in PAGES for who, s in t.items()]
)
def test_page_permissions(client, as_user, page, persona, status):
    as_user(persona)
    assert client.get(reverse(page)).status_code == status


def test_queue_shows_the_reviewers_month_with_progress_and_filters(client, as_user, drawn, agent):
    as_user("reviewer")
    response = client.get(reverse("reviews:queue"), {"month": "2026-11"})
    body = response.content.decode()
    assert "0 of 30 done" in body
    assert body.count("Skip and replace") == 30
    filtered = client.get(reverse("reviews:queue"), {"month": "2026-11", "agent": agent.pk}).content.decode()
    assert filtered.count("Skip and replace") == 15
    assert (
        client.get(reverse("reviews:queue"), {"month": "2026-11", "channel": "social"})
        .content.decode()
        .count("Skip and replace")
        == 0
    )


def test_queue_pages_by_50_with_work_in_progress_first(client, as_user, reviewer, team):
    for i in range(4):  # 4 agents x 15 = 60 assignments
        month_of_work(AgentFactory(username=f"p{i}", team=team), 30)
    services.sample_draw(month=NOV)
    started = Assignment.objects.filter(reviewer=reviewer).order_by("-pk").first()
    Assignment.objects.filter(pk=started.pk).update(status=AssignmentStatus.STARTED)
    as_user("reviewer")
    first = client.get(reverse("reviews:queue"), {"month": "2026-11"}).content.decode()
    assert "60 assignments match." in first and "Page 1 of 2" in first
    assert first.count("Skip and replace") == 49 and first.count(">Continue</button>") == 1
    # The started one leads the first page, as its primary button.
    assert first.index('class="primary">Continue') < first.index("Skip and replace")
    second = client.get(reverse("reviews:queue"), {"month": "2026-11", "page": 2}).content.decode()
    assert second.count("Skip and replace") == 10 and 'class="primary"' not in second
    # Filters survive paging.
    agent = started.item.agent
    kept = client.get(reverse("reviews:queue"), {"month": "2026-11", "agent": agent.pk}).content.decode()
    assert "15 assignments match." in kept and "Page 1 of" not in kept


def test_queue_rows_escape_what_people_typed(client, as_user, reviewer, team):
    hostile = AgentFactory(
        username="h1", team=team, first_name='<img src=x onerror="alert(1)">', last_name="&"
    )
    month_of_work(hostile, 30, queue="<b>Billing</b>")
    services.sample_draw(month=NOV)
    as_user("reviewer")
    body = client.get(reverse("reviews:queue"), {"month": "2026-11"}).content.decode()
    assert "<img src=x" not in body and "<b>Billing</b>" not in body
    assert (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp;" in body
        and "&lt;b&gt;Billing&lt;/b&gt;" in body
    )


def test_queue_query_count_is_flat(client, as_user, reviewer, team):
    as_user("reviewer")
    counts = []
    for size in (1, 6):
        for i in range(size):
            month_of_work(AgentFactory(username=f"q{size}-{i}", team=team), 20)
        services.sample_draw(month=NOV)
        n, response = count_queries(lambda: client.get(reverse("reviews:queue"), {"month": "2026-11"}))
        assert response.status_code == 200
        counts.append(n)
    assert counts[0] == counts[1], counts


def test_coverage_query_count_is_flat(client, as_user, reviewer, team):
    as_user("manager")
    counts = []
    for size in (1, 6):
        for i in range(size):
            month_of_work(AgentFactory(username=f"c{size}-{i}", team=team), 20)
        services.sample_draw(month=NOV)
        n, response = count_queries(lambda: client.get(reverse("reviews:sampling"), {"month": "2026-11"}))
        assert "Coverage per agent" in response.content.decode()
        counts.append(n)
    assert counts[0] == counts[1], counts


def test_reviewer_skips_from_the_queue(client, as_user, drawn, reviewer):
    as_user("reviewer")
    assignment = drawn.first()
    response = client.post(
        reverse("reviews:assignment_skip", kwargs={"pk": assignment.pk}), {"reason": "No audio"}, follow=True
    )
    assert "Skipped." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SKIPPED and assignment.skip_reason == "No audio"
    assert client.post(reverse("reviews:assignment_skip", kwargs={"pk": assignment.pk})).status_code == 302


def test_another_reviewer_cannot_skip_my_assignment(client, drawn):
    other = UserFactory(username="rev2", role=Role.REVIEWER)
    client.force_login(other)
    response = client.post(
        reverse("reviews:assignment_skip", kwargs={"pk": drawn.first().pk}), {"reason": "x"}
    )
    assert response.status_code == 404


def test_manager_draws_from_the_page_and_saves_the_policy(
    client, as_user, agent, reviewer, django_capture_on_commit_callbacks
):
    month_of_work(agent, 30)
    as_user("manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:sampling"), {"draw": "1", "month": "2026-11"})
    assert response.status_code == 302
    assert SampleDraw.objects.get().added == 15
    policy_form = {
        "save_policy": "1",
        "time_band_starts": "0, 8, 16",
        "risk_share": 25,
        "risk_csat_max": 2,
        "risk_nps_max": 6,
        "risk_long_handle_factor": "2",
        "new_agent_days": 90,
        "seed": 1,
        "min_handle_seconds": 30,
    }
    response = client.post(
        reverse("reviews:sampling") + "?month=2026-11",
        policy_form | {"min_per_agent": 18, "max_per_agent": 12},
    )
    assert response.status_code == 400
    assert "The maximum must be at least the minimum (18)." in response.content.decode()
    response = client.post(
        reverse("reviews:sampling"),
        policy_form | {"min_per_agent": 16, "max_per_agent": 20, "stratify_channel": "on"},
    )
    assert response.status_code == 302
    policy = SamplingPolicy.objects.get()
    assert (policy.min_per_agent, policy.bands(), policy.stratify_week) == (16, [0, 8, 16], False)


def test_draw_status_polls_while_running(client, as_user):
    as_user("manager")
    SampleDraw.objects.create(month=NOV, status="running")
    body = client.get(reverse("reviews:draw_status"), {"month": "2026-11"}).content.decode()
    assert 'hx-trigger="every 2s"' in body
    SampleDraw.objects.update(status="done")
    assert client.get(reverse("reviews:draw_status"), {"month": "2026-11"})["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    ("persona", "own", "other"),
    [
        ("manager", 200, 200),
        ("agent", 200, 404),
        ("outsider", 404, 200),
        ("lead", 200, 404),
        ("reviewer", 200, 200),
    ],
)
def test_interaction_visibility(client, as_user, drawn, agent, outsider, persona, own, other):
    as_user(persona)
    mine = Interaction.objects.filter(agent=agent, sample_items__assignment__isnull=False).first()
    theirs = Interaction.objects.filter(agent=outsider, sample_items__assignment__isnull=False).first()
    assert client.get(reverse("reviews:interaction_detail", kwargs={"pk": mine.pk})).status_code == own
    assert client.get(reverse("reviews:interaction_detail", kwargs={"pk": theirs.pk})).status_code == other


def test_reviewer_sees_only_assigned_interactions(client, as_user, drawn, agent):
    as_user("reviewer")
    not_sampled = Interaction.objects.filter(agent=agent, sample_items__isnull=True).first()
    assert client.get(reverse("reviews:interaction_detail", kwargs={"pk": not_sampled.pk})).status_code == 404


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


ITEMS = [
    {
        "source_id": "API-1",
        "agent": "agent",
        "channel": "phone",
        "started_at": "2026-11-03T10:00:00+00:00",
        "talk_seconds": 200,
        "csat": 4,
        "crm_case": "X1",
    },
    {"source_id": "API-2", "agent": "agent", "channel": "chat", "started_at": "2026-11-03T11:00:00Z"},
]


def test_api_import_is_all_or_nothing_and_idempotent(api, manager, agent):
    api.force_authenticate(manager)
    bad = [
        *ITEMS,
        {"source_id": "API-3", "agent": "nobody", "channel": "fax", "started_at": "soon", "csat": 9},
    ]
    response = api.post("/api/interactions/import/", {"interactions": bad}, format="json")
    assert response.status_code == 400
    assert response.data["message"] == "Nothing was imported: 4 problems were found."
    assert {(e["item"], e["field"]) for e in response.data["errors"]} == {
        (2, "agent"),
        (2, "channel"),
        (2, "started_at"),
        (2, "csat"),
    }
    assert not Interaction.objects.exists()

    response = api.post("/api/interactions/import/", {"interactions": ITEMS}, format="json")
    assert response.status_code == 200 and response.data == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "agents_created": 0,
    }
    assert Interaction.objects.get(source_id="API-1").extra == {"crm_case": "X1"}
    response = api.post("/api/interactions/import/", {"interactions": ITEMS}, format="json")
    assert response.data == {"created": 0, "updated": 0, "unchanged": 2, "agents_created": 0}


def test_api_import_with_a_token(api, manager, agent):
    from rest_framework.authtoken.models import Token

    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager).key}")
    assert api.post("/api/interactions/import/", {"interactions": ITEMS}, format="json").status_code == 200


@pytest.mark.parametrize("persona", ["reviewer", "lead", "agent"])
def test_api_import_is_for_managers_only(api, request, persona, agent):
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.post("/api/interactions/import/", {"interactions": ITEMS}, format="json").status_code == 403
    assert not Interaction.objects.exists()


def test_api_lists_what_the_caller_may_see(api, drawn, agent, outsider, manager):
    api.force_authenticate(agent)
    response = api.get("/api/interactions/")
    assert response.data["count"] == 30
    assert {r["agent"] for r in response.data["results"]} == {"agent"}
    theirs = Interaction.objects.filter(agent=outsider).first()
    assert api.get(f"/api/interactions/{theirs.pk}/").status_code == 404
    api.force_authenticate(manager)
    assert api.get("/api/interactions/").data["count"] == 60
    assert api.get(f"/api/interactions/{theirs.pk}/").data["source_id"] == theirs.source_id
    assert api.delete(f"/api/interactions/{theirs.pk}/").status_code == 405


def test_dates_of_sample_month_are_first_of_month(drawn):
    assert set(Assignment.objects.values_list("month", flat=True)) == {dt.date(2026, 11, 1)}


def test_interaction_page_and_api_query_counts_are_flat(client, as_user, team, reviewer):
    as_user("manager")
    api = APIClient()
    api.force_login(UserFactory(username="m2", role=Role.MANAGER))
    counts = []
    for size in (1, 5):
        for i in range(size):
            month_of_work(AgentFactory(username=f"i{size}-{i}", team=team), 20)
        services.sample_draw(month=NOV)
        sampled = Interaction.objects.filter(sample_items__isnull=False).last()
        url = reverse("reviews:interaction_detail", kwargs={"pk": sampled.pk})
        page, response = count_queries(lambda url=url: client.get(url))
        assert response.status_code == 200
        listed, response = count_queries(lambda: api.get("/api/interactions/", {"limit": 100}))
        assert response.status_code == 200
        counts.append((page, listed))
    assert counts[0] == counts[1], counts
