"""Every change to a rubric goes through one of these functions (HTML, API and admin alike)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError
from core.models import AuditAction, Channel
from core.services import audit_record, conflict, revision_claim

from .models import ChannelRubric, Criterion, Rubric, RubricChannel, RubricStatus, Section
from .selectors import rubric_data
from .structure import Problem, RubricData, SectionData, field_problems, fmt_decimal, publish_problems
from .templates_data import RUBRIC_TEMPLATES

MSG_NOT_DRAFT = gettext_lazy(
    "Only a draft can be changed. Published and retired versions stay as they were scored; "
    "create a new version instead."
)
MSG_NOT_PUBLISHED = gettext_lazy("Only a published rubric can be retired.")
MSG_ALREADY_DRAFT = gettext_lazy("This rubric is a draft already.")
MSG_DRAFT_EXISTS = gettext_lazy(
    "Version %(version)s of this rubric is already a draft: edit that one or discard it first."
)
MSG_CONFLICT = gettext_lazy(
    "%(who)s saved this rubric at %(when)s, after you opened it. Nothing of yours was saved: "
    "reload the page to see their changes, then make yours again."
)
MSG_INVALID = gettext_lazy("The rubric has problems; nothing was saved.")
MSG_CANNOT_PUBLISH = gettext_lazy("The rubric cannot be published yet.")
MSG_CHANNEL_RUBRIC = gettext_lazy(
    "Only a published rubric that covers the %(channel)s channel can be chosen for it."
)
MSG_NO_CHANNEL = gettext_lazy("There is no channel “%(channel)s”.")
MSG_VERSION_RACE = gettext_lazy(
    "Someone else created a new version of this rubric at the same moment; open the rubric again."
)
MSG_UNKNOWN_TEMPLATE = gettext_lazy("There is no rubric template “%(key)s”.")


class RubricInvalid(DomainError):
    default_message = MSG_INVALID

    def __init__(self, problems: list[Problem], message=None):
        self.problems = problems
        super().__init__(message, errors=[p.message for p in problems])


def _audit(*, actor, rubric: Rubric, action: str, summary: str, data: dict | None = None) -> None:
    """Record a change in the history shared by every version of the rubric."""
    audit_record(
        actor=actor, action=action, target=rubric, group_key=rubric.audit_group, summary=summary, data=data
    )


# What a rubric editor sets on a criterion (the rest, section and position, follow from the layout).
CRITERION_FIELDS = (
    "behaviour",
    "guidance",
    "answer_type",
    "scale_min",
    "scale_max",
    "weight",
    "na_allowed",
    "critical",
    "data_field",
    "data_limit",
    "data_band",
    "data_empty",
)


def _claim_revision(*, actor, rubric: Rubric, expected_revision: int | None) -> Rubric:
    """Bump the draft's revision, refusing if it is no draft or changed since it was loaded."""
    drafts = Rubric.objects.filter(pk=rubric.pk, status=RubricStatus.DRAFT)
    if not revision_claim(drafts, expected_revision=expected_revision, actor=actor):
        current = Rubric.objects.select_related("updated_by").get(pk=rubric.pk)
        if not current.is_draft:
            raise DomainError(MSG_NOT_DRAFT)
        raise conflict(current, MSG_CONFLICT)
    return Rubric.objects.get(pk=rubric.pk)


def _write_channels(rubric: Rubric, channels: list[str]) -> None:
    RubricChannel.objects.filter(rubric=rubric).exclude(channel__in=channels).delete()
    existing = set(RubricChannel.objects.filter(rubric=rubric).values_list("channel", flat=True))
    RubricChannel.objects.bulk_create(
        [RubricChannel(rubric=rubric, channel=c) for c in dict.fromkeys(channels) if c not in existing]
    )


