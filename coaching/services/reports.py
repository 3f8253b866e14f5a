"""The monthly Excel report: one service, used by `export_report`, the dashboards' button (a job
with a progress bar) and the API. It holds only what the asking person may see, and every figure
is a stored record's (docs/metrics.md), so the workbook agrees with the pages.

openpyxl in write-only mode (rows stream to disk); numbers are numbers with number formats,
dates are dates, and text that a spreadsheet would run as a formula is escaped.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.display import person
from core.exceptions import DomainError
from core.jobs import MSG_SEND_FAILED
from core.models import AuditAction, Channel, Team
from core.permissions import Scope, scope_of
from reviews.models import Review, ReviewStatus

from .. import metrics
from ..models import PerformanceRecord, RecordLevel, ReportJob, ReportStatus
from .records import RELEASED, month_start, previous_month

REPORT_STEPS = 7  # the sheets, each a step of the progress bar
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TWO_PLACES = "0.00"
PERCENT = '0.00"%"'
BOLD = Font(bold=True)
RED = PatternFill("solid", fgColor="FDECEA")
GREEN = PatternFill("solid", fgColor="E3F4E8")
AMBER = PatternFill("solid", fgColor="FFF4E0")


def safe_text(value) -> str:
    """Text a spreadsheet will show, never run: a leading = + - @ tab or CR gets a ' before it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass
class ReportScope:
    """What goes in: a month, the teams the person may see (or one of them)."""

    month: dt.date
    teams: list[Team]
    whole_programme: bool

    @property
    def title(self) -> str:
        who = _("all teams") if self.whole_programme else ", ".join(t.name for t in self.teams)
        return _("QA report %(month)s: %(who)s") % {"month": f"{self.month:%Y-%m}", "who": who}


def report_scope(*, user, month: dt.date, team: Team | None = None) -> ReportScope:
    """The teams `user` may report on (a lead their own, a QA manager any; None: the operator
    of a command, every team): raises Team.DoesNotExist when `team` is not one of them (a page
    answers 404)."""
    from core.selectors import team_list_for

    everything = user is None
    visible = list((Team.objects.all() if everything else team_list_for(user=user)).order_by("name"))
    if team is not None:
        if team.pk not in {t.pk for t in visible}:
            raise Team.DoesNotExist
        return ReportScope(month_start(month), [team], False)
    return ReportScope(month_start(month), visible, everything or scope_of(user) == Scope.ALL)


class _Sheet:
    """A write-only sheet with typed cells: Decimals as numbers with a format, dates as dates."""

    def __init__(self, workbook: Workbook, title: str, header: list[str]):
        self.ws = workbook.create_sheet(title)
        self.width = len(header)
        self.rows = 1
        self.ws.freeze_panes = "A2"
        self.ws.append([self.cell(h, bold=True) for h in header])

    def cell(self, value, *, number_format: str | None = None, bold: bool = False, fill=None):
        if isinstance(value, str):
            value = safe_text(value)
        elif isinstance(value, Decimal):
            number_format = number_format or TWO_PLACES
        cell = WriteOnlyCell(self.ws, value=value)
        if number_format:
            cell.number_format = number_format
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        if bold:
            cell.font = BOLD
        if fill is not None:
            cell.fill = fill
        return cell

    def append(self, values: list) -> None:
        self.ws.append([v if isinstance(v, Cell) else self.cell(v) for v in values])
        self.rows += 1

    def finish(self, widths: dict[int, int] | None = None) -> None:
        if self.rows > 1:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(self.width)}{self.rows}"
        for index, width in (widths or {}).items():
            self.ws.column_dimensions[get_column_letter(index)].width = width


