"""Automatic checks (docs/autoqa.md): the transcript rules QA managers write, what they found and
how far the reviewers agree with them."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError
from core.fields import MonthField, month_to_open
from core.filters import page_filters
from core.permissions import Capability, capability_required
from scoring.models import Criterion, Rubric, RubricStatus

from .. import autoqa
from ..models import TranscriptRule
from ..selectors.autoqa import TRUST_MONTHS, rule_history, rules_overview
from ..services.autoqa import RuleInvalid, enqueue_check, transcript_rule_save


class MonthForm(forms.Form):
    month = MonthField(required=False, label=gettext_lazy("Month"))


def _picker(month: dt.date) -> dict:
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return {"month": month, "previous": previous, "following": following}


@require_http_methods(["GET", "POST"])
@capability_required(Capability.RUBRIC_MANAGE)
def autoqa_rules(request):
    """Every rule with the month's verdicts and its agreement with the reviewers; "Check again"
    re-runs the month in the background."""
    month = page_filters(request, MonthForm(request.GET)).get("month") or month_to_open(timezone.localdate())
    if request.method == "POST":
        try:
            enqueue_check(month)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The interactions of %(month)s are being checked again.") % {"month": f"{month:%Y-%m}"},
            )
        return redirect(f"{request.path}?month={month:%Y-%m}")
    context = _picker(month) | {"rows": rules_overview(month), "trust_before": TRUST_MONTHS - 1}
    return render(request, "reviews/autoqa_rules.html", context)


def _criteria() -> list[tuple[str, list[tuple[str, str]]]]:
    """The criteria a rule can check, grouped by rubric: (rubric, [(value, behaviour)]), the value
    being "<lineage>:<criterion identity>" of the rubric's newest version (drafts included)."""
    newest: dict = {}
    for rubric in Rubric.objects.exclude(status=RubricStatus.RETIRED).order_by("version"):
        newest[rubric.lineage] = rubric
    groups = []
    for rubric in sorted(newest.values(), key=lambda r: r.name):
        criteria = Criterion.objects.filter(section__rubric=rubric).order_by("section__position", "position")
        groups.append(
            (
                f"{rubric.name} (v{rubric.version})",
                [(f"{rubric.lineage}:{c.identity}", c.behaviour) for c in criteria],
            )
        )
    return groups


@require_http_methods(["GET", "POST"])
@capability_required(Capability.RUBRIC_MANAGE)
def autoqa_rule_edit(request, pk: int | None = None):
    rule = get_object_or_404(TranscriptRule, pk=pk) if pk else None
    problems: list[str] = []
    values = {}
    if request.method == "POST":
        values = request.POST.dict()
        lineage, _sep, criterion = values.get("criterion", "").partition(":")
        data = values | {"lineage": lineage or None, "criterion": criterion or None,
                         "active": bool(values.get("active"))}  # fmt: skip
        try:
            saved = transcript_rule_save(actor=request.user, rule=rule, data=data)
        except RuleInvalid as exc:
            problems = exc.problems
        except DomainError as exc:
            problems = [str(exc.message)]
        else:
            messages.success(request, _("Rule saved. This month and last are being checked with it."))
            return redirect("reviews:autoqa_rule_edit", pk=saved.pk)
    elif rule is not None:
        values = {
            "name": rule.name, "criterion": f"{rule.lineage}:{rule.criterion}", "kind": rule.kind,
            "phrases": "\n".join(rule.phrases), "until": "\n".join(rule.until), "trigger": "\n".join(rule.trigger),
            "speaker": rule.speaker, "where": rule.where, "turns": rule.turns or "", "seconds": rule.seconds or "",
            "active": rule.active,
        }  # fmt: skip
    else:
        values = {"kind": "must", "speaker": "agent", "where": "anywhere", "active": True}
    today = month_to_open(timezone.localdate())
    context = {
        "rule": rule, "values": values, "problems": problems, "criteria": _criteria(),
        "kinds": list(autoqa.KIND_LABELS.items()),
        "speakers": TranscriptRule._meta.get_field("speaker").choices,
        "wheres": TranscriptRule._meta.get_field("where").choices,
        "history": rule_history(rule, until=today) if rule else [],
    }  # fmt: skip
    return render(request, "reviews/autoqa_rule.html", context)
