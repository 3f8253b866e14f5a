from decimal import Decimal as D

import pytest
from django.urls import reverse

from core.models import AuditAction, AuditEvent
from scoring import services
from scoring.models import Rubric, RubricStatus
from scoring.structure import CriterionData, SectionData
from tests.conftest import count_queries
from tests.factories import rubric_data as make_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(manager):
    return services.rubric_create(actor=manager, data=make_data(name="Draft rubric"))


@pytest.fixture
def published(manager):
    rubric = services.rubric_create(actor=manager, data=make_data(name="Live rubric"))
    return services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)


# persona -> expected status, for each page. 404 where the persona may not see the rubric,
# 403 where it may see but not change it.
PERMISSIONS = [
    ("rubric_list", None, "get", {"manager": 200, "admin_user": 200, "reviewer": 200, "lead": 200, "agent": 200}),
    ("rubric_create", None, "get", {"manager": 200, "admin_user": 200, "reviewer": 403, "lead": 403, "agent": 403}),
    ("rubric_create", None, "post", {"reviewer": 403, "lead": 403, "agent": 403}),
    ("rubric_detail", "published", "get", {"manager": 200, "admin_user": 200, "reviewer": 200, "lead": 200, "agent": 200}),
    ("rubric_detail", "draft", "get", {"manager": 200, "admin_user": 200, "reviewer": 404, "lead": 404, "agent": 404}),
    ("rubric_edit", "draft", "get", {"manager": 200, "admin_user": 200, "reviewer": 404, "lead": 404, "agent": 404}),
    ("rubric_edit", "draft", "post", {"reviewer": 404, "lead": 404, "agent": 404}),
    ("rubric_edit", "published", "get", {"manager": 302, "reviewer": 403, "lead": 403, "agent": 403}),
    ("rubric_publish", "draft", "post", {"reviewer": 404, "agent": 404}),
    ("rubric_retire", "published", "post", {"reviewer": 403, "lead": 403, "agent": 403}),
    ("rubric_new_version", "published", "post", {"reviewer": 403, "lead": 403, "agent": 403}),
    ("rubric_discard", "draft", "post", {"reviewer": 404, "agent": 404}),
]  # fmt: skip


def _cases():
    for name, obj, method, expected in PERMISSIONS:
        for persona, status in expected.items():
            yield pytest.param(name, obj, method, persona, status, id=f"{name}-{obj}-{method}-{persona}")


@pytest.mark.parametrize(("name", "obj", "method", "persona", "status"), list(_cases()))
def test_permission_table(client, as_user, request, name, obj, method, persona, status):
    kwargs = {"pk": request.getfixturevalue(obj).pk} if obj else {}
    as_user(persona)
    response = getattr(client, method)(reverse(f"scoring:{name}", kwargs=kwargs))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("name", "obj", "method"),
    [
        ("rubric_list", None, "post"),
        ("rubric_publish", "draft", "get"),
        ("rubric_retire", "published", "get"),
        ("rubric_new_version", "published", "get"),
        ("rubric_discard", "draft", "get"),
        ("rubric_detail", "draft", "post"),
    ],
)
def test_wrong_method_is_405(client, as_user, request, name, obj, method):
    kwargs = {"pk": request.getfixturevalue(obj).pk} if obj else {}
    as_user("manager")
    assert getattr(client, method)(reverse(f"scoring:{name}", kwargs=kwargs)).status_code == 405


def test_anonymous_is_sent_to_login(client, published):
    response = client.get(reverse("scoring:rubric_detail", kwargs={"pk": published.pk}))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_agent_list_hides_drafts(client, as_user, draft, published):
    as_user("agent")
    body = client.get(reverse("scoring:rubric_list")).content.decode()
    assert "Live rubric" in body and "Draft rubric" not in body


