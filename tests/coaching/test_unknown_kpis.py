"""Figures that tell the truth on incomplete files (issue 17 §4): a KPI whose column the file did
not have is "—" with n = 0, never 0.00 %; an empty cell in a column the file has is "no";
resolution and FCR count handled contacts only (docs/metrics.md, worked example 6b)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from coaching.models import PerformanceRecord, RecordLevel
from reviews.models import Interaction
from tests.factories import AgentFactory
from tests.reviews.spreadsheets import write_csv

pytestmark = pytest.mark.django_db

HEAD = ["Call Id", "Agent", "Start time", "Media", "Talk"]


def _import(tmp_path, rows, head=HEAD):
    from django.test import TestCase

    path = write_csv(tmp_path / "calls.csv", [head, *rows])
    with TestCase.captureOnCommitCallbacks(execute=True):  # the rebuild after the import's commit
        call_command("import_interactions", str(path), stdout=StringIO(), stderr=StringIO())


def _kpis(level=RecordLevel.AGENT) -> dict:
    record = PerformanceRecord.objects.get(level=level, month="2026-11-01")
    return {code: (f["value"], f["n"]) for code, f in record.figures["kpis"].items()}


@pytest.fixture
def ana(team):
    return AgentFactory(username="ana", team=team)


def test_columns_a_file_did_not_have_are_unknown_not_no(tmp_path, ana, manager, client):
    _import(tmp_path, [[f"K-{i}", "ana", f"2026-11-0{i} 10:00", "phone", 300] for i in range(1, 5)])
    interaction = Interaction.objects.first()
    assert (interaction.escalated, interaction.repeat_contact, interaction.answered_known) == (
        None,
        None,
        False,
    )
    for level in (RecordLevel.AGENT, RecordLevel.TEAM, RecordLevel.PROGRAMME):
        kpis = _kpis(level)
        assert kpis["escalation"] == kpis["repeat"] == kpis["abandonment"] == (None, 0), level
        assert kpis["service_level"] == (None, 0), level
        assert kpis["aht"] == ("300.00", 4)  # what the file had is computed
    api = APIClient()
    api.force_authenticate(manager)
    record = api.get("/api/records/", {"month": "2026-11", "level": "agent"}).json()["results"][0]
    assert record["kpis"]["escalation"] == {"value": None, "n": 0}
    client.force_login(manager)
    page = client.get(reverse("coaching:agent_record", args=[ana.pk]), {"month": "2026-11"}).content.decode()
    assert "0.00 %" not in page and "0.00%" not in page


def test_an_empty_cell_in_a_column_the_file_has_is_no(tmp_path, ana):
    _import(
        tmp_path,
        [["K-1", "ana", "2026-11-03 10:00", "phone", 300, "Y", "", "Y"],
         ["K-2", "ana", "2026-11-04 10:00", "phone", 300, "", "", "Y"],
         ["K-3", "ana", "2026-11-05 10:00", "phone", 0, "", "", "N"]],
        head=[*HEAD, "Escalated", "Repeat contact", "Answered"],
    )  # fmt: skip
    kpis = _kpis()
    assert kpis["escalation"] == ("50.00", 2)  # handled calls: K-1 (yes), K-2 (empty: no)
    assert kpis["repeat"] == ("0.00", 2)
    assert kpis["abandonment"] == ("33.33", 3)


def test_resolution_and_fcr_count_handled_contacts_only(tmp_path, ana):
    """Worked example 6b: a real file marks every abandoned call "resolved = N"."""
    _import(
        tmp_path,
        [["K-1", "ana", "2026-11-03 10:00", "phone", 300, "Y", "Y", "Y"],
         ["K-2", "ana", "2026-11-03 11:00", "phone", 300, "Y", "Y", "N"],
         ["K-3", "ana", "2026-11-03 12:00", "phone", 300, "Y", "N", "N"],
         ["K-4", "ana", "2026-11-03 13:00", "phone", 0, "N", "N", "N"],
         ["K-5", "ana", "2026-11-03 14:00", "phone", 0, "N", "N", "N"]],
        head=[*HEAD, "Answered", "Resolved", "First contact resolution"],
    )  # fmt: skip
    kpis = _kpis()
    assert kpis["resolution"] == ("66.67", 3)  # 2 of the 3 handled; 2 of 5 would be 40.00
    assert kpis["fcr"] == ("33.33", 3)
    assert kpis["abandonment"] == ("40.00", 5)


def test_the_dry_run_names_the_missing_columns_and_the_kpis_they_cost(tmp_path, ana):
    path = write_csv(tmp_path / "calls.csv", [HEAD, ["K-1", "ana", "2026-11-03 10:00", "phone", 300]])
    out = StringIO()
    call_command("import_interactions", str(path), "--dry-run", stdout=out, stderr=StringIO())
    text = out.getvalue()
    for field, kpi in [
        ("Answered", "abandonment and service level will be “—”"),
        ("Resolved", "the resolution rate will be “—”"),
        ("Escalated", "the escalation rate will be “—”"),
        ("Repeat contact", "the repeat-contact rate will be “—”"),
        ("Resolved on first contact", "(FCR) will be “—”"),
    ]:
        assert f"No column is chosen for {field}" in text and kpi in text, field
    assert Interaction.objects.count() == 0