def _dec(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def report_write(
    scope: ReportScope, path, *, progress: Callable[[int, int], None] | None = None, csv_path=None
) -> dict:
    """Write the workbook for `scope` to `path` (and the Reviews sheet as CSV to `csv_path`);
    returns counts. `progress(done, total)` is told as sheets are written."""
    progress = progress or (lambda done, total: None)
    team_ids = [t.pk for t in scope.teams]
    agents = list(
        PerformanceRecord.objects.filter(level=RecordLevel.AGENT, month=scope.month, team_id__in=team_ids)
        .select_related("agent", "team")
        .order_by("team__name", "agent__first_name", "agent__last_name", "agent__username")
    )
    # In review order: the index's order, so the database streams the rows instead of sorting
    # the month (a sort holds every row, section results included, in memory).
    reviews = Review.objects.filter(
        status__in=RELEASED, interaction__local_month=scope.month, agent__team_id__in=team_ids
    ).order_by("pk")
    workbook = Workbook(write_only=True)
    _summary(workbook, scope, team_ids)
    progress(1, REPORT_STEPS)
    _agents(workbook, agents)
    progress(2, REPORT_STEPS)
    _sections(workbook, agents)
    progress(3, REPORT_STEPS)
    _criteria(workbook, agents)
    progress(4, REPORT_STEPS)
    teams = list(
        PerformanceRecord.objects.filter(level=RecordLevel.TEAM, month=scope.month, team_id__in=team_ids)
        .select_related("team")
        .order_by("team__name")
    )
    _kpis(workbook, agents, teams)
    progress(5, REPORT_STEPS)
    written = _reviews(workbook, reviews, csv_path, beat=lambda: progress(5, REPORT_STEPS))
    progress(6, REPORT_STEPS)
    _how_computed(workbook)
    workbook.save(path)
    progress(7, REPORT_STEPS)
    return {"agents": len(agents), "reviews": written}


def _summary(workbook: Workbook, scope: ReportScope, team_ids: list[int]) -> None:
    sheet = _Sheet(workbook, _("Summary"), [_("Figure"), _("Value"), "n"])
    months = [scope.month]
    while len(months) < 12:
        months.insert(0, previous_month(months[0]))
    if scope.whole_programme:
        trend = {
            r.month: r
            for r in PerformanceRecord.objects.filter(level=RecordLevel.PROGRAMME, month__in=months)
        }
    else:
        trend = {}
        for r in PerformanceRecord.objects.filter(
            level=RecordLevel.TEAM, team_id__in=team_ids, month__in=months
        ):
            trend.setdefault(r.month, []).append(r)
        trend = {m: rs[0] if len(rs) == 1 else None for m, rs in trend.items()}  # one team: its trend
    current = trend.get(scope.month)
    sheet.append([sheet.cell(scope.title, bold=True), None, None])
    sheet.append([_("Month"), scope.month, None])
    if current is not None:
        nn = current.figures.get("ninety_ninety") or {}
        for label, value, n, fmt in (
            (_("QA mean"), current.qa_mean, current.reviews_n, None),
            # xgettext:no-python-format
            (_("95% interval, low"), current.qa_low, current.reviews_n, None),
            # xgettext:no-python-format
            (_("95% interval, high"), current.qa_high, current.reviews_n, None),
            (_("QA target"), current.qa_target, current.reviews_n, None),
            (_("Critical failures"), current.critical_n, current.reviews_n, None),
            (_("Composite"), current.composite, None, None),
            # xgettext:no-python-format
            (_("Agents at ≥ 90% of target (90/90)"), _dec(nn.get("share")), nn.get("n"), PERCENT),
        ):
            sheet.append([label, sheet.cell(value, number_format=fmt) if value is not None else "—", n])
    sheet.append([None, None, None])
    sheet.append(
        [sheet.cell(_("Month"), bold=True), sheet.cell(_("QA mean"), bold=True), sheet.cell("n", bold=True)]
    )
    header_row = sheet.rows
    for m in months:
        r = trend.get(m)
        sheet.append(
            [f"{m:%Y-%m}", r.qa_mean if r and r.qa_mean is not None else None, r.reviews_n if r else 0]
        )
    last = sheet.rows
    line = LineChart()
    line.title = _("QA mean, 12 months")
    line.y_axis.title = _("QA mean")
    line.x_axis.title = _("Month")
    line.add_data(Reference(sheet.ws, min_col=2, min_row=header_row, max_row=last), titles_from_data=True)
    line.set_categories(Reference(sheet.ws, min_col=1, min_row=header_row + 1, max_row=last))
    line.height, line.width = 7.5, 16
    sheet.ws.add_chart(line, "E2")
    teams = list(
        PerformanceRecord.objects.filter(level=RecordLevel.TEAM, team_id__in=team_ids, month=scope.month)
        .select_related("team")
        .order_by("team__name")
    )
    if teams:
        sheet.append([None, None, None])
        team_header = sheet.rows + 1
        sheet.append(
            [
                sheet.cell(_("Team"), bold=True),
                sheet.cell(_("QA mean"), bold=True),
                sheet.cell("n", bold=True),
            ]
        )
        for r in teams:
            sheet.append([r.team.name, r.qa_mean, r.reviews_n])
        bars = BarChart()
        bars.title = _("QA mean by team")
        bars.add_data(
            Reference(sheet.ws, min_col=2, min_row=team_header, max_row=sheet.rows), titles_from_data=True
        )
        bars.set_categories(Reference(sheet.ws, min_col=1, min_row=team_header + 1, max_row=sheet.rows))
        bars.height, bars.width = 7.5, 16
        sheet.ws.add_chart(bars, "E18")
    sheet.finish({1: 34, 2: 14, 3: 8})


AGENT_KPIS = ("volume", "aht", "asa", "fcr", "csat", "nps")


def kpi_name(code: str) -> str:
    """A KPI in words, as the pages name it ("Average handle time (s)", not "aht")."""
    from ..models import Kpi

    try:
        return str(Kpi(code).label)
    except ValueError:
        return code


def _agents(workbook: Workbook, agents: list[PerformanceRecord]) -> None:
    header = [
        _("Agent"), _("Team"), "n", _("QA mean"),
        # xgettext:no-python-format
        _("95% low"),
        # xgettext:no-python-format
        _("95% high"),
        _("Median"), _("Min"), _("Max"),
        _("Target"), _("Critical failures"), _("Composite"), _("Flags"),
        *[kpi_name(k) for k in AGENT_KPIS], _("Interactions"),
    ]  # fmt: skip
    sheet = _Sheet(workbook, _("Agents"), header)
    for r in agents:
        qa, kpis = r.figures["qa"], r.figures["kpis"]
        sheet.append([
            str(r.agent), r.team.name if r.team else "", r.reviews_n, r.qa_mean, r.qa_low, r.qa_high,
            _dec(qa["median"]), _dec(qa["min"]), _dec(qa["max"]), r.qa_target, r.critical_n, r.composite,
            ", ".join(r.flags), *[_dec(kpis[k]["value"]) for k in AGENT_KPIS], r.interactions_n,
        ])  # fmt: skip
    if agents:
        # Against targets: the QA mean under its target in red, at or over it in green.
        rows = f"D2:D{sheet.rows}"
        sheet.ws.conditional_formatting.add(rows, CellIsRule(operator="lessThan", formula=["$J2"], fill=RED))
        sheet.ws.conditional_formatting.add(
            rows, CellIsRule(operator="greaterThanOrEqual", formula=["$J2"], fill=GREEN)
        )
    sheet.finish({1: 24, 2: 16, 13: 30})


def _sections(workbook: Workbook, agents: list[PerformanceRecord]) -> None:
    sheet = _Sheet(
        workbook, _("Sections"), [_("Agent"), _("Section"), "n", _("Mean"), _("Target"), _("Attainment %")]
    )
    for r in agents:
        for s in r.figures["qa"]["sections"]:
            sheet.append(
                [str(r.agent), s["name"], s["n"], _dec(s["mean"]), _dec(s["target"]), _dec(s["attainment"])]
            )
    if sheet.rows > 1:
        rows = f"F2:F{sheet.rows}"
        sheet.ws.conditional_formatting.add(rows, CellIsRule(operator="lessThan", formula=["90"], fill=RED))
        sheet.ws.conditional_formatting.add(
            rows, CellIsRule(operator="between", formula=["90", "99.99"], fill=AMBER)
        )
        sheet.ws.conditional_formatting.add(
            rows, CellIsRule(operator="greaterThanOrEqual", formula=["100"], fill=GREEN)
        )
    sheet.finish({1: 24, 2: 28})


def _criteria(workbook: Workbook, agents: list[PerformanceRecord]) -> None:
    sheet = _Sheet(
        workbook, _("Criteria"), [_("Agent"), _("Criterion"), _("Kind"), "n", _("Pass rate or mean %")]
    )
    for r in agents:
        for c in r.figures["qa"]["criteria"]:
            kind = _("pass rate") if c["kind"] == "yes_no" else _("mean of scale")
            sheet.append([str(r.agent), c["label"], kind, c["n"], _dec(c["value"])])
    sheet.finish({1: 24, 2: 60})


def _kpis(workbook: Workbook, agents: list[PerformanceRecord], teams: list[PerformanceRecord]) -> None:
    """Every agent's KPIs, each team's (as the team page shows them), then each team's queues
    (docs/metrics.md, "Queues"). KPIs by name; "—" figures are empty cells with n = 0."""
    sheet = _Sheet(workbook, _("KPIs"), [_("Agent, team, or team · queue"), _("KPI"), _("Value"), "n"])
    names = {code: kpi_name(code) for code in metrics.kpi_exact({})}
    for r in agents:
        for code, k in r.figures["kpis"].items():
            sheet.append([str(r.agent), names.get(code, code), _dec(k["value"]), k["n"]])
    for r in teams:
        for code, k in r.figures["kpis"].items():
            sheet.append([r.team.name, names.get(code, code), _dec(k["value"]), k["n"]])
    no_queue, offered = str(_("no queue")), str(_("Offered"))
    for r in teams:
        for q in r.figures.get("queues", []):
            who = f"{r.team.name} · {q['queue'] or no_queue}"
            sheet.append([who, offered, q["offered"], q["offered"]])
            for code in metrics.QUEUE_KPIS:
                sheet.append([who, names[code], _dec(q[code]["value"]), q[code]["n"]])
    sheet.finish({1: 30, 2: 16})


REVIEW_FIELDS = (
    "pk", "interaction__local_date", "agent__first_name", "agent__last_name", "agent__username",
    "agent__team__name", "reviewer__first_name", "reviewer__last_name", "reviewer__username",
    "interaction__channel", "rubric__name", "rubric__version", "total", "raw_total", "critical_failed",
    "status", "sections",
)  # fmt: skip


def _reviews(workbook: Workbook, reviews, csv_path, beat: Callable[[], None] = lambda: None) -> int:
    """Every released review of the month with its section scores (one column per section
    name). Streamed: rows are read in chunks and written as they come, never all held at once."""
    from scoring.selectors import section_names

    names = section_names(set(reviews.order_by().values_list("rubric_id", flat=True).distinct()))
    sections = list(dict.fromkeys(names.values()))
    column = {name: i for i, name in enumerate(sections)}
    header = [
        _("Review"), _("Date"), _("Agent"), _("Team"), _("Reviewer"), _("Channel"), _("Rubric"), _("Version"),
        _("Total"), _("Before critical failure"), _("Critical failure"), _("Status"), *sections,
    ]  # fmt: skip
    sheet = _Sheet(workbook, _("Reviews"), header)
    channels = {key: str(label) for key, label in Channel.choices}  # translated once, not per row
    statuses = {key: str(label) for key, label in ReviewStatus.choices}
    yes, no = _("yes"), _("no")
    out = open(csv_path, "w", newline="", encoding="utf-8-sig") if csv_path is not None else None  # noqa: SIM115
    writer = csv.writer(out) if out is not None else None
    if writer:
        writer.writerow([safe_text(h) for h in header])
    # One styled cell per typed column, given each row's value in turn: openpyxl writes a row
    # as it is appended, and registering a number format for every new cell cost a third of
    # the export (bench/export.py). Dates need none: openpyxl gives a date yyyy-mm-dd itself.
    total_cell, raw_cell = sheet.cell(Decimal(0)), sheet.cell(Decimal(0))
    score_cells = [sheet.cell(Decimal(0)) for _name in sections]

    def typed(cell, value):
        if value is None:
            return None
        cell.value = value
        return cell

    ws, count = sheet.ws, 0
    try:
        for row in reviews.values_list(*REVIEW_FIELDS).iterator(chunk_size=2000):
            (pk, day, a_first, a_last, a_user, team, r_first, r_last, r_user, channel, rubric, version,
             total, raw, critical, status, section_results) = row  # fmt: skip
            scores = [None] * len(sections)
            for s in section_results:
                name = names.get(s["key"])
                if name is not None and s.get("score") is not None:
                    scores[column[name]] = Decimal(s["score"])
            text = [
                safe_text(person(a_first, a_last, a_user)), safe_text(team or ""), safe_text(person(r_first, r_last, r_user)),
                channels.get(channel, channel), safe_text(rubric),
            ]  # fmt: skip
            ws.append([
                pk, day, *text, version, typed(total_cell, total), typed(raw_cell, raw),
                yes if critical else no, statuses.get(status, status),
                *[typed(c, v) for c, v in zip(score_cells, scores, strict=True)],
            ])  # fmt: skip
            sheet.rows += 1
            count += 1
            if count % 2000 == 0:
                beat()  # the job's heartbeat through a long month
            if writer:
                writer.writerow([
                    pk, day, *text, version, total, raw, yes if critical else no, statuses.get(status, status),
                    *["" if v is None else v for v in scores],
                ])  # fmt: skip
    finally:
        if out is not None:
            out.close()
    sheet.finish({3: 24, 4: 16, 5: 20, 7: 28})
    return count


HOW = (
    (
        gettext_lazy("n"),
        gettext_lazy(
            "Released reviews of the month (the month of the interaction reviewed); drafts never count."
        ),
    ),
    (
        gettext_lazy("QA mean"),
        gettext_lazy("Σ total ÷ n; a critical failure scores 0 (the total before it is kept)."),
    ),
    (
        gettext_lazy("95% interval"),
        gettext_lazy("mean ± t(0.975, n − 1) × s ÷ √n, from n = 2, clipped to 0–100."),
    ),
    (
        gettext_lazy("Target"),
        gettext_lazy("The mean over the reviews of Σ (section weight × section target) ÷ Σ weights."),
    ),
    (gettext_lazy("Section attainment"), gettext_lazy("Section mean ÷ mean section target × 100.")),
    (
        gettext_lazy("Criterion"),
        # xgettext:no-python-format
        gettext_lazy("Yes/no: answers yes ÷ answers (N/A left out). Scales: mean score as % of the scale."),
    ),
    (gettext_lazy("AHT"), gettext_lazy("Σ (talk + hold + after-contact work) ÷ handled, seconds.")),
    (gettext_lazy("FCR"), gettext_lazy("Resolved on first contact ÷ interactions with a value × 100.")),
    (gettext_lazy("CSAT"), gettext_lazy("Answers of 4 or 5 ÷ answers × 100.")),
    (gettext_lazy("NPS"), gettext_lazy("(answers 9–10 − answers 0–6) ÷ answers × 100.")),
    (gettext_lazy("Abandonment"), gettext_lazy("(offered − handled) ÷ offered × 100, per team and queue.")),
    (
        gettext_lazy("Service level"),
        gettext_lazy(
            "Answered within the channel's threshold ÷ (answered with a wait time + abandoned) × 100."
        ),
    ),
    (
        gettext_lazy("Composite"),
        gettext_lazy(
            "Σ weight × min(attainment, cap) ÷ Σ weight over KPIs with data (the scheme's weights)."
        ),
    ),
    (
        gettext_lazy("90/90"),
        gettext_lazy("Share of agents with a QA mean at ≥ 90% of their target; the rule asks for 90%."),
    ),
    (
        gettext_lazy("Flags"),
        gettext_lazy("below_target, falling (interval wholly below last month's), critical, short_sample."),
    ),
    (gettext_lazy("More"), gettext_lazy("docs/metrics.md: every formula with a worked example.")),
)


def _how_computed(workbook: Workbook) -> None:
    sheet = _Sheet(workbook, _("How computed"), [_("Figure"), _("How it is computed")])
    for figure, how in HOW:
        sheet.append([str(figure), str(how)])
    sheet.finish({1: 22, 2: 110})


# -- the background job --------------------------------------------------------------------------

MSG_REPORT_FAILED = gettext_lazy(
    "The report could not be built (%(error)s). Nothing was lost: request it again."
)


MSG_REPORT_STUCK = gettext_lazy(
    "This report is still being built: it can be restarted only if it stops showing progress."
)
MSG_REPORT_STOPPED = gettext_lazy(
    "Stopped: its worker showed no sign of life. Nothing was lost: request it again."
)
REPORT_ACTIVE = (ReportStatus.QUEUED, ReportStatus.RUNNING)


def report_job_create(*, actor, month: dt.date, team: Team | None = None) -> ReportJob:
    """Queue a report of what `actor` may see (a team they may not see: Team.DoesNotExist, 404).
    The same request from the same person while one is queued or being built returns that job
    (the database holds one such job per person, month and team)."""
    from core.jobs import broker_check, enqueue
    from core.services import audit_record

    from ..tasks import report_build

    report_scope(user=actor, month=month, team=team)  # refuses a team they may not see
    same = ReportJob.objects.filter(
        created_by=actor, month=month_start(month), team=team, status__in=REPORT_ACTIVE
    )
    if (running := same.first()) is not None and not report_job_is_stuck(running):
        return running
    broker_check()
    try:
        with transaction.atomic():
            for active in same:  # one whose worker died is replaced; a live one (a race) is not
                if report_job_is_stuck(active):
                    _report_fail(active, None, MSG_REPORT_STOPPED)
            job = ReportJob.objects.create(created_by=actor, month=month_start(month), team=team)
            audit_record(actor=actor, action=AuditAction.REPORT_REQUESTED, target=job, summary=str(job))
            enqueue(report_build, job.pk, on_send_failed=lambda exc: _report_fail(job, None, MSG_SEND_FAILED))
    except IntegrityError:  # the same request at the same moment: theirs is the job
        return same.get()
    return job


def _report_fail(job: ReportJob, exc: BaseException | None, message) -> None:
    from core.jobs import job_fail

    job_fail(
        ReportJob, "report", job, exc, status=ReportStatus.FAILED, message=message,
        finished_at=timezone.now(), claimed_at=None,
    )  # fmt: skip


def report_job_is_stuck(job: ReportJob) -> bool:
    """Queued or building, and silent for JOB_STALE_SECONDS (its worker was killed)."""
    from core.jobs import job_is_stuck

    return job_is_stuck(job, "report", running=REPORT_ACTIVE, since=job.claimed_at or job.created_at)


def report_job_restart(*, actor, job: ReportJob) -> ReportJob:
    """Queue a report again after its worker died (the claim is taken over)."""
    from core.jobs import broker_check, enqueue
    from core.services import audit_record

    from ..tasks import report_build

    job.refresh_from_db()
    if not report_job_is_stuck(job):
        raise DomainError(MSG_REPORT_STUCK)
    broker_check()
    with transaction.atomic():
        ReportJob.objects.filter(pk=job.pk).update(status=ReportStatus.QUEUED, claimed_at=None, message="")
        audit_record(actor=actor, action=AuditAction.REPORT_RESTARTED, target=job, summary=str(job))
        enqueue(report_build, job.pk, on_send_failed=lambda exc: _report_fail(job, None, MSG_SEND_FAILED))
    job.refresh_from_db()
    return job


def report_job_run(job_id: int) -> None:
    """Build a queued report (claimed first: running it twice builds it once; a claim whose
    worker went silent is taken over, as a redelivered task does after a worker was killed)."""
    from django.core.files import File

    from core.jobs import job_claim, progress_clear, progress_set

    job = job_claim(ReportJob, "report", job_id, status=ReportStatus.QUEUED) or job_claim(
        ReportJob, "report", job_id, status=ReportStatus.RUNNING
    )
    if job is None:
        return
    ReportJob.objects.filter(pk=job_id).update(status=ReportStatus.RUNNING)
    job = ReportJob.objects.select_related("created_by", "team").get(pk=job_id)
    progress_set("report", job_id, done=0, total=REPORT_STEPS)
    try:
        scope = report_scope(user=job.created_by, month=job.month, team=job.team)
        with tempfile.TemporaryDirectory() as folder:
            xlsx, csv_path = Path(folder) / "report.xlsx", Path(folder) / "reviews.csv"
            summary = report_write(
                scope, xlsx, csv_path=csv_path,
                progress=lambda done, total: progress_set("report", job_id, done=done, total=total),
            )  # fmt: skip
            with open(xlsx, "rb") as f1, open(csv_path, "rb") as f2:
                job.file.save(f"{job.filename}.xlsx", File(f1), save=False)
                job.csv_file.save(f"{job.filename}-reviews.csv", File(f2), save=False)
        job.summary, job.status, job.finished_at = summary, ReportStatus.DONE, timezone.now()
        job.save(update_fields=["file", "csv_file", "summary", "status", "finished_at"])
    except Exception as exc:  # logged with its traceback; the person is told to ask again
        _report_fail(job, exc, MSG_REPORT_FAILED % {"error": exc})
    finally:
        progress_clear("report", job_id)


def report_progress(job: ReportJob) -> int:
    """How far a report has got, in percent (the page's bar and the API's figure)."""
    from core.jobs import progress_get

    if job.status == ReportStatus.DONE:
        return 100
    live = progress_get("report", job.pk) or {}
    return round(100 * (live.get("done") or 0) / (live.get("total") or REPORT_STEPS))


def report_job_get_for(*, user, pk: int) -> ReportJob:
    """A report job its requester (or a QA manager) may see; anyone else: 404."""
    from django.shortcuts import get_object_or_404

    qs = ReportJob.objects.select_related("team")
    if scope_of(user) != Scope.ALL:
        qs = qs.filter(created_by=user)
    return get_object_or_404(qs, pk=pk)


def report_file_response(job: ReportJob, *, as_csv: bool = False):
    """The finished file as a download; 404 while it is not ready."""
    from django.http import FileResponse, Http404

    stored = job.csv_file if as_csv else job.file
    if job.status != ReportStatus.DONE or not stored:
        raise Http404
    name = f"{job.filename}-reviews.csv" if as_csv else f"{job.filename}.xlsx"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)
