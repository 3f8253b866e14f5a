from decimal import Decimal as D

import pytest
from django.db import IntegrityError

from core.exceptions import ConflictError, DomainError
from core.models import AuditAction, AuditEvent
from scoring import services
from scoring.models import Criterion, Rubric, RubricStatus, Section
from scoring.selectors import rubric_data, rubric_spec
from scoring.structure import CriterionData, SectionData
from tests.factories import rubric_data as make_data

pytestmark = pytest.mark.django_db


def create(manager, **overrides) -> Rubric:
    return services.rubric_create(actor=manager, data=make_data(**overrides))


def test_create_makes_a_draft_version_1_with_its_structure(manager):
    rubric = create(manager)
    assert (rubric.status, rubric.version, rubric.revision) == (RubricStatus.DRAFT, 1, 1)
    data = rubric_data(rubric)
    assert [s.name for s in data.sections] == ["Knowledge", "Process"]
    assert [c.behaviour for c in data.sections[0].criteria] == ["States facts accurately", "Explains clearly"]
    assert data.channels == ["chat", "phone"]
    event = AuditEvent.objects.get(action=AuditAction.RUBRIC_CREATED)
    assert event.actor == manager and event.group_key == rubric.audit_group


def test_yes_no_and_rating_get_fixed_scale_bounds(manager):
    data = make_data()
    data.sections[0].criteria.append(
        CriterionData(behaviour="Rating", answer_type="rating", scale_min=7, scale_max=9)
    )
    rubric = services.rubric_create(actor=manager, data=data)
    rating = Criterion.objects.get(section__rubric=rubric, behaviour="Rating")
    assert (rating.scale_min, rating.scale_max) == (1, 5)
    yes_no = Criterion.objects.get(section__rubric=rubric, behaviour="States facts accurately")
    assert (yes_no.scale_min, yes_no.scale_max) == (0, 1)


def test_save_draft_updates_in_place_adds_removes_and_reorders(manager):
    rubric = create(manager)
    data = rubric_data(rubric)
    knowledge, process = data.sections
    kept_ids = {knowledge.id, process.id}
    knowledge.weight, process.weight = D("50"), D("30")
    knowledge.criteria.reverse()
    del knowledge.criteria[1]  # "States facts accurately" goes
    data.sections = [process, knowledge, SectionData(name="Empathy", weight=D(20), target=D(80))]
    data.sections[2].criteria.append(CriterionData(behaviour="Names the feeling"))

    rubric = services.rubric_save_draft(actor=manager, rubric=rubric, data=data, expected_revision=1)

    after = rubric_data(rubric)
    assert [(s.name, s.weight) for s in after.sections] == [
        ("Process", D("30.00")),
        ("Knowledge", D("50.00")),
        ("Empathy", D("20.00")),
    ]
    assert {after.sections[0].id, after.sections[1].id} == kept_ids
    assert [c.behaviour for c in after.sections[1].criteria] == ["Explains clearly"]
    assert rubric.revision == 2
    assert Criterion.objects.filter(section__rubric=rubric).count() == 3
    event = AuditEvent.objects.filter(action=AuditAction.RUBRIC_EDITED).get()
    assert "added section “Empathy”" in event.summary
    assert "Knowledge weight 60 → 50" in event.summary
    assert "Knowledge: removed “States facts accurately”" in event.summary
    assert "sections reordered" in event.summary


def test_stale_revision_is_refused_and_nothing_is_written(manager, reviewer):
    rubric = create(manager)
    first = rubric_data(rubric)
    first.name = "First save"
    services.rubric_save_draft(actor=manager, rubric=rubric, data=first, expected_revision=1)

    second = rubric_data(rubric)
    second.name = "Second save from an old page"
    with pytest.raises(ConflictError) as exc:
        services.rubric_save_draft(actor=manager, rubric=rubric, data=second, expected_revision=1)
    assert "saved this rubric at" in str(exc.value.message)
    rubric.refresh_from_db()
    assert rubric.name == "First save" and rubric.revision == 2


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: setattr(d.sections[0], "target", D("120")), "Section 1 “Knowledge”: the target must be between 0 and 100, not 120."),
        (lambda d: setattr(d.sections[1], "weight", D("-5")), "Section 2 “Process”: the weight must be between 0 and 100, not -5."),
        (lambda d: setattr(d.sections[0].criteria[1], "scale_max", 0), "criterion 2 “Explains clearly” in Section 1 “Knowledge”: the scale maximum (0) must be above its minimum (0)."),
        (lambda d: setattr(d.sections[0].criteria[0], "behaviour", " "), "Describe the observable behaviour of criterion 1 “(no behaviour)” in Section 1 “Knowledge”."),
        (lambda d: setattr(d, "name", ""), "The rubric needs a name."),
        (lambda d: setattr(d.sections[1], "name", ""), "Section 2 “(no name)” needs a name."),
    ],
)  # fmt: skip
def test_invalid_fields_refuse_the_save_naming_the_culprit(manager, mutate, message):
    rubric = create(manager)
    data = rubric_data(rubric)
    mutate(data)
    with pytest.raises(services.RubricInvalid) as exc:
        services.rubric_save_draft(actor=manager, rubric=rubric, data=data, expected_revision=1)
    assert message in [p.message for p in exc.value.problems]
    rubric.refresh_from_db()
    assert rubric.revision == 1
    assert rubric_data(rubric) == rubric_data(Rubric.objects.get(pk=rubric.pk))
    assert not AuditEvent.objects.filter(action=AuditAction.RUBRIC_EDITED).exists()


