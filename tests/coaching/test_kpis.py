"""QA managers define KPI schemes and service-level thresholds; records follow after commit."""

import datetime as dt

import pytest
from django.urls import reverse

from coaching.models import KpiScheme, KpiSettings, PerformanceRecord, RecordLevel
from core.models import AuditAction, AuditEvent
from tests.coaching.conftest import NOV
from tests.factories import make_interaction

pytestmark = pytest.mark.django_db


def post_scheme(client, url, *, name, team=None, rows, **minimums):
    data = {"name": name, "channel": "", "team": team.pk if team else "", "w-TOTAL_FORMS": len(rows),
            "w-INITIAL_FORMS": 0, "w-MIN_NUM_FORMS": 0, "w-MAX_NUM_FORMS": 20, **minimums}  # fmt: skip
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"w-{i}-{key}"] = value
    return client.post(url, data)


ROW = {"kpi": "fcr", "section_name": "", "weight": "60", "target": "70", "direction": "higher", "cap": "100"}


def test_a_manager_gives_a_team_its_own_scheme_and_the_records_follow(
    client, manager, team, agent, django_capture_on_commit_callbacks
):
    make_interaction(
        agent, dt.datetime(2026, 11, 3, 10), "phone", wait_seconds=10, first_contact_resolved=True, csat=5
    )
    client.force_login(manager)
    qa = {
        "kpi": "section",
        "section_name": "Knowledge",
        "weight": "40",
        "target": "95",
        "direction": "higher",
        "cap": "100",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = post_scheme(
            client, reverse("coaching:kpi_scheme_create"), name="Team A's", team=team, rows=[ROW, qa]
        )
    assert response.status_code == 302
    scheme = KpiScheme.objects.get(name="Team A's")
    assert [(w.kpi, w.weight) for w in scheme.weights.all()] == [("fcr", 60), ("section", 40)]
    assert AuditEvent.objects.filter(action=AuditAction.KPI_SCHEME_SAVED, target_id=scheme.pk).exists()
    record = PerformanceRecord.objects.get(level=RecordLevel.AGENT, agent=agent, month=NOV)
    assert record.figures["composite"]["scheme"] == "Team A's"
    # One call: FCR's n = 1 is under the scheme's default minimum of 10, Knowledge has no reviews:
    # no weight counts, so the composite is "—", not 100.00 from a single call.
    fcr = record.figures["composite"]["rows"][0]
    assert record.figures["composite"]["value"] is None and fcr["too_few"] and fcr["attainment"] == "142.86"
    with django_capture_on_commit_callbacks(execute=True):
        post_scheme(
            client, reverse("coaching:kpi_scheme_edit", args=[scheme.pk]), name="Team A's", team=team,
            rows=[ROW, qa], min_n=1, min_weight=60,
        )  # fmt: skip
    record.refresh_from_db()
    assert (
        record.figures["composite"]["value"] == "100.00"
    )  # FCR 100 % capped (60 % of the weight: enough); Knowledge has no reviews: left out
    page = client.get(reverse("coaching:kpi_scheme_list")).content.decode()
    assert "Team A&#x27;s" in page and "Knowledge 40% → 95" in page


def test_weights_must_add_up_to_100_and_a_section_kpi_needs_its_section(client, manager):
    client.force_login(manager)
    url = reverse("coaching:kpi_scheme_create")
    response = post_scheme(client, url, name="Half", rows=[ROW])
    assert response.status_code == 400 and "add up to 60%" in response.content.decode()
    unnamed = ROW | {"kpi": "section", "weight": "100"}
    response = post_scheme(client, url, name="Unnamed", rows=[unnamed])
    assert response.status_code == 400
    assert not KpiScheme.objects.filter(name__in=["Half", "Unnamed"]).exists()


def test_a_manager_changes_an_existing_scheme(client, manager):
    scheme = KpiScheme.objects.get(name="Phone")
    client.force_login(manager)
    page = client.get(reverse("coaching:kpi_scheme_edit", args=[scheme.pk]))
    assert page.status_code == 200 and 'name="w-0-kpi"' in page.content.decode()
    response = post_scheme(
        client,
        reverse("coaching:kpi_scheme_edit", args=[scheme.pk]),
        name="Phone",
        rows=[ROW | {"weight": "100"}],
    )
    assert response.status_code == 302
    assert [(w.kpi, w.weight) for w in scheme.weights.all()] == [("fcr", 100)]


def test_service_level_thresholds(client, manager):
    client.force_login(manager)
    data = {"phone": 15, "chat": 45, "email": 3600, "social": 600, "other": 60}
    assert client.post(reverse("coaching:service_levels_edit"), data).status_code == 302
    assert KpiSettings.objects.get().threshold("chat") == 45
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_LEVELS_SAVED).exists()
    client.post(reverse("coaching:service_levels_edit"), data | {"chat": 0})
    assert KpiSettings.objects.get().threshold("chat") == 45  # refused, with a message


@pytest.mark.parametrize("persona", ["lead", "agent", "reviewer"])
def test_only_qa_managers_edit_schemes(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("coaching:kpi_scheme_list")).status_code == 403
    assert client.get(reverse("coaching:kpi_scheme_create")).status_code == 403
    assert client.post(reverse("coaching:service_levels_edit"), {}).status_code == 403
