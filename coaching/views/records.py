"""Dashboards: the team's month, an agent's record (and My performance), the programme."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from core.cache import cached_html
from core.exceptions import DomainError
from core.fields import month_to_open
from core.filters import page_filters
from core.models import Channel, Team
from core.permissions import Capability, capability_required, may_coach, require
from core.selectors import team_list_for
from reviews.selectors.agreement import agreement_cached
from reviews.selectors.autoqa import automatic_pass_rates
from reviews.selectors.autoqa import coverage as autoqa_coverage
from reviews.selectors.productivity import reviewer_pace, time_per_review
from reviews.selectors.programme import agreement_over_months, dispute_figures, non_agent_causes

from ..forms import (
    KpiSchemeForm,
    MonthForm,
    ReportForm,
    ServiceLevelForm,
    TeamDashboardForm,
    kpi_weight_formset,
)
from ..models import KpiScheme, KpiSettings
from ..selectors import programme as programme_selectors
from ..selectors import records as selectors
from ..services import kpis, reports
from ..services.records import month_start, next_month, previous_month


def default_month():
    return month_to_open(timezone.localdate())


def _month(request, form):
    filters = page_filters(request, form)
    return filters, filters.get("month") or default_month()


SHORT_KPI_LABELS = {"aht": _("AHT"), "fcr": _("FCR"), "csat": _("CSAT")}


def _picker(month) -> dict:
    """What the month picker shows: the month before and after."""
    return {"previous": previous_month(month), "following": next_month(month)}


@require_GET
@capability_required(Capability.TEAM_VIEW)
def team_home(request):
    """A lead with one team goes straight to its dashboard; otherwise the teams to choose from."""
    teams = list(
        team_list_for(user=request.user).select_related("lead").annotate(agent_count=Count("agents"))
    )
    if len(teams) == 1:
        return redirect("coaching:team_dashboard", pk=teams[0].pk)
    month = default_month()
    rows = selectors.team_list_rows(teams=teams, month=month)
    return render(request, "coaching/team_home.html", {"rows": rows, "month": month})


@require_GET
@capability_required(Capability.TEAM_VIEW)
def team_dashboard(request, pk: int):
    teams = list(team_list_for(user=request.user))  # the tabs, and the one asked for
    team = next((t for t in teams if t.pk == pk), None)
    if team is None:
        raise Http404
    filters, month = _month(request, TeamDashboardForm(request.GET))
    month = month_start(month)
    view = {
        "sort": filters.get("sort") or "name",
        "descending": bool(filters.get("desc")),
        "flag": filters.get("flag") or "",
    }

    def body():
        context = selectors.team_dashboard(team=team, month=month, **view) | {
            "flag_choices": TeamDashboardForm.base_fields["flag"].choices[1:],
            "sort_columns": [("name", _("Agent"))],
            "kpi_columns": [(code, SHORT_KPI_LABELS[code]) for code in selectors.MAIN_KPIS],
        }
        return render_to_string("coaching/partials/team_body.html", context)

    context = _picker(month) | {
        "team": team,
        "month": month,
        "teams": teams,
        "body": cached_html(
            "team", key=(team.pk, month, *view.values()),
            version=selectors.team_dashboard_version(team=team, month=month), render=body,
        ),
    }  # fmt: skip
    return render(request, "coaching/team_dashboard.html", context)


def _agent_page(request, agent, month, *, mine: bool):
    month = month_start(month)

    def body():
        context = selectors.agent_page(agent=agent, month=month) | {"mine": mine}
        return render_to_string("coaching/partials/agent_body.html", context)

    context = _picker(month) | {
        "agent": agent,
        "month": month,
        "mine": mine,
        "may_plan": not mine and may_coach(request.user, agent),  # "Plan a 1-on-1" from the record
        # The automatic checks' pass rates: for the lead and QA managers, never the agent's own
        # page (a reviewer's aid, not feedback: docs/autoqa.md).
        "auto_rates": None if mine else automatic_pass_rates(month, agent_id=agent.pk),
        "body": cached_html(
            "agent", key=(agent.pk, month, mine),
            version=selectors.agent_page_version(agent=agent, month=month), render=body,
        ),
    }  # fmt: skip
    return render(request, "coaching/agent_record.html", context)


@require_GET
@login_required
def agent_record(request, pk: int):
    require(request.user, Capability.RECORD_VIEW)
    agent = selectors.agent_get_for(user=request.user, pk=pk)
    _filters, month = _month(request, MonthForm(request.GET))
    return _agent_page(request, agent, month, mine=agent.pk == request.user.pk)


@require_GET
@capability_required(Capability.FEEDBACK_VIEW_OWN)
def my_performance(request):
    _filters, month = _month(request, MonthForm(request.GET))
    return _agent_page(request, request.user, month, mine=True)


@require_GET
@capability_required(Capability.PROGRAMME_VIEW)
def programme(request):
    _filters, month = _month(request, MonthForm(request.GET))
    month = month_start(month)

    def body():
        return render_to_string(
            "coaching/partials/programme_body.html", programme_selectors.programme_records(month=month)
        )

    context = (
        programme_selectors.programme_live(month=month)
        | _picker(month)
        | {
            "month": month,
            "agreement": agreement_cached(month),
            "agreement_months": agreement_over_months(month),
            "disputes": dispute_figures(month),
            "causes": non_agent_causes(month),
            "auto_coverage": autoqa_coverage(month),
            "auto_rates": automatic_pass_rates(month),
            "pace": reviewer_pace(month),
            "review_times": time_per_review(month),
            "body": cached_html(
                "programme",
                key=(month,),
                version=programme_selectors.programme_version(month=month),
                render=body,
            ),
        }
    )
    return render(request, "coaching/programme.html", context)


@require_POST
@capability_required(Capability.TEAM_VIEW)
def report_request(request):
    """The dashboards' "Excel report" button: queue the job, then show its progress."""
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The report needs a month (YYYY-MM) and, optionally, one of your teams."))
        return redirect(request.META.get("HTTP_REFERER") or "coaching:team_home")
    try:
        job = reports.report_job_create(
            actor=request.user, month=form.cleaned_data["month"], team=form.cleaned_data.get("team")
        )
    except Team.DoesNotExist:
        raise Http404 from None
    except DomainError as exc:  # no worker to build it: nothing was queued
        messages.error(request, exc.message)
        return redirect(request.META.get("HTTP_REFERER") or "coaching:team_home")
    return redirect("coaching:report_detail", pk=job.pk)


