"""Agreement figures (docs/agreement.md): Krippendorff's alpha per rubric and month, for the
total, each section and each criterion, from the month's second scores and calibration sessions.

A unit is one interaction: for a second score, the first (regular) review and the second; for a
calibration, every participant's submitted score. Only released scores count. Values come from
the result rows: yes/no answers are nominal (N/A a value of its own), scale answers ordinal (N/A
left out), totals and section scores interval."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q

from scoring.models import Criterion, Rubric, Section

from ..agreement import BOOTSTRAP, agreement
from ..models import CriterionResult, Review, ReviewKind, ReviewStatus, SectionResult

RELEASED = (ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED)
SOURCES = ("second", "calibration")


def agreement_units(month: dt.date, sources=SOURCES) -> list[tuple[str, list[int]]]:
    """(source, review ids) per unit of `month`: pairs of a review and its second score (the
    month of the interaction), and each calibration item of the month's sessions."""
    units: list[tuple[str, list[int]]] = []
    if "second" in sources:
        pairs = Review.every_kind.filter(
            kind=ReviewKind.SECOND, status__in=RELEASED, second_of__status__in=RELEASED,
            interaction__local_month=month,
        ).values_list("second_of_id", "pk")  # fmt: skip
        units += [("second", [first, second]) for first, second in pairs]
    if "calibration" in sources:
        scores = Review.every_kind.filter(
            kind=ReviewKind.CALIBRATION, status__in=RELEASED, calibration_item__session__month=month
        ).values_list("calibration_item_id", "pk")
        by_item: dict[int, list[int]] = defaultdict(list)
        for item_id, pk in scores:
            by_item[item_id].append(pk)
        units += [("calibration", ids) for ids in by_item.values() if len(ids) >= 2]
    return units


def agreement_figures(month: dt.date, *, sources=SOURCES, bootstrap: int = BOOTSTRAP) -> list[dict]:
    """Per rubric (lineage): α for the total, each section and each criterion, with units, values,
    the 95 % interval and the reading; criteria with the least agreement first within a rubric."""
    units = agreement_units(month, sources)
    ids = [pk for _source, group in units for pk in group]
    if not ids:
        return []
    reviews = dict(Review.every_kind.filter(pk__in=ids).values_list("pk", "rubric__lineage"))
    totals = dict(Review.every_kind.filter(pk__in=ids).values_list("pk", "total"))
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for review_id, identity, answer in CriterionResult.objects.filter(review_id__in=ids).values_list(
        "review_id", "identity", "answer"
    ):
        answers[review_id][str(identity)] = answer
    sections: dict[int, dict[str, float]] = defaultdict(dict)
    for review_id, identity, score in SectionResult.objects.filter(
        review_id__in=ids, dropped=False, score__isnull=False
    ).values_list("review_id", "identity", "score"):
        sections[review_id][str(identity)] = float(score)
    lineages = {lineage for lineage in reviews.values()}
    latest = {}
    for rubric in Rubric.objects.filter(lineage__in=lineages).order_by("version"):
        latest[rubric.lineage] = rubric  # the newest version names things
    names, rank = {}, {}
    for s in Section.objects.filter(rubric__lineage__in=lineages).order_by("rubric__version", "position"):
        names[str(s.identity)] = s.name  # the newest version's name and place
        rank[str(s.identity)] = s.position
    criteria = {
        str(c.identity): (c.behaviour, c.answer_type, str(c.section.identity), c.section.position, c.position)
        for c in Criterion.objects.filter(section__rubric__lineage__in=lineages)
        .select_related("section")
        .order_by("section__rubric__version")
    }
    out = []
    for lineage in sorted(lineages, key=lambda x: latest[x].name):
        groups = [
            g for _s, g in units if reviews.get(g[0]) == lineage and all(reviews.get(p) == lineage for p in g)
        ]
        rows = [_figure("total", "", str(latest[lineage].name), "interval",
                        [[float(totals[p]) for p in g if totals.get(p) is not None] for g in groups], bootstrap)]  # fmt: skip
        scored = {i for g in groups for p in g for i in sections[p]}
        for identity in sorted(scored, key=lambda i: rank.get(i, 0)):
            values = [[sections[p][identity] for p in g if identity in sections[p]] for g in groups]
            rows.append(
                _figure("section", identity, names.get(identity, identity), "interval", values, bootstrap)
            )
        criterion_rows = []
        for identity in {i for g in groups for p in g for i in answers[p]}:
            label, answer_type, section, *_order = criteria.get(identity, (identity, "yes_no", "", 0, 0))
            level = "nominal" if answer_type == "yes_no" else "ordinal"
            values = [[_value(answers[p].get(identity, ""), level) for p in g] for g in groups]
            values = [[v for v in unit if v is not None] for unit in values]
            row = _figure("criterion", identity, label, level, values, bootstrap)
            row["section"] = names.get(section, "")
            criterion_rows.append(row)
        criterion_rows.sort(
            key=lambda r: (r["alpha"] is None, r["alpha"] if r["alpha"] is not None else 0, r["label"])
        )
        out.append({"lineage": str(lineage), "rubric": latest[lineage].name, "units": len(groups),
                    "rows": rows, "criteria": criterion_rows})  # fmt: skip
    return out


def agreement_cached(month: dt.date) -> list[dict]:
    """agreement_figures(month), kept until a blind score of the month changes (the bootstrap
    takes seconds for thousands of pairs: not on every page load)."""
    from django.core.cache import cache
    from django.db.models import Count, Max

    version = Review.every_kind.filter(
        Q(kind=ReviewKind.SECOND, interaction__local_month=month)
        | Q(kind=ReviewKind.CALIBRATION, calibration_item__session__month=month)
    ).aggregate(n=Count("id"), last=Max("updated_at"))
    last = version["last"].timestamp() if version["last"] else 0
    key = f"agreement:{month:%Y-%m}:{version['n']}:{last}"
    figures = cache.get(key)
    if figures is None:
        figures = agreement_figures(month)
        cache.set(key, figures, 24 * 3600)
    return figures


def _value(answer: str, level: str):
    if answer == "":
        return None
    if level == "nominal":
        return answer
    return None if answer == "na" else float(answer)


def _figure(kind: str, identity: str, label: str, level: str, values: list[list], bootstrap: int) -> dict:
    result = agreement([v for v in values if len(v) >= 2], level, bootstrap=bootstrap)
    return {
        "kind": kind, "identity": identity, "label": label, "level": level, "alpha": result.alpha,
        "units": result.units, "values": result.values, "low": result.low, "high": result.high,
        "reading": result.reading,
    }  # fmt: skip
