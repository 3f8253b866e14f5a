"""Calibration pages: the sessions list, a new session, the session (blind, then revealed side by
side with deviations), the meeting view for a projector, and each reviewer's deviation over
months."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from core.fields import month_to_open
from core.models import User
from core.permissions import Capability, capability_required, user_can

from ..forms import CalibrationCreateForm
from ..models import CalibrationStatus, ReviewKind
from ..selectors.calibration import (
    calibration_reveal_table,
    deviation_trend,
    session_standings,
    split_criteria,
)
from ..selectors.trust import (
    calibration_get_for,
    calibration_queryset_for,
    calibration_table,
    calibration_todo,
)
from ..services import calibration as cal
from ..services.seconds import trust_settings_get
from .reviewing import _options


def _errors(request, exc: DomainError) -> None:
    for line in [exc.message, *getattr(exc, "errors", [])]:
        messages.error(request, line)


def _revision(request) -> int | None:
    value = request.POST.get("revision") or ""
    return int(value) if value.isdigit() else None


@require_GET
@capability_required(Capability.CALIBRATION)
def calibration_list(request):
    """The sessions the person runs or takes part in, newest month first, with what is left to
    score of their own."""
    sessions = list(calibration_queryset_for(request.user).order_by("-month", "-id")[:100])
    todo = calibration_todo(request.user, sessions)
    for session in sessions:
        session.todo = todo.get(session.pk, 0)
    return render(
        request,
        "reviews/calibration_list.html",
        {
            "sessions": sessions,
            "may_create": user_can(request.user, Capability.REVIEW_MANAGE),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.REVIEW_MANAGE)
def calibration_create(request):
    today = timezone.localdate()
    form = CalibrationCreateForm(
        request.POST or None,
        initial={
            "month": month_to_open(today),
            "deadline": today + timezone.timedelta(days=7),
            "benchmark": "consensus",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if (data["interactions"] or "").strip():
                interactions = cal.interactions_by_reference(data["interactions"])
            else:
                interactions = cal.calibration_draw(
                    month=data["month"], rubric=data["rubric"], count=data["draw"]
                )
            session = cal.calibration_create(
                actor=request.user, title=data["title"], rubric=data["rubric"], month=data["month"],
                deadline=data["deadline"], benchmark=data["benchmark"], expert=data["expert"],
                participants=list(data["participants"]), interactions=interactions,
            )  # fmt: skip
        except DomainError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Session created: the participants have been told what to score."))
            return redirect("reviews:calibration_detail", pk=session.pk)
    return render(request, "reviews/calibration_create.html", {"form": form})


def _revealed(request, session):
    """The side-by-side tables, the standings and the split criteria (when the person may see
    everyone's answers)."""
    limit = trust_settings_get().deviation_limit
    tables = calibration_reveal_table(session, limit=limit)
    return {
        "limit": limit,
        "tables": tables,
        "standings": session_standings(tables, limit),
        "splits": split_criteria(tables),
    }


@require_GET
@login_required
def calibration_detail(request, pk: int):
    session = calibration_get_for(user=request.user, pk=pk)
    everyone = cal.answers_visible(request.user, session)
    manager = user_can(request.user, Capability.REVIEW_MANAGE)
    context = {
        "session": session,
        "everyone": everyone,
        "manager": manager,
        "mine": [
            (row["item"], score)
            for row in calibration_table(session, everyone=False, user=request.user)
            for score in row["scores"]
        ],
    }
    scores = cal.calibration_scores(session)
    context["submitted_n"] = scores.exclude(status="draft").count()
    context["scores_n"] = scores.count()
    if everyone:
        context |= _revealed(request, session)
        if manager and session.status != CalibrationStatus.SCORING:
            criteria = {c.pk: c for s in session.rubric.sections.all() for c in s.criteria.all()}
            for table in context["tables"]:
                for row in table.criteria:
                    row.options = _options(criteria[row.criterion_id])
    return render(request, "reviews/calibration_detail.html", context)


@require_GET
@login_required
def calibration_meeting(request, pk: int):
    """The session on a projector: one interaction at a time, each criterion's answers counted
    (no names), the benchmark and the guidance; ← and → move between interactions."""
    session = calibration_get_for(user=request.user, pk=pk)
    if not cal.answers_visible(request.user, session):
        raise PermissionDenied
    context = _revealed(request, session)
    tables = context["tables"]
    try:
        index = min(max(int(request.GET.get("item", 1)), 1), len(tables)) - 1
    except ValueError:
        index = 0
    return render(
        request,
        "reviews/calibration_meeting.html",
        context
        | {
            "session": session,
            "table": tables[index] if tables else None,
            "index": index + 1,
            "count": len(tables),
        },
    )


def _step(request, pk: int, step, done: str):
    """Move a session on (reveal, close) from its page: the revision the page was read at guards
    against a second manager's change in between."""
    session = calibration_get_for(user=request.user, pk=pk)
    try:
        step(actor=request.user, session=session, expected_revision=_revision(request))
    except DomainError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("reviews:calibration_detail", pk=pk)


@require_POST
@capability_required(Capability.REVIEW_MANAGE)
def calibration_reveal(request, pk: int):
    return _step(
        request, pk, cal.calibration_reveal, _("Revealed: the participants can compare their answers.")
    )


@require_POST
@capability_required(Capability.REVIEW_MANAGE)
def calibration_close(request, pk: int):
    return _step(request, pk, cal.calibration_close, _("Benchmark recorded; the session is closed."))


@require_POST
@capability_required(Capability.REVIEW_MANAGE)
def calibration_benchmark(request, pk: int, item_pk: int):
    """The consensus agreed in the meeting for one interaction: one answer per criterion."""
    session = calibration_get_for(user=request.user, pk=pk)
    item = get_object_or_404(session.items.select_related("interaction"), pk=item_pk)
    answers = {key[2:]: value for key, value in request.POST.items() if key.startswith("b-") and value}
    try:
        cal.calibration_benchmark(actor=request.user, item=item, answers=answers)
    except DomainError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("Benchmark of %(interaction)s recorded.") % {"interaction": item.interaction.source_id}
        )
    return redirect(reverse("reviews:calibration_detail", args=[pk]) + f"#item-{item.pk}")


