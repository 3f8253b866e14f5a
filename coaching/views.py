"""Dashboards: the team's month, an agent's record (and My performance), the programme."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.filters import page_filters
from core.permissions import Capability, capability_required, require
from core.selectors import team_list_for

from .forms import MonthForm, TeamDashboardForm
from .selectors import programme as programme_selectors
from .selectors import records as selectors
from .services.records import next_month, previous_month


def _month(request, form):
    filters = page_filters(request, form)
    return filters, filters.get("month") or timezone.localdate().replace(day=1)


SHORT_KPI_LABELS = {"aht": _("AHT"), "fcr": _("FCR"), "csat": _("CSAT")}


def _picker(month) -> dict:
    """What the month picker shows: the month before and after."""
    return {"previous": previous_month(month), "following": next_month(month)}


@require_GET
@capability_required(Capability.TEAM_VIEW)
def team_home(request):
    """A lead with one team goes straight to its dashboard; otherwise the teams to choose from."""
    teams = list(team_list_for(user=request.user))
    if len(teams) == 1:
        return redirect("coaching:team_dashboard", pk=teams[0].pk)
    return render(request, "coaching/team_home.html", {"teams": teams})


@require_GET
@capability_required(Capability.TEAM_VIEW)
def team_dashboard(request, pk: int):
    team = selectors.team_get_for(user=request.user, pk=pk)
    filters, month = _month(request, TeamDashboardForm(request.GET))
    context = selectors.team_dashboard(
        team=team,
        month=month,
        sort=filters.get("sort") or "name",
        descending=bool(filters.get("desc")),
        flag=filters.get("flag") or "",
    )
    context |= _picker(context["month"]) | {
        "teams": team_list_for(user=request.user),
        "flag_choices": TeamDashboardForm.base_fields["flag"].choices[1:],
        "sort_columns": [("name", _("Agent"))],
        "kpi_columns": [(code, SHORT_KPI_LABELS[code]) for code in selectors.MAIN_KPIS],
    }
    return render(request, "coaching/team_dashboard.html", context)


@require_GET
@login_required
def agent_record(request, pk: int):
    require(request.user, Capability.RECORD_VIEW)
    agent = selectors.agent_get_for(user=request.user, pk=pk)
    _filters, month = _month(request, MonthForm(request.GET))
    context = selectors.agent_page(agent=agent, month=month) | {"mine": agent.pk == request.user.pk}
    context |= _picker(context["month"])
    return render(request, "coaching/agent_record.html", context)


@require_GET
@capability_required(Capability.FEEDBACK_VIEW_OWN)
def my_performance(request):
    _filters, month = _month(request, MonthForm(request.GET))
    context = selectors.agent_page(agent=request.user, month=month) | {"mine": True}
    context |= _picker(context["month"])
    return render(request, "coaching/agent_record.html", context)


@require_GET
@capability_required(Capability.PROGRAMME_VIEW)
def programme(request):
    _filters, month = _month(request, MonthForm(request.GET))
    context = programme_selectors.programme_page(month=month)
    return render(request, "coaching/programme.html", context | _picker(context["month"]))
