"""Which rubric new reviews of a channel use: the manager's choice (kept across new versions),
else the most recently published rubric that covers the channel."""

import pytest
from django.urls import reverse

from core.exceptions import DomainError
from core.models import AuditAction, AuditEvent
from scoring import services
from scoring.models import ChannelRubric
from scoring.selectors import channel_rubric_table, rubric_for_channel
from tests.factories import rubric_data

pytestmark = pytest.mark.django_db


def published(manager, name, channels=("phone", "chat")):
    rubric = services.rubric_create(actor=manager, data=rubric_data(name=name, channels=list(channels)))
    return services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)


def test_without_a_choice_the_newest_published_rubric_covering_the_channel_is_used(manager):
    older = published(manager, "Older")
    newer = published(manager, "Newer", channels=("phone",))
    assert rubric_for_channel("phone") == newer
    assert rubric_for_channel("chat") == older
    assert rubric_for_channel("email") is None


def test_the_managers_choice_wins_and_follows_new_versions(manager):
    chosen = published(manager, "Chosen")
    published(manager, "Newer")
    services.channel_rubric_set(actor=manager, channel="phone", rubric=chosen)
    assert rubric_for_channel("phone") == chosen
    assert AuditEvent.objects.filter(action=AuditAction.RUBRIC_CHANNEL_CHOSEN).count() == 1
    # Version 2 of the chosen rubric takes over without choosing again.
    draft = services.rubric_new_version(actor=manager, rubric=chosen)
    v2 = services.rubric_publish(actor=manager, rubric=draft, expected_revision=draft.revision)
    assert rubric_for_channel("phone") == v2
    # Retired: back to the newest published one.
    services.rubric_retire(actor=manager, rubric=v2)
    assert rubric_for_channel("phone").name == "Newer"
    # Clearing the choice.
    services.channel_rubric_set(actor=manager, channel="phone", rubric=None)
    assert not ChannelRubric.objects.exists()


def test_only_a_published_rubric_covering_the_channel_can_be_chosen(manager):
    rubric = published(manager, "Phone only", channels=("phone",))
    with pytest.raises(DomainError, match="covers the E-mail channel"):
        services.channel_rubric_set(actor=manager, channel="email", rubric=rubric)
    draft = services.rubric_create(actor=manager, data=rubric_data(name="Draft"))
    with pytest.raises(DomainError):
        services.channel_rubric_set(actor=manager, channel="phone", rubric=draft)
    with pytest.raises(DomainError, match="no channel"):
        services.channel_rubric_set(actor=manager, channel="fax", rubric=rubric)


def test_the_table_shows_what_new_reviews_will_use(manager):
    a = published(manager, "A")
    b = published(manager, "B", channels=("phone",))
    services.channel_rubric_set(actor=manager, channel="phone", rubric=a)
    rows = {row["channel"]: row for row in channel_rubric_table()}
    assert rows["phone"]["used"] == a and rows["phone"]["chosen"] == a
    assert set(rows["phone"]["rubrics"]) == {a, b}
    assert rows["chat"]["used"] == a and rows["chat"]["chosen"] is None
    assert rows["email"]["used"] is None


def test_choosing_in_the_browser_is_for_managers(client, as_user, manager):
    a = published(manager, "A")
    published(manager, "B")
    url = reverse("scoring:channel_rubrics")
    for persona in ("reviewer", "lead", "agent"):
        as_user(persona)
        assert client.post(url, {"channel-phone": str(a.pk)}).status_code == 403
    as_user("manager")
    assert client.get(url).status_code == 405
    response = client.post(url, {"channel-phone": str(a.pk), "channel-chat": ""}, follow=True)
    assert "Saved: new reviews use these rubrics." in response.content.decode()
    assert rubric_for_channel("phone") == a and rubric_for_channel("chat").name == "B"
    body = client.get(reverse("scoring:rubric_list")).content.decode()
    assert "Rubric for new reviews, by channel" in body
    assert f'<option value="{a.pk}" selected>' in body
    assert "No published rubric covers this channel" in body  # e-mail, social, other


def test_saving_the_choices_is_all_or_nothing(client, as_user, manager):
    a = published(manager, "A", channels=("phone",))
    published(manager, "B")
    as_user("manager")
    response = client.post(
        reverse("scoring:channel_rubrics"),
        {"channel-phone": str(a.pk), "channel-chat": str(a.pk)},
        follow=True,
    )
    assert "covers the Chat channel" in response.content.decode()
    assert not ChannelRubric.objects.exists()  # phone was valid but is not saved either
