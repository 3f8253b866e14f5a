"""Dispute and calibration pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from core.permissions import Capability, capability_required, user_can

from ..forms import TrustSettingsForm
from ..models import Decision, DisputeStatus, RootCause
from ..selectors.trust import dispute_get_for, dispute_queryset_for, disputes_to_decide
from ..services import disputes
from ..services.causes import root_cause_save
from ..services.seconds import trust_settings_get, trust_settings_save
from .reviewing import _options


@require_GET
@login_required
def dispute_detail(request, pk: int):
    dispute = dispute_get_for(user=request.user, pk=pk)
    deciding = dispute.status == DisputeStatus.OPEN and disputes.may_decide(request.user, dispute)
    criteria = list(dispute.criteria.select_related("criterion", "decided_by").order_by("id"))
    for c in criteria:
        c.options = _options(c.criterion) if deciding else []
    return render(
        request,
        "reviews/dispute_detail.html",
        {"dispute": dispute, "criteria": criteria, "may_decide": deciding, "decisions": Decision.choices[1:]},
    )


@require_POST
@login_required
def dispute_decide(request, pk: int):
    dispute = dispute_get_for(user=request.user, pk=pk)
    rulings = [
        disputes.Ruling(
            key[2:], value, request.POST.get(f"a-{key[2:]}", ""), request.POST.get(f"y-{key[2:]}", "")
        )
        for key, value in request.POST.items()
        if key.startswith("d-") and value
    ]
    revision = request.POST.get("revision")
    try:
        dispute = disputes.dispute_decide(
            actor=request.user, dispute=dispute, rulings=rulings,
            expected_revision=int(revision) if (revision or "").isdigit() else None,
        )  # fmt: skip
    except DomainError as exc:
        for line in [exc.message, *getattr(exc, "errors", [])]:
            messages.error(request, line)
        return redirect("reviews:dispute_detail", pk=pk)
    if dispute.status == DisputeStatus.DECIDED:
        messages.success(request, _("Dispute decided: the agent and their lead have been told."))
    else:
        messages.success(request, _("Decisions saved; the other criteria are still to decide."))
    return redirect("reviews:dispute_detail", pk=pk)


DISPUTE_VIEWS = {
    "decide": gettext_lazy("To decide"),
    "open": gettext_lazy("Open"),
    "decided": gettext_lazy("Decided"),
    "all": gettext_lazy("All"),
}


@require_GET
@capability_required(Capability.DISPUTE_LIST)
def dispute_list(request):
    """Reviewers: the disputes they may decide (their queue beside the sample queue); QA managers:
    the overview (open, overdue, escalated); leads: their teams' disputes."""
    decider = user_can(request.user, Capability.REVIEW_SCORE)
    show = request.GET.get("show") or ("decide" if decider else "open")
    if show not in DISPUTE_VIEWS or (show == "decide" and not decider):
        show = "open"
    everyone = dispute_queryset_for(request.user)
    qs = {
        "decide": disputes_to_decide(request.user),
        "open": everyone.filter(status=DisputeStatus.OPEN).order_by("decide_by", "id"),
        "decided": everyone.filter(status=DisputeStatus.DECIDED).order_by("-decided_at", "-id"),
        "all": everyone.order_by("-opened_at", "-id"),
    }[show]
    now = timezone.now()
    counts = everyone.aggregate(
        open=Count("id", filter=Q(status=DisputeStatus.OPEN)),
        overdue=Count("id", filter=Q(status=DisputeStatus.OPEN, decide_by__lt=now)),
        escalated=Count("id", filter=Q(status=DisputeStatus.OPEN, escalated_at__isnull=False)),
    )
    page = Paginator(qs.annotate(criteria_n=Count("criteria")), 50).get_page(request.GET.get("page"))
    views = [(key, label) for key, label in DISPUTE_VIEWS.items() if key != "decide" or decider]
    return render(
        request,
        "reviews/dispute_list.html",
        {"page": page, "show": show, "views": views, "counts": counts, "now": now,
         "to_decide": disputes_to_decide(request.user).count() if decider else None, "query": f"show={show}"},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@capability_required(Capability.REVIEW_MANAGE)
def trust_settings(request):
    """The settings calibration, second scores and disputes follow."""
    current = trust_settings_get()
    form = TrustSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            trust_settings_save(
                actor=request.user, values={name: form.cleaned_data[name] for name in form.Meta.fields}
            )
        except (DomainError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
        else:
            messages.success(request, _("Settings saved."))
            return redirect("reviews:trust_settings")
    return render(request, "reviews/trust_settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.RUBRIC_MANAGE)
def root_causes(request):
    """The root causes reviewers choose from for a miss: rename, say whether it is the agent's,
    stop offering one, add one. A cause in use is never deleted."""
    if request.method == "POST":
        pk = request.POST.get("pk") or ""
        cause = get_object_or_404(RootCause, pk=pk) if pk else None
        try:
            root_cause_save(
                actor=request.user, cause=cause, name=request.POST.get("name", ""),
                agent_controllable=bool(request.POST.get("agent_controllable")),
                active=bool(request.POST.get("active")) if cause is not None else True,
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Root causes saved; records are rebuilt where it changes a score."))
            return redirect("reviews:root_causes")
    causes = RootCause.objects.annotate(used=Count("results")).order_by("position", "name")
    return render(request, "reviews/root_causes.html", {"causes": causes})
