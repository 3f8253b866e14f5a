from decimal import Decimal

import factory

from core.models import Role, Team, User
from scoring.structure import CriterionData, RubricData, SectionData


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.AGENT
    password = factory.django.Password("pw")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    lead = factory.SubFactory(UserFactory, role=Role.LEAD)


class AgentFactory(UserFactory):
    role = Role.AGENT
    team = factory.SubFactory(TeamFactory)


def rubric_data(**overrides) -> RubricData:
    """A small valid rubric: two sections (60/40), three criteria, ready to publish."""
    data = RubricData(
        name="Test rubric",
        description="For tests",
        channels=["phone", "chat"],
        sections=[
            SectionData(
                name="Knowledge",
                weight=Decimal("60"),
                target=Decimal("90"),
                criteria=[
                    CriterionData(behaviour="States facts accurately", weight=Decimal("2")),
                    CriterionData(
                        behaviour="Explains clearly",
                        answer_type="points",
                        scale_min=0,
                        scale_max=4,
                        weight=Decimal("1"),
                    ),
                ],
            ),
            SectionData(
                name="Process",
                weight=Decimal("40"),
                target=Decimal("100"),
                criteria=[
                    CriterionData(
                        behaviour="Verifies identity", critical=True, na_allowed=True, weight=Decimal("1")
                    )
                ],
            ),
        ],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def make_interaction(agent, when, channel="phone", **fields):
    """An Interaction saved with its derived columns (Interaction.save fills them in)."""
    from django.utils import timezone

    from reviews.models import Interaction

    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    make_interaction.counter = getattr(make_interaction, "counter", 0) + 1
    source_id = fields.pop("source_id", f"T-{make_interaction.counter}")
    values = {"talk_seconds": 240, "hold_seconds": 30, "acw_seconds": 60} | fields
    return Interaction.objects.create(
        source="default",
        source_id=source_id,
        agent=agent,
        channel=channel,
        started_at=when,
        **values,
    )


def make_assignment(agent, reviewer, channel="phone", when=None):
    """A sampled interaction of `agent` assigned to `reviewer` (November 2026)."""
    import datetime as dt

    from reviews.models import Assignment, ReasonKind, SampleItem

    interaction = make_interaction(agent, when or dt.datetime(2026, 11, 3, 10, 30), channel)
    item = SampleItem.objects.create(
        month=dt.date(2026, 11, 1), interaction=interaction, agent=agent, kind=ReasonKind.STRATUM,
        stratum="111", reason="test",
    )  # fmt: skip
    return Assignment.objects.create(item=item, reviewer=reviewer, month=dt.date(2026, 11, 1))
