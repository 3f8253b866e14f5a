import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from scoring import services
from scoring.models import Rubric, RubricStatus
from tests.factories import rubric_data as make_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def draft(manager):
    return services.rubric_create(actor=manager, data=make_data(name="Draft rubric"))


@pytest.fixture
def published(manager):
    draft = services.rubric_create(actor=manager, data=make_data(name="Live rubric"))
    return services.rubric_publish(actor=manager, rubric=draft, expected_revision=draft.revision)


BODY = {
    "name": "API rubric",
    "channels": ["email"],
    "sections": [
        {"name": "Accuracy", "weight": "70", "target": "90", "criteria": [{"behaviour": "Correct answer"}]},
        {
            "name": "Tone",
            "weight": "30",
            "target": "80",
            "criteria": [{"behaviour": "Friendly", "answer_type": "rating"}],
        },
    ],
}


def test_token_authenticated_manager_creates_and_publishes(api, manager):
    token = Token.objects.create(user=manager)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post("/api/rubrics/", BODY, format="json")
    assert response.status_code == 201, response.data
    assert response.data["status"] == "draft"
    assert [s["name"] for s in response.data["sections"]] == ["Accuracy", "Tone"]
    assert response.data["sections"][1]["criteria"][0]["scale_max"] == 5

    pk = response.data["id"]
    response = api.post(f"/api/rubrics/{pk}/publish/", format="json")
    assert response.status_code == 200 and response.data["status"] == "published"
    response = api.post(f"/api/rubrics/{pk}/new-version/", format="json")
    assert response.status_code == 201 and response.data["version"] == 2


def test_save_with_stale_revision_is_409_with_a_message(api, manager, draft):
    api.force_authenticate(manager)
    body = {**BODY, "revision": draft.revision}
    assert api.put(f"/api/rubrics/{draft.pk}/", body, format="json").status_code == 200
    response = api.put(f"/api/rubrics/{draft.pk}/", body, format="json")
    assert response.status_code == 409
    assert "saved this rubric at" in response.data["message"]


def test_domain_validation_errors_name_the_section(api, manager, draft):
    api.force_authenticate(manager)
    body = {**BODY, "revision": draft.revision}
    body["sections"] = [{**BODY["sections"][0], "target": "150"}]
    response = api.put(f"/api/rubrics/{draft.pk}/", body, format="json")
    assert response.status_code == 400
    assert response.data["message"] == "The rubric has problems; nothing was saved."
    assert "Section 1 “Accuracy”: the target must be between 0 and 100, not 150." in response.data["errors"]


def test_publish_refusal_lists_the_problems(api, manager, draft):
    api.force_authenticate(manager)
    body = {**BODY, "revision": draft.revision}
    body["sections"] = [BODY["sections"][0]]  # 70 only
    api.put(f"/api/rubrics/{draft.pk}/", body, format="json")
    response = api.post(f"/api/rubrics/{draft.pk}/publish/", format="json")
    assert response.status_code == 400
    assert response.data["errors"] == ["Section weights must add up to 100; they add up to 70."]
    assert Rubric.objects.get(pk=draft.pk).status == RubricStatus.DRAFT


def test_malformed_input_is_400_per_field(api, manager):
    api.force_authenticate(manager)
    response = api.post("/api/rubrics/", {"name": "", "channels": ["fax"]}, format="json")
    assert response.status_code == 400
    assert set(response.data["errors"]) == {"name", "channels"}


@pytest.mark.parametrize(
    ("persona", "method", "path", "status"),
    [
        ("agent", "get", "/api/rubrics/{published}/", 200),
        ("agent", "get", "/api/rubrics/{draft}/", 404),
        ("agent", "put", "/api/rubrics/{draft}/", 404),
        ("agent", "put", "/api/rubrics/{published}/", 403),
        ("agent", "post", "/api/rubrics/", 403),
        ("reviewer", "post", "/api/rubrics/{published}/retire/", 403),
        ("lead", "post", "/api/rubrics/{published}/new-version/", 403),
        ("manager", "get", "/api/rubrics/{draft}/", 200),
        ("manager", "delete", "/api/rubrics/{draft}/", 405),
        ("manager", "get", "/api/rubrics/{published}/publish/", 405),
        (None, "get", "/api/rubrics/", 403),
    ],
)
def test_api_permission_table(api, request, draft, published, persona, method, path, status):
    if persona:
        api.force_authenticate(request.getfixturevalue(persona))
    url = path.format(draft=draft.pk, published=published.pk)
    assert getattr(api, method)(url, {}, format="json").status_code == status


def test_list_shows_what_the_caller_may_see(api, agent, manager, draft, published):
    api.force_authenticate(agent)
    assert [r["name"] for r in api.get("/api/rubrics/").data] == ["Live rubric"]
    api.force_authenticate(manager)
    assert {r["name"] for r in api.get("/api/rubrics/").data} == {"Live rubric", "Draft rubric"}


def test_openapi_schema_and_offline_docs(client, as_user):
    as_user("manager")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/rubrics/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "swagger-ui" in docs
