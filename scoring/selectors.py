"""Reads: which rubrics a person may see, and a rubric as plain data or as an engine spec."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from core.models import Channel
from core.permissions import Capability, user_can

from . import engine
from .models import ChannelRubric, Criterion, Rubric, RubricStatus, Section
from .structure import CriterionData, RubricData, SectionData, engine_spec


def rubric_queryset_for(user) -> QuerySet[Rubric]:
    """Rubrics the user may see: managers everything, everyone else published and retired ones."""
    qs = rubric_queryset_all()
    if user_can(user, Capability.RUBRIC_VIEW_DRAFTS):
        return qs
    if user_can(user, Capability.RUBRIC_VIEW):
        return qs.exclude(status=RubricStatus.DRAFT)
    return qs.none()


def rubric_list(*, user, status: str | None = None) -> QuerySet[Rubric]:
    qs = rubric_queryset_for(user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name", "lineage", "-version")


def rubric_get_for(*, user, pk: int) -> Rubric:
    """The rubric with its structure loaded, or 404 if the user may not see it."""
    return get_object_or_404(rubric_with_structure(rubric_queryset_for(user)), pk=pk)


def rubric_get(*, pk: int) -> Rubric:
    """A rubric with its structure loaded, whoever asks (callers check access first)."""
    return rubric_with_structure(rubric_queryset_all()).get(pk=pk)


def rubric_queryset_all() -> QuerySet[Rubric]:
    return Rubric.objects.select_related("created_by", "updated_by").prefetch_related("channel_links")


def rubric_with_structure(qs: QuerySet[Rubric]) -> QuerySet[Rubric]:
    return qs.prefetch_related(
        Prefetch(
            "sections",
            queryset=Section.objects.order_by("position", "id").prefetch_related(
                Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id"))
            ),
        )
    )


def rubric_for_channel(channel: str) -> Rubric | None:
    """The rubric a new review of a `channel` interaction uses: the published version of the
    rubric the QA manager chose for the channel, or else the most recently published one that
    covers it."""
    published = Rubric.objects.filter(status=RubricStatus.PUBLISHED, channel_links__channel=channel)
    choice = ChannelRubric.objects.filter(channel=channel).values_list("lineage", flat=True).first()
    if choice is not None:
        chosen = published.filter(lineage=choice).first()
        if chosen is not None:
            return chosen
    return published.order_by("-published_at", "-pk").first()


def channel_rubric_table() -> list[dict]:
    """Per channel: the published rubrics that cover it, the manager's choice, and the rubric
    new reviews will use."""
    published = list(
        Rubric.objects.filter(status=RubricStatus.PUBLISHED)
        .prefetch_related("channel_links")
        .order_by("-published_at", "-pk")
    )
    choices = dict(ChannelRubric.objects.values_list("channel", "lineage"))
    rows = []
    for channel, label in Channel.choices:
        covering = [r for r in published if channel in {link.channel for link in r.channel_links.all()}]
        chosen = next((r for r in covering if r.lineage == choices.get(channel)), None)
        rows.append(
            {
                "channel": channel,
                "label": label,
                "rubrics": covering,
                "chosen": chosen,
                "used": chosen or (covering[0] if covering else None),
            }
        )
    return rows


_PINNED: dict[tuple, tuple[RubricData, engine.RubricSpec]] = {}


def _pinned(rubric: Rubric) -> tuple[RubricData, engine.RubricSpec]:
    """A published or retired rubric's structure never changes (a change is a new version), so
    it is read once per process: the scoring page and its live updates need no structure
    queries. Keyed by lineage and version as well, so a reused primary key cannot mislead it."""
    if rubric.status == RubricStatus.DRAFT:
        data = rubric_data(rubric_get(pk=rubric.pk))
        return data, engine_spec(data)
    key = (rubric.pk, rubric.lineage, rubric.version)
    pinned = _PINNED.get(key)
    if pinned is None:
        if len(_PINNED) > 500:
            _PINNED.clear()
        data = rubric_data(rubric_get(pk=rubric.pk))
        pinned = _PINNED[key] = (data, engine_spec(data))
    return pinned


def rubric_spec_pinned(rubric: Rubric) -> engine.RubricSpec:
    """The engine spec of the rubric version a review is pinned to."""
    return _pinned(rubric)[1]


def criterion_identities(rubric: Rubric) -> dict[str, str]:
    """Criterion id (as text, the way reviews key their answers) -> the identity it keeps across
    versions, for the version a review is pinned to."""
    return {str(c.id): c.identity for s in rubric_data_pinned(rubric).sections for c in s.criteria}


def rubric_data_pinned(rubric: Rubric) -> RubricData:
    """The structure of the rubric version a review is pinned to (do not modify it)."""
    return _pinned(rubric)[0]


def section_names(rubric_ids) -> dict[str, str]:
    """Section id (as text, the way reviews store section results) -> name, for these rubrics."""
    return {
        str(pk): name
        for pk, name in Section.objects.filter(rubric_id__in=rubric_ids).values_list("pk", "name")
    }


def section_names_of(rubrics: dict[int, str]) -> dict[str, str]:
    """section_names for {rubric id: status}. A published or retired version never changes
    (only drafts are edited), so its names are kept in the cache; a draft's are read each time."""
    fixed = sorted(pk for pk, status in rubrics.items() if status != RubricStatus.DRAFT)
    names = {}
    if fixed:
        key = f"section-names:{','.join(map(str, fixed))}"
        names = cache.get(key)
        if names is None:
            names = section_names(fixed)
            cache.set(key, names, 24 * 3600)
    drafts = [pk for pk, status in rubrics.items() if status == RubricStatus.DRAFT]
    return names | (section_names(drafts) if drafts else {})


def rubric_versions(*, user, rubric: Rubric) -> QuerySet[Rubric]:
    return rubric_queryset_for(user).filter(lineage=rubric.lineage).order_by("-version")


def rubric_data(rubric: Rubric, *, with_ids: bool = True) -> RubricData:
    """The rubric's structure as plain data (ids kept unless `with_ids` is false)."""
    sections = (
        rubric.sections.all()
        if _prefetched(rubric, "sections")
        else rubric.sections.order_by("position", "id").prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id"))
        )
    )
    return RubricData(
        name=rubric.name,
        description=rubric.description,
        channels=sorted(link.channel for link in rubric.channel_links.all()),
        sections=[
            SectionData(
                id=s.pk if with_ids else None,
                identity=str(s.identity),
                name=s.name,
                description=s.description,
                weight=s.weight,
                target=s.target,
                criteria=[
                    CriterionData(
                        id=c.pk if with_ids else None,
                        identity=str(c.identity),
                        behaviour=c.behaviour,
                        guidance=c.guidance,
                        answer_type=c.answer_type,
                        scale_min=c.scale_min,
                        scale_max=c.scale_max,
                        weight=c.weight,
                        na_allowed=c.na_allowed,
                        critical=c.critical,
                        data_field=c.data_field,
                        data_limit=c.data_limit,
                        data_band=c.data_band,
                        data_empty=c.data_empty,
                    )
                    for c in s.criteria.all()
                ],
            )
            for s in sections
        ],
    )


def rubric_spec(rubric: Rubric) -> engine.RubricSpec:
    """The rubric as the scoring engine reads it; criterion keys are criterion ids as text."""
    return engine_spec(rubric_data(rubric))


def _prefetched(obj, name: str) -> bool:
    return name in getattr(obj, "_prefetched_objects_cache", {})