def _write_structure(rubric: Rubric, data: RubricData) -> None:
    """Make the rubric's sections and criteria exactly `data`, keeping rows whose ids match."""
    rubric.name = data.name.strip()
    rubric.description = data.description.strip()
    rubric.save(update_fields=["name", "description"])
    _write_channels(rubric, data.channels)

    sections = {s.pk: s for s in rubric.sections.all()}
    criteria = {c.pk: c for c in Criterion.objects.filter(section__rubric=rubric)}
    kept_sections, kept_criteria = set(), set()
    new_sections: list[tuple[Section, SectionData]] = []
    for position, s_data in enumerate(data.sections):
        section = sections.get(s_data.id) if s_data.id is not None else None
        if section is None or section.pk in kept_sections:
            section = Section(rubric=rubric)
            if s_data.identity:
                section.identity = s_data.identity  # a new version's copy of a section
        section.position = position
        section.name = s_data.name.strip()
        section.description = s_data.description.strip()
        section.weight = s_data.weight
        section.target = s_data.target
        if section.pk:
            kept_sections.add(section.pk)
            section.save()
        new_sections.append((section, s_data))
    created = Section.objects.bulk_create([s for s, _d in new_sections if s.pk is None])
    kept_sections.update(s.pk for s in created)

    to_update, to_create = [], []
    for section, s_data in new_sections:
        for position, c_data in enumerate(s_data.criteria):
            c_data.normalised()
            crit = criteria.get(c_data.id) if c_data.id is not None else None
            if crit is None or crit.pk in kept_criteria:
                crit = Criterion()
                if c_data.identity:
                    crit.identity = c_data.identity
            crit.section = section
            crit.position = position
            for name in CRITERION_FIELDS:
                value = getattr(c_data, name)
                setattr(crit, name, value.strip() if isinstance(value, str) else value)
            if crit.pk:
                kept_criteria.add(crit.pk)
                to_update.append(crit)
            else:
                to_create.append(crit)
    Criterion.objects.filter(section__rubric=rubric).exclude(pk__in=kept_criteria).delete()
    Criterion.objects.bulk_update(to_update, ["section", "position", *CRITERION_FIELDS])
    Criterion.objects.bulk_create(to_create)
    # Last, so that a criterion moved out of a removed section is not deleted with it.
    Section.objects.filter(rubric=rubric).exclude(pk__in=kept_sections).delete()


def _check_fields(data: RubricData) -> None:
    problems = field_problems(data)
    if problems:
        raise RubricInvalid(problems)


@transaction.atomic
def rubric_create(*, actor, data: RubricData) -> Rubric:
    """Create version 1 of a new rubric as a draft."""
    _check_fields(data)
    rubric = Rubric.objects.create(
        name=data.name.strip(), created_by=actor, updated_by=actor, status=RubricStatus.DRAFT
    )
    _write_structure(rubric, data)
    _audit(
        actor=actor,
        rubric=rubric,
        action=AuditAction.RUBRIC_CREATED,
        summary=_("Created “%(name)s” version 1 as a draft.") % {"name": rubric.name},
    )
    return rubric


def rubric_create_from_template(*, actor, template_key: str) -> Rubric:
    try:
        template = RUBRIC_TEMPLATES[template_key]
    except KeyError:
        raise DomainError(MSG_UNKNOWN_TEMPLATE % {"key": template_key}) from None
    return rubric_create(actor=actor, data=template.build())


@transaction.atomic
def rubric_save_draft(*, actor, rubric: Rubric, data: RubricData, expected_revision: int | None) -> Rubric:
    """Replace a draft's name, channels, sections and criteria with `data`.

    `expected_revision` is the revision the editor loaded; a save from an older revision is
    refused (ConflictError) so that nobody silently overwrites someone else's edit.
    """
    _check_fields(data)
    before = rubric_data(rubric)
    rubric = _claim_revision(actor=actor, rubric=rubric, expected_revision=expected_revision)
    _write_structure(rubric, data)
    changes = describe_changes(before, rubric_data(rubric))
    _audit(
        actor=actor,
        rubric=rubric,
        action=AuditAction.RUBRIC_EDITED,
        summary="; ".join(changes) if changes else _("Saved without changes."),
        data={"version": rubric.version, "revision": rubric.revision, "changes": changes},
    )
    return rubric


