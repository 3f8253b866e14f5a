"""Running the transcript rules over interactions (docs/autoqa.md): on import, when a rule
changes, and on demand (`manage.py autoqa_check`). Idempotent: each run writes every checked
interaction's verdicts again, one row per interaction and rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError, NotAllowed
from core.models import AuditAction, Channel
from core.permissions import Capability, user_can
from core.services import audit_record

from ..autoqa import Turns, evaluate, problems
from ..models import AutoVerdict, Interaction, TranscriptRule
from ..sampling.draw import insert_rows
from ..transcripts import transcript_lines

BATCH = 2000
# Verdicts are written as plain rows (COPY on PostgreSQL): 100,000 interactions × 6 rules through
# model instances cost more than judging them.
VERDICT_COLUMNS = [
    "interaction_id",
    "rule_id",
    "rule_version",
    "month",
    "outcome",
    "line",
    "detail",
    "checked_at",
]


@dataclass
class CheckResult:
    interactions: int = 0
    verdicts: int = 0
    failed: int = 0


def channel_lineages() -> dict[str, object]:
    """{channel: the lineage of the rubric its new reviews use}: a rule checks the interactions
    its rubric scores."""
    from scoring.selectors import rubric_for_channel

    lineages = {}
    for channel in Channel.values:
        rubric = rubric_for_channel(channel)
        if rubric is not None:
            lineages[channel] = rubric.lineage
    return lineages


def autoqa_check(
    *,
    month: dt.date | None = None,
    interaction_ids=None,
    rules=None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """Check `rules` (default: every active rule) on the interactions of `month` (its first day)
    or on `interaction_ids`. An interaction whose transcript is empty, or whose channel's rubric
    is not the rule's, gets no verdict from it (and loses any it had)."""
    rules = list(rules if rules is not None else TranscriptRule.objects.filter(active=True))
    result = CheckResult()
    if not rules:
        return result
    lineages = channel_lineages()
    specs = [(rule, rule.spec()) for rule in rules]
    interactions = Interaction.objects.all()
    if month is not None:
        interactions = interactions.filter(local_month=month)
    if interaction_ids is not None:
        interactions = interactions.filter(pk__in=list(interaction_ids))
    ids = list(interactions.order_by("pk").values_list("pk", flat=True))
    rule_ids = [rule.pk for rule in rules]
    table = connection.ops.quote_name(AutoVerdict._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())  # adapted once, not per row
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = (
            Interaction.objects.filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "channel", "local_month", "transcript",
                         "agent__username", "agent__first_name", "agent__last_name")
        )  # fmt: skip
        verdicts = []
        for pk, channel, local_month, transcript, username, first, last in rows:
            lines = transcript_lines(transcript) if transcript else []
            if not lines:
                continue
            turns = Turns(lines, (username, first, f"{first} {last}".strip()))
            result.interactions += 1
            for rule, spec in specs:
                if lineages.get(channel) != rule.lineage:
                    continue
                verdict = evaluate(spec, turns)
                result.failed += verdict.outcome == "fail"
                verdicts.append(
                    (
                        pk,
                        rule.pk,
                        rule.version,
                        local_month,
                        verdict.outcome,
                        verdict.line,
                        verdict.detail[:200],
                        now,
                    )
                )
        with transaction.atomic(), connection.cursor() as cursor:
            AutoVerdict.objects.filter(interaction_id__in=chunk, rule_id__in=rule_ids).delete()
            insert_rows(cursor, table, VERDICT_COLUMNS, verdicts)
        result.verdicts += len(verdicts)
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return result


# -- rules: written by QA managers ------------------------------------------------------------------

MSG_NOT_MANAGER = gettext_lazy("Only a QA manager can write transcript rules.")
MSG_NOT_SAVED = gettext_lazy("The rule was not saved:")
MSG_NAME = gettext_lazy("Give the rule a name (at most 200 characters).")
MSG_CRITERION = gettext_lazy("Choose the criterion the rule checks, from a rubric that exists.")
CHECKED_FIELDS = (
    "kind",
    "phrases",
    "speaker",
    "where",
    "turns",
    "until",
    "trigger",
    "seconds",
    "criterion",
    "lineage",
)


class RuleInvalid(DomainError):
    """The rule as written cannot run: `problems` says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__(MSG_NOT_SAVED, errors=problems)
        self.problems = problems


def _phrases(value) -> list[str]:
    """Phrases as a list: one per line when written in a text box, blanks dropped."""
    if isinstance(value, str):
        value = value.splitlines()
    return [" ".join(str(p).split()) for p in (value or []) if str(p).strip()]


@transaction.atomic
def transcript_rule_save(
    *, actor, rule: TranscriptRule | None, data: dict, check: bool = True
) -> TranscriptRule:
    """Create or change a rule. What it checks changing makes a new version: the interactions of
    the month in progress and the month before are checked again once the change is committed
    (other months: `manage.py autoqa_check --month`); `check=False` leaves that to the caller."""
    from scoring.models import Criterion

    if not user_can(actor, Capability.RUBRIC_MANAGE):
        raise NotAllowed(MSG_NOT_MANAGER)
    rule = rule if rule is not None else TranscriptRule(created_by=actor)
    before = {name: getattr(rule, name) for name in CHECKED_FIELDS} if rule.pk else None
    name = " ".join(str(data.get("name", "")).split())
    found = [] if 0 < len(name) <= 200 else [str(MSG_NAME)]
    criterion = (
        Criterion.objects.filter(
            identity=data.get("criterion"), section__rubric__lineage=data.get("lineage")
        ).first()
        if data.get("criterion") and data.get("lineage")
        else None
    )
    if criterion is None:
        found.append(str(MSG_CRITERION))
    rule.name = name
    rule.kind = str(data.get("kind", ""))
    rule.phrases, rule.until, rule.trigger = (_phrases(data.get(k)) for k in ("phrases", "until", "trigger"))
    rule.speaker = str(data.get("speaker") or "agent")
    rule.where = str(data.get("where") or "anywhere")
    try:
        rule.turns = int(data.get("turns") or 0)
        rule.seconds = int(data.get("seconds") or 0)
    except (TypeError, ValueError):
        found.append(str(gettext_lazy("Turns and seconds are whole numbers.")))
        rule.turns = rule.seconds = 0
    rule.active = bool(data.get("active", True))
    found += problems(rule.spec())
    if found:
        raise RuleInvalid(found)
    rule.lineage, rule.criterion = criterion.section.rubric.lineage, criterion.identity
    changed = before is None or any(before[n] != getattr(rule, n) for n in CHECKED_FIELDS)
    if before is not None and changed:
        rule.version += 1
    rule.save()
    audit_record(
        actor=actor, action=AuditAction.TRANSCRIPT_RULE_SAVED, target=rule,
        summary=f"{rule.name}: v{rule.version}, {'active' if rule.active else 'inactive'}",
    )  # fmt: skip
    if check and changed and rule.active:
        today = timezone.localdate().replace(day=1)
        previous = (today - dt.timedelta(days=1)).replace(day=1)
        for month in (previous, today):
            transaction.on_commit(partial(enqueue_check, month, [rule.pk]))
    return rule


def enqueue_check(month: dt.date, rule_ids: list[int] | None = None) -> None:
    from core.jobs import enqueue

    from ..tasks import autoqa_check_task

    enqueue(autoqa_check_task, month.isoformat(), rule_ids)


def on_interactions_changed(*, months) -> None:
    """After an import: check the imported months with every active rule."""
    if TranscriptRule.objects.filter(active=True).exists():
        for month in sorted(set(months)):
            enqueue_check(month)
