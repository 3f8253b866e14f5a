"""Dispute and calibration pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors.trust import calibration_get_for, calibration_table, dispute_get_for
from ..services.calibration import answers_visible
from ..services.disputes import may_decide


@require_GET
@login_required
def dispute_detail(request, pk: int):
    dispute = dispute_get_for(user=request.user, pk=pk)
    return render(
        request,
        "reviews/dispute_detail.html",
        {"dispute": dispute, "criteria": dispute.criteria.select_related("criterion", "decided_by"),
         "may_decide": may_decide(request.user, dispute)},
    )  # fmt: skip


@require_GET
@login_required
def calibration_detail(request, pk: int):
    session = calibration_get_for(user=request.user, pk=pk)
    everyone = answers_visible(request.user, session)
    return render(
        request,
        "reviews/calibration_detail.html",
        {
            "session": session,
            "everyone": everyone,
            "rows": calibration_table(session, everyone=everyone, user=request.user),
        },
    )