@require_POST
@capability_required(Capability.TEAM_VIEW)
def report_restart(request, pk: int):
    """Build a report again whose worker died (offered on its page once it is silent)."""
    job = reports.report_job_get_for(user=request.user, pk=pk)
    try:
        reports.report_job_restart(actor=request.user, job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("coaching:report_detail", pk=job.pk)


@require_GET
@capability_required(Capability.TEAM_VIEW)
def report_detail(request, pk: int):
    job = reports.report_job_get_for(user=request.user, pk=pk)
    return render(request, "coaching/report_detail.html", _report_context(job))


@require_GET
@capability_required(Capability.TEAM_VIEW)
def report_progress(request, pk: int):
    """The htmx fragment the report page polls until the file is ready."""
    job = reports.report_job_get_for(user=request.user, pk=pk)
    return render(request, "coaching/partials/report_progress.html", _report_context(job))


@require_GET
@capability_required(Capability.TEAM_VIEW)
def report_download(request, pk: int):
    job = reports.report_job_get_for(user=request.user, pk=pk)
    return reports.report_file_response(
        job, as_csv="csv" in (request.GET.get("file"), request.GET.get("format"))
    )


def _report_context(job) -> dict:
    return {"job": job, "percent": reports.report_progress(job), "stuck": reports.report_job_is_stuck(job)}


@require_GET
@capability_required(Capability.PROGRAMME_MANAGE)
def kpi_scheme_list(request):
    settings = KpiSettings.objects.first() or KpiSettings()
    current = {c: settings.threshold(c) for c in Channel.values}
    return render(
        request,
        "coaching/kpi_scheme_list.html",
        {
            "schemes": KpiScheme.objects.select_related("team").prefetch_related("weights"),
            "levels": ServiceLevelForm(current=current),
        },
    )


@capability_required(Capability.PROGRAMME_MANAGE)
def kpi_scheme_edit(request, pk: int | None = None):
    """Create or change a scheme: its scenario and its KPIs (weight, target, direction, cap)."""
    scheme = get_object_or_404(KpiScheme, pk=pk) if pk else KpiScheme()
    form = KpiSchemeForm(request.POST or None, instance=scheme)
    weights = kpi_weight_formset(request.POST or None, instance=scheme, prefix="w")
    error = None
    if request.method == "POST" and form.is_valid() and weights.is_valid():
        rows = [f.cleaned_data for f in weights.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        rows = [{k: v for k, v in row.items() if k not in ("DELETE", "id", "scheme")} for row in rows]
        try:
            kpis.kpi_scheme_save(actor=request.user, scheme=form.save(commit=False), weights=rows)
        except (DomainError, ValidationError) as exc:
            error = getattr(exc, "message", None) or "; ".join(exc.messages)
        else:
            messages.success(
                request, _("Scheme saved; this month's and last month's records are being rebuilt.")
            )
            return redirect("coaching:kpi_scheme_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "coaching/kpi_scheme_edit.html", {"scheme": scheme, "form": form, "weights": weights, "error": error},
        status=status,
    )  # fmt: skip


@require_POST
@capability_required(Capability.PROGRAMME_MANAGE)
def service_levels_edit(request):
    settings = KpiSettings.objects.first() or KpiSettings()
    form = ServiceLevelForm(request.POST, current={c: settings.threshold(c) for c in Channel.values})
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
        return redirect("coaching:kpi_scheme_list")
    kpis.service_levels_save(actor=request.user, seconds=form.cleaned_data)
    messages.success(request, _("Service level thresholds saved; recent records are being rebuilt."))
    return redirect("coaching:kpi_scheme_list")


@require_GET
@capability_required(Capability.PROGRAMME_MANAGE)
def manager_home(request):
    """The QA manager's home: the month so far, and every part of the programme that exists."""
    today = timezone.localdate()
    return render(
        request,
        "core/manager_home.html",
        programme_selectors.month_so_far(month=today) | {"today": today, "report_month": default_month()},
    )
