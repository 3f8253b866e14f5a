"""What the transcript rules found, and how far the reviewers agree with them (docs/autoqa.md).

Agreement pairs a rule's verdict on an interaction with the regular, released review of that
interaction on the rule's criterion: the reviewer "missed" it when the criterion scored below
full marks, the rule when its verdict is "missed". Verdicts that do not apply, N/A answers and
verdicts of an older version of the rule are left out."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count

from scoring.models import Criterion

from ..autoqa import RuleAgreement, rule_agreement
from ..models import (
    AutoVerdict,
    CriterionResult,
    Interaction,
    Review,
    ReviewKind,
    ReviewStatus,
    TranscriptRule,
)

RELEASED = (ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED)
TRUST_MONTHS = 3  # a rule's reliability for a draw: the draw's month and the two before, pooled


def _months_back(month: dt.date, count: int) -> list[dt.date]:
    months = [month]
    while len(months) < count:
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return months


def agreement_pairs(rule: TranscriptRule, months) -> list[tuple[bool, bool]]:
    """(the rule said missed, the reviewer said missed) per reviewed interaction of `months`."""
    verdicts = dict(
        AutoVerdict.objects.filter(
            rule=rule, month__in=list(months), rule_version=rule.version, outcome__in=("pass", "fail")
        ).values_list("interaction_id", "outcome")
    )
    if not verdicts:
        return []
    answers = CriterionResult.objects.filter(
        identity=rule.criterion, review__kind=ReviewKind.REGULAR, review__status__in=RELEASED,
        review__rubric__lineage=rule.lineage, review__interaction_id__in=list(verdicts), score__isnull=False,
    ).exclude(answer__in=("", "na")).values_list("review__interaction_id", "score")  # fmt: skip
    return [(verdicts[pk] == "fail", score < 100) for pk, score in answers]


def rule_agreement_for(rule: TranscriptRule, months) -> RuleAgreement:
    return rule_agreement(agreement_pairs(rule, months))


def reliable_rule_ids(month: dt.date) -> set[int]:
    """The active rules whose agreement over `month` and the two months before is reliable."""
    months = _months_back(month, TRUST_MONTHS)
    return {
        rule.pk
        for rule in TranscriptRule.objects.filter(active=True)
        if rule_agreement_for(rule, months).reliable
    }


def criterion_labels(rules) -> dict[int, str]:
    """{rule id: "Rubric — criterion"} from the latest version that has the criterion."""
    identities = {rule.criterion for rule in rules}
    latest = {}
    for identity, behaviour, rubric, _version in (
        Criterion.objects.filter(identity__in=identities)
        .order_by("section__rubric__version")
        .values_list("identity", "behaviour", "section__rubric__name", "section__rubric__version")
    ):
        latest[identity] = f"{rubric} — {behaviour}"
    return {rule.pk: latest.get(rule.criterion, "—") for rule in rules}


def rules_overview(month: dt.date) -> list[dict]:
    """Every rule, with the month's verdicts, its agreement this month and its reliability."""
    rules = list(TranscriptRule.objects.all())
    labels = criterion_labels(rules)
    versions = {rule.pk: rule.version for rule in rules}
    counts: dict[int, Counter] = defaultdict(Counter)
    for rule_id, version, outcome, n in (
        AutoVerdict.objects.filter(month=month)
        .values_list("rule_id", "rule_version", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if versions.get(rule_id) == version:  # an older version's verdicts wait to be checked again
            counts[rule_id][outcome] += n
    trust_months = _months_back(month, TRUST_MONTHS)
    rows = []
    for rule in rules:
        agreement = rule_agreement_for(rule, [month])
        pooled = rule_agreement_for(rule, trust_months)
        rows.append({
            "rule": rule, "criterion": labels[rule.pk], "counts": counts[rule.pk],
            "checked": sum(counts[rule.pk].values()), "agreement": agreement, "reliable": pooled.reliable,
            "pooled": pooled,
        })  # fmt: skip
    return rows


def rule_history(rule: TranscriptRule, months: int = 12, until: dt.date | None = None) -> list[dict]:
    """The rule's agreement per month, newest first, over the months that have verdicts."""
    with_verdicts = set(AutoVerdict.objects.filter(rule=rule).values_list("month", flat=True).distinct())
    rows = []
    for month in sorted(with_verdicts, reverse=True)[:months]:
        if until is not None and month > until:
            continue
        rows.append({"month": month, "agreement": rule_agreement_for(rule, [month])})
    return rows


def interaction_verdicts(interaction: Interaction, lineage) -> dict[str, dict]:
    """{criterion identity (str): the current verdict of its active rules} for the scoring page."""
    shown = {}
    for verdict in (
        AutoVerdict.objects.filter(interaction=interaction, rule__active=True, rule__lineage=lineage)
        .select_related("rule")
        .order_by("rule__name")
    ):
        if verdict.rule_version != verdict.rule.version:
            continue  # checked by an older version of the rule: not shown until checked again
        shown.setdefault(str(verdict.rule.criterion), []).append(verdict)
    return shown


def coverage(month: dt.date) -> dict:
    """Interactions checked automatically against reviewed by people, for the programme page."""
    with_transcript = Interaction.objects.filter(local_month=month).exclude(transcript="").count()
    checked = AutoVerdict.objects.filter(month=month).values("interaction_id").distinct().count()
    reviewed = Review.objects.filter(
        kind=ReviewKind.REGULAR, status__in=RELEASED, interaction__local_month=month
    ).count()
    total = Interaction.objects.filter(local_month=month).count()
    return {
        "interactions": total,
        "with_transcript": with_transcript,
        "checked": checked,
        "reviewed": reviewed,
    }


def automatic_pass_rates(month: dt.date, *, agent_id: int | None = None) -> dict:
    """The share of interactions each active rule found met, per team (or for one agent): never
    mixed into a QA mean, always shown as automatic. {"rules": [...], "teams": [...]}; each cell
    a Share (met, judged) — "—" with n = 0 where the rule judged nothing."""
    from core.models import Team

    from ..autoqa import Share

    rules = list(TranscriptRule.objects.filter(active=True))
    labels = criterion_labels(rules)
    verdicts = AutoVerdict.objects.filter(month=month, outcome__in=("pass", "fail"), rule__in=rules)
    if agent_id is not None:
        verdicts = verdicts.filter(interaction__agent_id=agent_id)
    counts: dict[tuple, Counter] = defaultdict(Counter)
    versions = {rule.pk: rule.version for rule in rules}
    for rule_id, version, team_id, outcome, n in (
        verdicts.values_list("rule_id", "rule_version", "interaction__agent__team_id", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if versions[rule_id] == version:
            counts[(rule_id, team_id)][outcome] += n
            counts[(rule_id, "all")][outcome] += n
    team_ids = sorted({key[1] for key in counts if key[1] not in ("all", None)})
    teams = list(Team.objects.filter(pk__in=team_ids).order_by("name"))

    def share(rule_id, key) -> Share:
        c = counts.get((rule_id, key), Counter())
        return Share(c["pass"], c["pass"] + c["fail"])

    return {
        "teams": teams,
        "rules": [
            {"rule": rule, "criterion": labels[rule.pk], "all": share(rule.pk, "all"),
             "teams": [share(rule.pk, team.pk) for team in teams]}
            for rule in rules
        ],
    }  # fmt: skip