def editor_post(data, revision, **extra):
    """The editor's form fields for `data`, as the page would post them."""
    post = {
        "name": data.name,
        "description": data.description,
        "channels": data.channels,
        "revision": revision,
    }
    for i, s in enumerate(data.sections):
        post.update(
            {
                f"s-{i}-id": s.id or "",
                f"s-{i}-name": s.name,
                f"s-{i}-weight": str(s.weight),
                f"s-{i}-target": str(s.target),
                f"s-{i}-description": s.description,
            }
        )
        for j, c in enumerate(s.criteria):
            p = f"s-{i}-c-{j}-"
            post.update(
                {
                    p + "id": c.id or "",
                    p + "behaviour": c.behaviour,
                    p + "guidance": c.guidance,
                    p + "answer_type": c.answer_type,
                    p + "scale_min": c.scale_min,
                    p + "scale_max": c.scale_max,
                    p + "weight": str(c.weight),
                }
            )
            if c.data_field:
                post.update(
                    {
                        p + "data_field": c.data_field,
                        p + "data_limit": "" if c.data_limit is None else str(c.data_limit),
                        p + "data_band": "" if c.data_band is None else str(c.data_band),
                        p + "data_empty": c.data_empty,
                    }
                )
            if c.na_allowed:
                post[p + "na_allowed"] = "on"
            if c.critical:
                post[p + "critical"] = "on"
    post.update(extra)
    return post


def test_create_from_scratch_then_edit_and_publish(client, as_user):
    as_user("manager")
    response = client.post(
        reverse("scoring:rubric_create"),
        {"start_from": "", "name": "Chat quality", "channels": ["chat"]},
    )
    rubric = Rubric.objects.get(name="Chat quality")
    assert response.status_code == 302 and response.url == reverse(
        "scoring:rubric_edit", kwargs={"pk": rubric.pk}
    )

    data = make_data(name="Chat quality", channels=["chat"])
    data.sections[0].weight = D("70")  # 70 + 40 = 110
    response = client.post(
        reverse("scoring:rubric_edit", kwargs={"pk": rubric.pk}), editor_post(data, 1, publish="1")
    )
    # Saved, but not published: the page says why.
    assert response.status_code == 400
    body = response.content.decode()
    assert "Draft saved, but it cannot be published yet." in body
    assert "Section weights must add up to 100; they add up to 110." in body
    rubric.refresh_from_db()
    assert rubric.status == RubricStatus.DRAFT and rubric.revision == 2

    from scoring.selectors import rubric_data

    data = rubric_data(rubric)
    data.sections[0].weight = D("60")
    response = client.post(
        reverse("scoring:rubric_edit", kwargs={"pk": rubric.pk}), editor_post(data, 2, publish="1")
    )
    assert response.status_code == 302
    rubric.refresh_from_db()
    assert rubric.status == RubricStatus.PUBLISHED

    detail = client.get(reverse("scoring:rubric_detail", kwargs={"pk": rubric.pk})).content.decode()
    assert "Published version 1." in detail
    assert "Knowledge weight 70 → 60" in detail


def test_create_needs_a_name_for_an_empty_rubric(client, as_user):
    as_user("manager")
    response = client.post(reverse("scoring:rubric_create"), {"start_from": ""})
    assert response.status_code == 400
    assert "Give the new rubric a name." in response.content.decode()
    assert not Rubric.objects.exists()


def test_create_from_template(client, as_user):
    as_user("manager")
    response = client.post(reverse("scoring:rubric_create"), {"start_from": "heard"})
    rubric = Rubric.objects.get()
    assert response.status_code == 302
    assert rubric.name == "HEARD complaint handling"
    assert [s.name for s in rubric.sections.order_by("position")] == [
        "Hear",
        "Empathize",
        "Acknowledge",
        "Resolve",
        "Discuss",
    ]