def test_draft_may_be_saved_with_wrong_weights_but_not_published(manager):
    rubric = create(manager)
    data = rubric_data(rubric)
    data.sections[0].weight = D("55")
    data.sections.append(SectionData(name="Empty", weight=D("10"), target=D("90")))
    rubric = services.rubric_save_draft(actor=manager, rubric=rubric, data=data, expected_revision=1)

    with pytest.raises(services.RubricInvalid) as exc:
        services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    messages = [p.message for p in exc.value.problems]
    assert "Section weights must add up to 100; they add up to 105." in messages
    assert "Section 3 “Empty” needs at least one criterion." in messages
    rubric.refresh_from_db()
    assert rubric.status == RubricStatus.DRAFT


def test_publish_needs_a_channel_and_a_section(manager):
    rubric = services.rubric_create(actor=manager, data=make_data(channels=[], sections=[]))
    with pytest.raises(services.RubricInvalid) as exc:
        services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    assert [p.message for p in exc.value.problems] == [
        "Choose at least one channel the rubric applies to.",
        "Add at least one section.",
    ]


def test_published_rubric_never_changes(manager):
    rubric = services.rubric_publish(
        actor=manager, rubric=(to_publish := create(manager)), expected_revision=to_publish.revision
    )
    assert rubric.status == RubricStatus.PUBLISHED and rubric.published_at
    data = rubric_data(rubric)
    data.name = "Changed"
    with pytest.raises(DomainError) as exc:
        services.rubric_save_draft(actor=manager, rubric=rubric, data=data, expected_revision=rubric.revision)
    assert exc.value.message == services.MSG_NOT_DRAFT
    with pytest.raises(DomainError):
        services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    rubric.refresh_from_db()
    assert rubric.name == "Test rubric"


def test_new_version_copies_into_a_draft_and_publishing_it_retires_the_old(manager):
    v1 = services.rubric_publish(
        actor=manager, rubric=(to_publish := create(manager)), expected_revision=to_publish.revision
    )
    v2 = services.rubric_new_version(actor=manager, rubric=v1)
    assert (v2.version, v2.status, v2.lineage) == (2, RubricStatus.DRAFT, v1.lineage)
    old, new = rubric_data(v1, with_ids=False), rubric_data(v2, with_ids=False)
    assert old == new
    # A copy, not shared rows: v1's sections stay with v1.
    assert not set(Section.objects.filter(rubric=v1).values_list("pk", flat=True)) & set(
        Section.objects.filter(rubric=v2).values_list("pk", flat=True)
    )

    with pytest.raises(DomainError) as exc:
        services.rubric_new_version(actor=manager, rubric=v1)
    assert "Version 2 of this rubric is already a draft" in str(exc.value.message)

    services.rubric_publish(actor=manager, rubric=v2, expected_revision=v2.revision)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (RubricStatus.RETIRED, RubricStatus.PUBLISHED)
    actions = list(
        AuditEvent.objects.filter(group_key=v1.audit_group).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "rubric.created",
        "rubric.published",
        "rubric.version_created",
        "rubric.retired",
        "rubric.published",
    ]


def test_retire_only_a_published_rubric(manager):
    draft = create(manager)
    with pytest.raises(DomainError) as exc:
        services.rubric_retire(actor=manager, rubric=draft)
    assert exc.value.message == services.MSG_NOT_PUBLISHED
    published = services.rubric_publish(actor=manager, rubric=draft, expected_revision=draft.revision)
    retired = services.rubric_retire(actor=manager, rubric=published)
    assert retired.status == RubricStatus.RETIRED and retired.retired_at
    v2 = services.rubric_new_version(actor=manager, rubric=retired)
    assert v2.version == 2


