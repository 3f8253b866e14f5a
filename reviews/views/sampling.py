import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from core.fields import month_to_open
from core.filters import page_filters
from core.permissions import Capability, capability_required

from .. import selectors, services
from ..forms import DrawForm, MonthFilterForm, QueueFilterForm, SamplingPolicyForm, SkipForm
from ..models import Assignment, DrawStatus, SampleDraw
from ..selectors.productivity import reviewer_pace
from ..selectors.trust import blind_scores_to_do, disputes_to_decide
from .rows import QUEUE_COLUMNS, progress_items, queue_rows


def month_from(request) -> dt.date:
    """?month=YYYY-MM, this month when absent; a bad value is left out with a message."""
    month = page_filters(request, MonthFilterForm(request.GET)).get("month")
    return (month or month_to_open(timezone.localdate())).replace(day=1)


QUEUE_PER_PAGE = 50


@require_GET
@capability_required(Capability.QUEUE_VIEW)
def queue(request):
    """The reviewer's month: work in progress first, then what is left, 50 to a page."""
    form = QueueFilterForm(request.GET)
    cleaned = page_filters(request, form)
    month = (cleaned.get("month") or month_to_open(timezone.localdate())).replace(day=1)
    filters = {
        k: str(getattr(cleaned.get(k), "pk", cleaned.get(k)) or "")
        for k in ("team", "agent", "channel", "status", "kind")
    }
    progress = selectors.queue_progress(reviewer=request.user, month=month)
    form.offer_agents(progress["agents"])
    rows = selectors.assignment_queue(reviewer=request.user, month=month, filters=filters)
    paginator = Paginator(rows.values(*QUEUE_COLUMNS), QUEUE_PER_PAGE)
    if not any(filters.values()):
        paginator.count = progress["total"] + progress["skipped"]  # known already: no COUNT query
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    due = disputes_to_decide(request.user).select_related("review__interaction", "review__agent")
    return render(
        request,
        "reviews/queue.html",
        {
            "month": month,
            "form": form,
            "page": page,
            "rows": queue_rows(
                page.object_list, csrf_token=get_token(request), first_is_primary=page.number == 1
            ),
            "query": query.urlencode(),
            "progress": progress,
            "progress_items": progress_items(progress["agents"]),
            "in_progress": selectors.queue_waiting_elsewhere(reviewer=request.user, month=month),
            "blind": blind_scores_to_do(request.user),
            "disputes_due": list(due[:5]),
            "disputes_due_n": due.count(),
            "now": timezone.now(),
            "my_pace": reviewer_pace(month, reviewer_id=request.user.pk),
        },
    )


@require_POST
@capability_required(Capability.QUEUE_VIEW)
def assignment_skip(request, pk: int):
    assignment = get_object_or_404(Assignment.objects.select_related("item"), pk=pk, reviewer=request.user)
    form = SkipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you skip this interaction."))
    else:
        try:
            replacement = services.assignment_skip(
                actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if replacement:
                messages.success(
                    request, _("Skipped. A replacement from the same stratum was added to your queue.")
                )
            else:
                messages.warning(
                    request, _("Skipped. This agent has no other interaction left to replace it this month.")
                )
    return redirect(f"{reverse('reviews:queue')}?month={assignment.month:%Y-%m}")


@require_http_methods(["GET", "POST"])
@capability_required(Capability.SAMPLING_MANAGE)
def sampling_home(request):
    month = month_from(request)
    policy = services.sampling_policy_get()
    policy_form = SamplingPolicyForm(request.POST if "save_policy" in request.POST else None, instance=policy)
    draw_form = DrawForm(request.POST if "draw" in request.POST else None, initial={"month": month})
    status = 200
    if request.method == "POST":
        if "save_policy" in request.POST and policy_form.is_valid():
            try:
                services.sampling_policy_update(
                    actor=request.user, **{f: policy_form.cleaned_data[f] for f in policy_form.Meta.fields}
                )
            except DomainError as exc:
                policy_form.add_error(None, exc.message)
            else:
                messages.success(request, _("Sampling policy saved. It applies to the next draw."))
                return redirect(f"{request.path}?month={month:%Y-%m}")
        elif "draw" in request.POST and draw_form.is_valid():
            chosen = draw_form.cleaned_data["month"].replace(day=1)
            try:
                messages.success(request, services.sample_draw_start(actor=request.user, month=chosen))
            except DomainError as exc:  # a draw still running, or no worker to run one
                messages.error(request, exc.message)
            return redirect(f"{request.path}?month={chosen:%Y-%m}")
        status = 400
    return render(
        request,
        "reviews/sampling.html",
        {
            "month": month,
            "policy_form": policy_form,
            "draw_form": draw_form,
            "draws": SampleDraw.objects.filter(month=month).select_related("started_by")[:10],
            "running": SampleDraw.objects.filter(month=month, status=DrawStatus.RUNNING).exists(),
            "agents": selectors.coverage_by_agent(month=month),
            "reviewers": selectors.coverage_by_reviewer(month=month),
        },
        status=status,
    )


@require_GET
@capability_required(Capability.SAMPLING_MANAGE)
def draw_status(request):
    """Polled while a draw runs; reloads the page when it has finished."""
    month = month_from(request)
    if SampleDraw.objects.filter(month=month, status=DrawStatus.RUNNING).exists():
        return render(request, "reviews/partials/draw_running.html", {"month": month})
    response = HttpResponse(_("Finished."))
    response["HX-Refresh"] = "true"
    return response