@require_POST
@capability_required(Capability.REVIEW_MANAGE)
def calibration_guidance(request, pk: int):
    """A clearer guidance for a criterion the group split on, written into the rubric's draft."""
    session = calibration_get_for(user=request.user, pk=pk)
    criterion = request.POST.get("criterion") or ""
    try:
        draft = cal.guidance_propose(
            actor=request.user, session=session, criterion_id=int(criterion) if criterion.isdigit() else 0,
            text=request.POST.get("guidance", ""),
        )  # fmt: skip
    except DomainError as exc:
        _errors(request, exc)
        return redirect("reviews:calibration_detail", pk=pk)
    messages.success(
        request,
        _("The guidance is in the draft of version %(version)s: review it and publish it when ready.")
        % {"version": draft.version},
    )
    return redirect("scoring:rubric_edit", pk=draft.pk)


@require_GET
@capability_required(Capability.CALIBRATION)
def calibration_reviewers(request):
    """Each reviewer's deviation from the benchmark per month of calibration: QA managers see
    everyone, a participant their own."""
    manager = user_can(request.user, Capability.REVIEW_MANAGE)
    limit = trust_settings_get().deviation_limit
    trend = deviation_trend(limit, None if manager else [request.user.pk])
    people = {u.pk: u for u in User.objects.filter(pk__in=list(trend))}
    rows = sorted(
        ({"reviewer": people[pk], "months": months, "latest": months[-1]} for pk, months in trend.items()),
        key=lambda r: str(r["reviewer"]),
    )
    labels = sorted({f"{m.month:%Y-%m}" for r in rows for m in r["months"]})
    chart = {
        "labels": labels,
        "series": [
            {
                "label": str(r["reviewer"]),
                "data": [
                    next(
                        (
                            float(m.mean)
                            for m in r["months"]
                            if f"{m.month:%Y-%m}" == label and m.mean is not None
                        ),
                        None,
                    )
                    for label in labels
                ],
            }
            for r in rows
        ],
        "band": {
            "label": _("within ±%(limit)s points") % {"limit": limit},
            "low": -float(limit),
            "high": float(limit),
        },
        "min": -15,
        "max": 15,
    }
    return render(
        request,
        "reviews/calibration_reviewers.html",
        {"rows": rows, "limit": limit, "manager": manager, "chart": chart, "kinds": ReviewKind},
    )