def test_discard_draft(manager):
    draft = create(manager)
    services.rubric_discard_draft(actor=manager, rubric=draft)
    assert not Rubric.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.RUBRIC_DISCARDED).exists()


def test_database_refuses_two_published_versions_of_one_rubric(manager):
    v1 = services.rubric_publish(
        actor=manager, rubric=(to_publish := create(manager)), expected_revision=to_publish.revision
    )
    with pytest.raises(IntegrityError):
        Rubric.objects.create(lineage=v1.lineage, version=2, name="x", status=RubricStatus.PUBLISHED)


def test_database_refuses_a_scale_without_range(manager):
    rubric = create(manager)
    section = rubric.sections.first()
    with pytest.raises(IntegrityError):
        Criterion.objects.create(
            section=section, behaviour="x", answer_type="points", scale_min=3, scale_max=3
        )


def test_templates_publish_and_score(manager):
    for key in ("default", "heard"):
        rubric = services.rubric_create_from_template(actor=manager, template_key=key)
        rubric = services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
        spec = rubric_spec(rubric)
        assert sum(s.weight for s in spec.sections) == D(100)
    with pytest.raises(DomainError):
        services.rubric_create_from_template(actor=manager, template_key="nope")


def test_rubric_spec_uses_criterion_ids(manager):
    rubric = create(manager)
    spec = rubric_spec(rubric)
    ids = [
        str(pk)
        for pk in Criterion.objects.filter(section__rubric=rubric)
        .order_by("section__position", "position")
        .values_list("pk", flat=True)
    ]
    assert [c.key for c in spec.criteria()] == ids


def test_criterion_moved_out_of_a_removed_section_survives(manager):
    rubric = create(manager)
    data = rubric_data(rubric)
    identity = data.sections[1].criteria[0]
    data.sections[0].criteria.append(identity)
    data.sections = [data.sections[0]]  # "Process" goes; its criterion moved to "Knowledge"
    data.sections[0].weight = D(100)
    rubric = services.rubric_save_draft(actor=manager, rubric=rubric, data=data, expected_revision=1)
    after = rubric_data(rubric)
    assert [c.id for c in after.sections[0].criteria][-1] == identity.id
    assert Section.objects.filter(rubric=rubric).count() == 1


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: setattr(d, "name", "x" * 201), "The rubric's name is longer than 200 characters."),
        (lambda d: setattr(d.sections[0], "name", "x" * 201), "Section 1 “" + "x" * 201 + "”: the name is longer than 200 characters."),
        (lambda d: setattr(d.sections[0].criteria[0], "weight", D("20000")), "criterion 1 “States facts accurately” in Section 1 “Knowledge”: the weight must be between 0 and 10000, not 20000."),
        (lambda d: setattr(d.sections[0].criteria[1], "scale_max", 10**9), "criterion 2 “Explains clearly” in Section 1 “Knowledge”: the scale must lie between -1000 and 1000."),
    ],
)  # fmt: skip
def test_values_the_database_cannot_hold_are_refused_with_a_message(manager, mutate, message):
    data = make_data()
    mutate(data)
    with pytest.raises(services.RubricInvalid) as exc:
        services.rubric_create(actor=manager, data=data)
    assert message in [p.message for p in exc.value.problems]
    assert not Rubric.objects.exists()


def test_a_new_version_keeps_each_section_and_criterion_identity(manager):
    """Results are keyed by identity, so a revised rubric continues the same trend."""
    v1 = services.rubric_publish(
        actor=manager, rubric=(to_publish := create(manager)), expected_revision=to_publish.revision
    )
    v2 = services.rubric_new_version(actor=manager, rubric=v1)

    def identities(rubric):
        return (
            list(
                Section.objects.filter(rubric=rubric).order_by("position").values_list("identity", flat=True)
            ),
            sorted(Criterion.objects.filter(section__rubric=rubric).values_list("identity", flat=True)),
        )

    assert identities(v1) == identities(v2)
    assert len(set(identities(v1)[0])) == len(identities(v1)[0])  # distinct within a version
    # A section added to the new version is a new identity.
    data = rubric_data(v2)
    data.sections.append(
        SectionData(
            name="Empathy",
            weight=D("0"),
            target=D("80"),
            criteria=[CriterionData(behaviour="Names the feeling")],
        )
    )
    v2 = services.rubric_save_draft(actor=manager, rubric=v2, data=data, expected_revision=v2.revision)
    added = Section.objects.get(rubric=v2, name="Empathy").identity
    assert added not in identities(v1)[0]
