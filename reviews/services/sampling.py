"""The monthly draw, reviewer assignment, and skipping an item."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError, NotAllowed
from core.jobs import broker_check, enqueue, heartbeat, is_stale, job_fail
from core.models import AuditAction
from core.permissions import Capability, may_score, users_with
from core.services import audit_record

from ..models import (
    Assignment,
    AssignmentStatus,
    DrawStatus,
    ReasonKind,
    SampleDraw,
    SampleItem,
    SamplingPolicy,
    SamplingQuota,
)
from ..sampling.allocation import balance
from ..sampling.draw import draw_items

MSG_DRAW_RUNNING = gettext_lazy(
    "A draw for %(month)s is already running (started %(when)s). Wait for it to finish."
)
MSG_DRAW_STOPPED = gettext_lazy("Stopped: its worker showed no sign of life for %(n)s seconds.")
MSG_DRAW_REPLACED = gettext_lazy(
    "The draw for %(month)s started at %(when)s had stopped (its worker showed no sign of life); "
    "a new draw has started and tops the sample up."
)
MSG_DRAW_STARTED = gettext_lazy("The draw for %(month)s has started.")
MSG_DRAW_FAILED = gettext_lazy(
    "The draw stopped on an unexpected error (%(error)s); nothing was drawn. Start it again."
)
MSG_SKIP_REASON = gettext_lazy("Say why you skip this interaction.")
MSG_NOT_YOURS = gettext_lazy("Only the assigned reviewer or a QA manager can skip this.")
MSG_CANNOT_SKIP = gettext_lazy("Only an assignment that is still to do can be skipped.")
POLICY_FIELDS = (
    "min_per_agent", "max_per_agent", "min_handle_seconds", "stratify_channel",
    "stratify_time_band", "stratify_week", "time_band_starts", "risk_share", "risk_csat_max",
    "risk_nps_max", "risk_long_handle_factor", "risk_auto_checks", "quota_follows_performance", "new_agent_days", "seed",
)  # fmt: skip


def sampling_policy_get() -> SamplingPolicy:
    policy = SamplingPolicy.objects.order_by("pk").first()
    if policy is None:
        policy, _created = SamplingPolicy.objects.get_or_create(
            pk=1, defaults={"time_band_starts": [0, 6, 12, 18]}
        )
    return policy


@transaction.atomic
def sampling_policy_update(*, actor, **values) -> SamplingPolicy:
    policy = sampling_policy_get()
    before = {f: getattr(policy, f) for f in POLICY_FIELDS}
    for name, value in values.items():
        if name not in POLICY_FIELDS:
            raise TypeError(name)
        setattr(policy, name, value)
    policy.updated_by = actor
    policy.full_clean()
    if policy.min_per_agent > policy.max_per_agent:
        raise DomainError(_("The minimum per agent cannot be above the maximum."))
    policy.save()
    changes = [
        f"{f}: {before[f]} → {getattr(policy, f)}" for f in POLICY_FIELDS if before[f] != getattr(policy, f)
    ]
    audit_record(
        actor=actor, action=AuditAction.SAMPLING_POLICY_CHANGED, target=policy, summary="; ".join(changes)
    )
    return policy


def first_of_month(value: dt.date) -> dt.date:
    return value.replace(day=1)


def sample_draw_start(*, actor, month: dt.date) -> str:
    """Queue the draw for `month` (a manager's button); returns what to tell the person. A draw
    of the month still running is refused by name; one whose worker died is marked failed here
    (as the worker would) and the person is told the new draw replaces it."""
    from ..tasks import sample_draw_task

    month = first_of_month(month)
    told = MSG_DRAW_STARTED % {"month": f"{month:%Y-%m}"}
    for running in SampleDraw.objects.filter(month=month, status=DrawStatus.RUNNING):
        when = timezone.localtime(running.started_at).strftime("%Y-%m-%d %H:%M")
        if not is_stale("draw", running.pk, since=running.started_at):
            raise DomainError(MSG_DRAW_RUNNING % {"month": f"{month:%Y-%m}", "when": when})
        _stop_dead(running)
        told = MSG_DRAW_REPLACED % {"month": f"{month:%Y-%m}", "when": when}
    broker_check()
    enqueue(sample_draw_task, month.isoformat(), actor.pk if actor else None)
    return str(told)


def _stop_dead(draw: SampleDraw) -> None:
    job_fail(
        SampleDraw, "draw", draw, None, status=DrawStatus.FAILED, finished_at=timezone.now(),
        message=MSG_DRAW_STOPPED % {"n": settings.JOB_STALE_SECONDS},
    )  # fmt: skip


def _lock(month: dt.date, actor) -> SampleDraw:
    """Insert the running draw; the database refuses a second running draw for the month.

    A running draw that has shown no sign of life for JOB_STALE_SECONDS lost its worker (killed,
    out of memory, a deploy): its transaction was rolled back, so it is marked failed and this
    draw takes its place."""
    for running in SampleDraw.objects.filter(month=month, status=DrawStatus.RUNNING):
        if is_stale("draw", running.pk, since=running.started_at):
            _stop_dead(running)
    policy = sampling_policy_get()
    try:
        with transaction.atomic():
            return SampleDraw.objects.create(
                month=month, started_by=actor, policy={f: str(getattr(policy, f)) for f in POLICY_FIELDS}
            )
    except IntegrityError:
        running = SampleDraw.objects.filter(month=month, status=DrawStatus.RUNNING).first()
        when = timezone.localtime(running.started_at).strftime("%Y-%m-%d %H:%M") if running else "?"
        raise DomainError(MSG_DRAW_RUNNING % {"month": f"{month:%Y-%m}", "when": when}) from None


def sample_draw(*, month: dt.date, actor=None) -> SampleDraw:
    """Draw (or top up) every agent's sample for `month`, then assign the new items.

    Safe to run again: items already drawn stay, started work is never touched, and only what
    is missing from each quota is added.
    """
    month = first_of_month(month)
    draw = _lock(month, actor)
    heartbeat("draw", draw.pk)
    try:
        with transaction.atomic():
            policy = sampling_policy_get()
            result = draw_items(month=month, policy=policy, draw=draw)
            _record_quotas(month, result, policy.min_handle_seconds)
            assigned = assign_items(month=month, items=result.items)
            draw.agents = result.agents
            draw.added = len(result.items)
            draw.short_agents = sum(1 for p in result.plans.values() if p.short)
            draw.assigned = assigned
            draw.seed = policy.seed
            draw.status = DrawStatus.DONE
            draw.finished_at = timezone.now()
            draw.save()
            audit_record(
                actor=actor,
                action=AuditAction.SAMPLING_DRAWN,
                target=draw,
                summary=_(
                    "Drew %(added)s interactions for %(month)s (%(short)s agents short), %(assigned)s assigned."
                )
                % {
                    "added": draw.added,
                    "month": f"{month:%Y-%m}",
                    "short": draw.short_agents,
                    "assigned": assigned,
                },
            )
    except Exception as exc:
        message = (
            exc.message
            if isinstance(exc, DomainError)
            else MSG_DRAW_FAILED % {"error": exc.__class__.__name__}
        )
        job_fail(
            SampleDraw,
            "draw",
            draw,
            exc,
            status=DrawStatus.FAILED,
            finished_at=timezone.now(),
            message=message,
        )
        raise
    return draw


def _record_quotas(month: dt.date, result, min_handle: int) -> None:
    rows = []
    for plan in result.plans.values():
        rows.append(
            SamplingQuota(
                month=month,
                agent_id=plan.agent_id,
                quota=plan.quota,
                eligible=plan.eligible_all,
                sampled=plan.existing + len(plan.risk) + sum(plan.picks.values()),
                new_agent=plan.new_agent,
                short_sample=plan.short,
                interactions=plan.month_total,
                unanswered=plan.unanswered,
                too_short=plan.too_short,
                min_handle_seconds=min_handle,
                quota_reason=plan.quota_reason,
            )
        )
    SamplingQuota.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["month", "agent"],
        update_fields=[
            "quota",
            "eligible",
            "sampled",
            "new_agent",
            "short_sample",
            "interactions",
            "unanswered",
            "too_short",
            "min_handle_seconds",
            "quota_reason",
        ],
    )


def assign_items(*, month: dt.date, items: list[SampleItem]) -> int:
    """Spread unassigned items evenly over active QA reviewers (capacity respected, nobody gets
    their own interactions). Returns how many were assigned."""
    reviewers = list(
        users_with(Capability.REVIEW_ASSIGNED, administrators=False).values_list("pk", "review_capacity")
    )
    if not reviewers or not items:
        return 0
    load = {pk: 0 for pk, _cap in reviewers}
    for reviewer_id in (
        Assignment.objects.filter(month=month)
        .exclude(status=AssignmentStatus.SKIPPED)
        .values_list("reviewer_id", flat=True)
    ):
        if reviewer_id in load:
            load[reviewer_id] += 1
    ordered = sorted(items, key=lambda i: (i.agent_id, i.pk))
    chosen = balance(
        [(i.pk, i.agent_id) for i in ordered],
        [pk for pk, _cap in reviewers],
        load=load,
        capacity=dict(reviewers),
    )
    assignments = [
        Assignment(item_id=item_pk, reviewer_id=reviewer, month=month)
        for item_pk, reviewer in chosen.items()
        if reviewer is not None
    ]
    Assignment.objects.bulk_create(assignments)
    return len(assignments)


@transaction.atomic
def assignment_skip(*, actor, assignment: Assignment, reason: str) -> Assignment | None:
    """Skip an assignment with a reason; a replacement from the same stratum goes to the same
    reviewer. Returns the replacement's assignment, or None when the stratum (and then the
    agent's month) has nothing left."""
    from ..sampling.replacement import replacement_for

    reason = (reason or "").strip()
    if not reason:
        raise DomainError(MSG_SKIP_REASON)
    if not may_score(actor, assignment.reviewer_id):
        raise NotAllowed(MSG_NOT_YOURS)
    if not Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.ASSIGNED).update(
        status=AssignmentStatus.SKIPPED, skip_reason=reason[:300]
    ):
        raise DomainError(MSG_CANNOT_SKIP)
    assignment.refresh_from_db()
    item = assignment.item
    interaction_id, why = replacement_for(item, policy=sampling_policy_get())
    replacement = None
    if interaction_id is not None:
        new_item = SampleItem.objects.create(
            month=item.month,
            interaction_id=interaction_id,
            agent_id=item.agent_id,
            draw=item.draw,
            kind=ReasonKind.REPLACEMENT,
            stratum=item.stratum,
            reason=why[:200],
        )
        replacement = Assignment.objects.create(
            item=new_item, reviewer_id=assignment.reviewer_id, month=assignment.month
        )
        assignment.replaced_by = replacement
        assignment.save(update_fields=["replaced_by"])
    audit_record(
        actor=actor,
        action=AuditAction.ASSIGNMENT_SKIPPED,
        target=assignment,
        summary=_("Skipped: %(reason)s") % {"reason": reason},
    )
    return replacement