def test_editor_reports_unreadable_numbers_by_section_and_keeps_the_input(client, as_user, draft):
    as_user("manager")
    from scoring.selectors import rubric_data

    data = rubric_data(draft)
    post = editor_post(data, draft.revision)
    post["s-1-weight"] = "forty"
    post["s-0-c-1-scale_max"] = "0"
    post["s-2-name"] = "Brand new section"  # an added section, no id yet
    post["s-2-weight"] = ""
    post["s-2-target"] = "80"
    response = client.post(reverse("scoring:rubric_edit", kwargs={"pk": draft.pk}), post)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Section 2 “Process”: the weight “forty” is not a number." in body
    assert "Section 3 “Brand new section”: enter the weight." in body
    assert 'value="Brand new section"' in body  # nothing typed is lost
    assert 'aria-invalid="true"' in body
    draft.refresh_from_db()
    assert draft.revision == 1
    assert not AuditEvent.objects.filter(action=AuditAction.RUBRIC_EDITED).exists()


def test_editor_refuses_a_stale_save_and_keeps_the_persons_edits(client, as_user, draft, manager):
    from scoring.selectors import rubric_data

    data = rubric_data(draft)
    other = rubric_data(draft)
    other.name = "Saved by someone else"
    services.rubric_save_draft(actor=manager, rubric=draft, data=other, expected_revision=1)

    as_user("admin_user")
    data.name = "My late edit"
    response = client.post(reverse("scoring:rubric_edit", kwargs={"pk": draft.pk}), editor_post(data, 1))
    assert response.status_code == 409
    body = response.content.decode()
    assert "saved this rubric at" in body and "My late edit" in body
    # The page keeps the old revision, so saving again is refused again, not a blind overwrite.
    assert 'name="revision" value="1"' in body
    draft.refresh_from_db()
    assert draft.name == "Saved by someone else"


def test_editor_adds_sections_and_criteria_from_new_form_rows(client, as_user, draft):
    from scoring.selectors import rubric_data

    as_user("manager")
    data = rubric_data(draft)
    data.sections.append(
        SectionData(
            name="Empathy",
            weight=D("0"),
            target=D("80"),
            criteria=[CriterionData(behaviour="Names the feeling")],
        )
    )
    response = client.post(reverse("scoring:rubric_edit", kwargs={"pk": draft.pk}), editor_post(data, 1))
    assert response.status_code == 302
    assert [s.name for s in draft.sections.order_by("position")] == ["Knowledge", "Process", "Empathy"]


def test_list_and_detail_query_counts_stay_flat(client, as_user, manager):
    as_user("manager")
    counts = []
    for size in (2, 8):
        for i in range(size):
            data = make_data(name=f"R{size}-{i}")
            for s in data.sections:
                s.criteria = s.criteria * size
            services.rubric_publish(
                actor=manager,
                rubric=(to_publish := services.rubric_create(actor=manager, data=data)),
                expected_revision=to_publish.revision,
            )
        rubric = Rubric.objects.filter(name=f"R{size}-0").get()
        pages = []
        for name, expected in (
            ("scoring:rubric_list", 200),
            ("scoring:rubric_detail", 200),
            ("scoring:rubric_edit", 302),
        ):
            url = reverse(name, kwargs={"pk": rubric.pk}) if name != "scoring:rubric_list" else reverse(name)
            n, response = count_queries(lambda url=url: client.get(url))
            assert response.status_code == expected
            pages.append(n)
        counts.append(pages)
    assert counts[0] == counts[1], counts


def test_publish_button_refuses_a_draft_changed_since_the_page_was_opened(client, as_user, draft, manager):
    from scoring.selectors import rubric_data

    opened_at = draft.revision
    changed = rubric_data(draft)
    changed.sections[0].weight = D("10")
    services.rubric_save_draft(actor=manager, rubric=draft, data=changed, expected_revision=opened_at)

    as_user("admin_user")
    response = client.post(
        reverse("scoring:rubric_publish", kwargs={"pk": draft.pk}), {"revision": opened_at}, follow=True
    )
    assert "saved this rubric at" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == RubricStatus.DRAFT
