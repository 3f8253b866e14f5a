"""The Excel report: one service behind the command, the dashboards' button (a job with a
progress bar) and the API; what it holds, how it is typed, and who may ask for what."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from coaching.models import PerformanceRecord, RecordLevel, ReportJob, ReportStatus
from coaching.services.records import records_rebuild
from coaching.services.reports import report_scope, report_write, safe_text
from core.models import Role
from tests.coaching.conftest import NOV
from tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db

SHEETS = ["Summary", "Agents", "Sections", "Criteria", "KPIs", "Reviews", "How computed"]


@pytest.fixture
def built(agent, outsider, release):
    release(agent)
    release(agent, c2="1")
    release(outsider, c3="no")
    records_rebuild(month=dt.date(2026, 10, 1))
    records_rebuild(month=NOV)


def write(user, tmp_path, team=None):
    path = tmp_path / "report.xlsx"
    summary = report_write(report_scope(user=user, month=NOV, team=team), path, csv_path=tmp_path / "r.csv")
    return openpyxl.load_workbook(path), summary


def test_the_workbook_has_every_sheet_typed_formatted_and_charted(built, manager, agent, tmp_path):
    book, summary = write(manager, tmp_path)
    assert book.sheetnames == SHEETS and summary == {"agents": 2, "reviews": 3}
    assert len(book["Summary"]._charts) == 2  # the 12-month line and the teams' bars
    agents = book["Agents"]
    assert agents.freeze_panes == "A2" and agents.auto_filter.ref == "A1:T3"
    assert len(agents.conditional_formatting) >= 1
    header = [c.value for c in agents[1]]
    row = {h: c for h, c in zip(header, agents[2], strict=False)}
    assert row["Agent"].value == str(agent) and row["n"].value == 2
    assert row["QA mean"].value == 90 and row["QA mean"].number_format == "0.00"
    reviews = book["Reviews"]
    assert isinstance(reviews["B2"].value, dt.datetime) and reviews["B2"].number_format == "yyyy-mm-dd"
    assert {c.value for c in reviews[1]} >= {"Knowledge", "Process", "Total"}
    assert book["How computed"]["A2"].value == "n"


def test_the_figures_agree_with_the_record_the_page_and_the_api(built, manager, agent, tmp_path, client):
    book, _summary = write(manager, tmp_path)
    record = PerformanceRecord.objects.get(level=RecordLevel.AGENT, agent=agent, month=NOV)
    header = [c.value for c in book["Agents"][1]]
    row = dict(zip(header, [c.value for c in book["Agents"][2]], strict=False))
    assert D(str(row["QA mean"])) == record.qa_mean
    assert D(str(row["95% low"])) == record.qa_low and D(str(row["95% high"])) == record.qa_high
    api = APIClient()
    api.force_authenticate(manager)
    (from_api,) = api.get("/api/records/", {"month": "2026-11", "level": "agent", "agent": agent.pk}).json()[
        "results"
    ]
    assert D(from_api["qa_mean"]) == record.qa_mean
    client.force_login(manager)
    page = client.get(
        reverse("coaching:agent_record", args=[agent.pk]), {"month": "2026-11"}
    ).content.decode()
    assert f">{record.qa_mean}<" in page


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_text_that_a_spreadsheet_would_run_is_escaped(manager, team, reviewer, keys, release, tmp_path, name):
    hostile = AgentFactory(username="hostile", team=team, first_name=name, last_name="")
    release(hostile)
    records_rebuild(month=NOV)
    book, _summary = write(manager, tmp_path)
    cell = book["Agents"]["A2"]
    assert cell.data_type == "s" and cell.value == "'" + name
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    assert rows[1][2].startswith("'")
    assert safe_text("plain") == "plain" and safe_text(None) == ""
    # A name can't start with a tab or CR (names are trimmed), but any other text can.
    assert safe_text("\tTab") == "'\tTab" and safe_text("\rCR") == "'\rCR"


def test_a_lead_reports_on_their_own_teams_only(built, lead, outsider, tmp_path):
    book, summary = write(lead, tmp_path)
    names = [c.value for c in book["Agents"]["A"]][1:]
    assert summary["agents"] == 1 and str(outsider) not in names
    from core.models import Team

    with pytest.raises(Team.DoesNotExist):
        report_scope(user=lead, month=NOV, team=outsider.team)


def test_the_button_queues_a_job_with_a_progress_page_and_a_download(
    built, client, lead, team, outsider, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("coaching:report_request"), {"month": "2026-11", "team": team.pk})
    job = ReportJob.objects.get()
    assert (
        response.url == reverse("coaching:report_detail", args=[job.pk]) and job.status == ReportStatus.DONE
    )
    page = client.get(response.url).content.decode()
    assert "Your report is ready" in page
    download = client.get(reverse("coaching:report_download", args=[job.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="qa-report-2026-11-team-a.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames == SHEETS
    as_csv = client.get(reverse("coaching:report_download", args=[job.pk]), {"file": "csv"})
    assert b"Review" in b"".join(as_csv.streaming_content)
    # Another team: 404; somebody else's job: 404; a bad month: a message, no job.
    assert (
        client.post(
            reverse("coaching:report_request"), {"month": "2026-11", "team": outsider.team.pk}
        ).status_code
        == 404
    )
    other = UserFactory(username="lead-b", role=Role.LEAD)
    client.force_login(other)
    assert client.get(reverse("coaching:report_detail", args=[job.pk])).status_code == 404
    client.force_login(lead)
    client.post(reverse("coaching:report_request"), {"month": "soon"}, HTTP_REFERER="/team/")
    assert ReportJob.objects.count() == 1


def test_a_queued_report_shows_its_progress_and_an_agent_may_not_ask(built, client, lead, agent, team):
    job = ReportJob.objects.create(created_by=lead, month=NOV, team=team)
    client.force_login(lead)
    fragment = client.get(reverse("coaching:report_progress", args=[job.pk])).content.decode()
    assert "<progress" in fragment and 'hx-trigger="every 1s"' in fragment
    client.force_login(agent)
    assert client.post(reverse("coaching:report_request"), {"month": "2026-11"}).status_code == 403


def test_a_failed_report_says_why(built, lead, team, monkeypatch):
    from coaching.services import reports

    job = ReportJob.objects.create(created_by=lead, month=NOV, team=team)
    monkeypatch.setattr(reports, "report_write", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    reports.report_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ReportStatus.FAILED and "disk full" in job.message
    reports.report_job_run(job.pk)  # claimed already: nothing runs twice


def test_the_api_queues_a_report_and_serves_the_file(built, manager, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(manager)
    with django_capture_on_commit_callbacks(execute=True):
        queued = api.post("/api/reports/", {"month": "2026-11"}, format="json")
    assert queued.status_code == 202
    detail = api.get(f"/api/reports/{queued.json()['id']}/").json()
    assert (
        detail["status"] == "done" and detail["progress"] == 100 and detail["download"].endswith("/download/")
    )
    file = api.get(detail["download"])
    assert file.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(b"".join(file.streaming_content))).sheetnames == SHEETS
    assert api.post("/api/reports/", {"month": "nope"}, format="json").status_code == 400


def test_export_report_command(built, tmp_path, capsys, lead, team):
    out = tmp_path / "r.xlsx"
    call_command("export_report", "--month", "2026-11", "-o", str(out), "--csv")
    assert "2 agents, 3 reviews" in capsys.readouterr().out and (tmp_path / "r-reviews.csv").exists()
    assert openpyxl.load_workbook(out).sheetnames == SHEETS
    call_command("export_report", "--month", "2026-11", "--team", "team a", "-o", str(out))
    assert "1 agents, 2 reviews" in capsys.readouterr().out
    call_command("export_report", "--month", "2026-11", "--as-user", lead.username, "-o", str(out))
    assert "1 agents" in capsys.readouterr().out
    for args, message in (
        (["--month", "11/2026"], "YYYY-MM"),
        (["--month", "2026-11", "--team", "Nope"], "No team 'Nope'"),
        (["--month", "2026-11", "--as-user", "ghost"], "No user"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("export_report", *args, "-o", str(out))
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("export_report", "--month", "2026-11", "-o", str(tmp_path / "r.txt"))


def test_the_kpis_sheet_and_the_pages_show_each_teams_queues(manager, agent, team, tmp_path, client):
    from tests.factories import make_interaction

    for day, (answered, wait) in enumerate([(True, 10), (True, 40), (False, 60)], 1):
        make_interaction(agent, dt.datetime(2026, 11, day, 10), "phone", queue="=Billing", answered=answered,
                         wait_seconds=wait)  # fmt: skip
    records_rebuild(month=NOV)
    book, _summary = write(manager, tmp_path)
    rows = [[c.value for c in row] for row in book["KPIs"].iter_rows(min_row=2)]
    queue = {r[1]: (r[2], r[3]) for r in rows if r[0] == f"{team.name} · =Billing"}
    assert queue["Offered"] == (3, 3)
    assert queue["Abandonment rate"] == (33.33, 3) and queue["Service level"] == (33.33, 3)
    # The team's own KPIs, by name (not "aht"), as the team page shows them
    whole = {r[1]: (r[2], r[3]) for r in rows if r[0] == team.name}
    assert whole["Average wait / speed of answer (s)"] == (25, 2) and whole["Abandonment rate"] == (33.33, 3)
    assert whole["Escalation rate"] == (None, 0)  # no escalated column: unknown, empty cell
    assert "Average wait / speed of answer (s)" in [c.value for c in book["Agents"][1]]
    client.force_login(manager)
    for url in (reverse("coaching:team_dashboard", args=[team.pk]), reverse("coaching:programme")):
        body = client.get(url, {"month": "2026-11"}).content.decode()
        table = body[body.index('id="queues-h"') :]
        assert "=Billing" in table and "33.3%" in table
        kpis = body[body.index('id="team-kpis-h"') : body.index('id="queues-h"')]
        assert "25 s" in kpis and "33.3 %" in kpis and "n&nbsp;=&nbsp;3" in kpis