@transaction.atomic
def rubric_publish(*, actor, rubric: Rubric, expected_revision: int | None) -> Rubric:
    """Publish a draft. The lineage's previously published version is retired in its place."""
    rubric = _claim_revision(actor=actor, rubric=rubric, expected_revision=expected_revision)
    problems = publish_problems(rubric_data(rubric))
    if problems:
        raise RubricInvalid(problems, MSG_CANNOT_PUBLISH)
    for old in Rubric.objects.filter(lineage=rubric.lineage, status=RubricStatus.PUBLISHED):
        _retire(
            actor=actor,
            rubric=old,
            summary=_("Retired version %(old)s: version %(new)s replaces it.")
            % {"old": old.version, "new": rubric.version},
        )
    now = timezone.now()
    rubric.status = RubricStatus.PUBLISHED
    rubric.published_at = now
    rubric.save(update_fields=["status", "published_at", "updated_at"])
    _audit(
        actor=actor,
        rubric=rubric,
        action=AuditAction.RUBRIC_PUBLISHED,
        summary=_("Published version %(version)s.") % {"version": rubric.version},
    )
    return rubric


@transaction.atomic
def rubric_retire(*, actor, rubric: Rubric) -> Rubric:
    return _retire(
        actor=actor, rubric=rubric, summary=_("Retired version %(version)s.") % {"version": rubric.version}
    )


def _retire(*, actor, rubric: Rubric, summary: str) -> Rubric:
    """Retire a published version (by hand, or because a new version replaces it)."""
    now = timezone.now()
    if not Rubric.objects.filter(pk=rubric.pk, status=RubricStatus.PUBLISHED).update(
        status=RubricStatus.RETIRED, retired_at=now, updated_at=now, updated_by=actor
    ):
        raise DomainError(MSG_NOT_PUBLISHED)
    rubric.refresh_from_db()
    _audit(actor=actor, rubric=rubric, action=AuditAction.RUBRIC_RETIRED, summary=summary)
    return rubric


@transaction.atomic
def rubric_new_version(*, actor, rubric: Rubric) -> Rubric:
    """Copy a published or retired version into a new draft with the next version number."""
    if rubric.is_draft:
        raise DomainError(MSG_ALREADY_DRAFT)
    # Lock the lineage's rows (PostgreSQL) so two managers cannot both number a version N+1;
    # the unique constraints refuse the loser on any database.
    lineage = list(Rubric.objects.select_for_update().filter(lineage=rubric.lineage))
    draft = next((r for r in lineage if r.is_draft), None)
    if draft is not None:
        raise DomainError(MSG_DRAFT_EXISTS % {"version": draft.version})
    data = rubric_data(rubric, with_ids=False)
    latest = Rubric.objects.filter(lineage=rubric.lineage).aggregate(v=Max("version"))["v"]
    try:
        with transaction.atomic():
            new = Rubric.objects.create(
                lineage=rubric.lineage,
                version=latest + 1,
                name=data.name,
                status=RubricStatus.DRAFT,
                created_by=actor,
                updated_by=actor,
            )
    except IntegrityError:
        raise DomainError(MSG_VERSION_RACE) from None
    _write_structure(new, data)
    _audit(
        actor=actor,
        rubric=new,
        action=AuditAction.RUBRIC_VERSION_CREATED,
        summary=_("Created version %(new)s as a draft, copied from version %(old)s.")
        % {"new": new.version, "old": rubric.version},
    )
    return new


@transaction.atomic
def rubric_discard_draft(*, actor, rubric: Rubric) -> None:
    if not Rubric.objects.filter(pk=rubric.pk, status=RubricStatus.DRAFT).exists():
        raise DomainError(MSG_NOT_DRAFT)
    _audit(
        actor=actor,
        rubric=rubric,
        action=AuditAction.RUBRIC_DISCARDED,
        summary=_("Discarded the draft of version %(version)s.") % {"version": rubric.version},
    )
    rubric.delete()


