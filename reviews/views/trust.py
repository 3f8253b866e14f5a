"""Dispute and calibration pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError

from ..models import Decision, DisputeStatus
from ..selectors.trust import dispute_get_for
from ..services import disputes
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