def describe_changes(before: RubricData, after: RubricData) -> list[str]:
    """A short, person-readable list of what a save changed, for the rubric's history."""
    changes: list[str] = []
    if before.name != after.name:
        changes.append(_("renamed to “%(name)s”") % {"name": after.name})
    if before.description != after.description:
        changes.append(_("description changed"))
    if set(before.channels) != set(after.channels):
        changes.append(_("channels: %(channels)s") % {"channels": ", ".join(after.channels) or "-"})
    old = {s.id: s for s in before.sections}
    new_ids = {s.id for s in after.sections}
    for section in before.sections:
        if section.id not in new_ids:
            changes.append(_("removed section “%(name)s”") % {"name": section.name})
    for section in after.sections:
        prior = old.get(section.id)
        if prior is None:
            changes.append(_("added section “%(name)s”") % {"name": section.name})
            continue
        if prior.name != section.name:
            changes.append(
                _("renamed section “%(old)s” to “%(new)s”") % {"old": prior.name, "new": section.name}
            )
        for attr, label in (("weight", _("weight")), ("target", _("target"))):
            if getattr(prior, attr) != getattr(section, attr):
                changes.append(
                    _("%(section)s %(what)s %(old)s → %(new)s")
                    % {
                        "section": section.name,
                        "what": label,
                        "old": fmt_decimal(getattr(prior, attr)),
                        "new": fmt_decimal(getattr(section, attr)),
                    }
                )
        old_criteria = {c.id: c for c in prior.criteria}
        added = [c for c in section.criteria if c.id not in old_criteria]
        removed = [c for c in prior.criteria if c.id not in {x.id for x in section.criteria}]
        edited = [c for c in section.criteria if c.id in old_criteria and c != old_criteria[c.id]]
        moved = [c.id for c in section.criteria if c.id in old_criteria] != [
            c.id for c in prior.criteria if c.id in {x.id for x in section.criteria}
        ]
        for crit in added:
            changes.append(
                _("%(section)s: added “%(text)s”") % {"section": section.name, "text": crit.behaviour}
            )
        for crit in removed:
            changes.append(
                _("%(section)s: removed “%(text)s”") % {"section": section.name, "text": crit.behaviour}
            )
        for crit in edited:
            changes.append(
                _("%(section)s: edited “%(text)s”") % {"section": section.name, "text": crit.behaviour}
            )
        if moved:
            changes.append(_("%(section)s: criteria reordered") % {"section": section.name})
    kept_order = [s.id for s in after.sections if s.id in old]
    if kept_order != [s.id for s in before.sections if s.id in new_ids]:
        changes.append(_("sections reordered"))
    return changes


@transaction.atomic
def channel_rubric_set(*, actor, channel: str, rubric: Rubric | None) -> None:
    """Choose the rubric new reviews of `channel` use (None: the most recently published one
    that covers the channel). Reviews already started keep the version they pinned."""
    if channel not in Channel.values:
        raise DomainError(MSG_NO_CHANNEL % {"channel": channel})
    label = Channel(channel).label
    if rubric is None:
        choice = ChannelRubric.objects.filter(channel=channel).first()
        if choice is None:
            return
        summary = _("%(channel)s: the most recently published rubric") % {"channel": label}
    else:
        if (
            rubric.status != RubricStatus.PUBLISHED
            or not rubric.channel_links.filter(channel=channel).exists()
        ):
            raise DomainError(MSG_CHANNEL_RUBRIC % {"channel": label})
        choice, _created = ChannelRubric.objects.update_or_create(
            channel=channel, defaults={"lineage": rubric.lineage, "chosen_by": actor}
        )
        summary = _("%(channel)s: %(rubric)s") % {"channel": label, "rubric": rubric.name}
    audit_record(actor=actor, action=AuditAction.RUBRIC_CHANNEL_CHOSEN, target=choice, summary=summary)
    if rubric is None:
        choice.delete()


@transaction.atomic
def channel_rubrics_set(*, actor, choices: dict) -> None:
    """Several channels' choices at once (channel -> rubric or None): all of them or none."""
    for channel, rubric in choices.items():
        channel_rubric_set(actor=actor, channel=channel, rubric=rubric)
