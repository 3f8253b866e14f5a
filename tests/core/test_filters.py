"""List filters are validated: a page leaves a bad value out and says so; the API answers 400
naming the parameter; ?limit has a maximum. Never a 500."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "url", "said"),
    [
        ("reviewer", "/queue/?team=abc", "Filter “Team”: “abc” is not valid"),
        ("reviewer", "/queue/?agent=-1&channel=fax", "Filter “Channel”: “fax” is not valid"),
        ("reviewer", "/queue/?month=2026-13", "Filter “Month”: “2026-13” is not valid"),
        ("reviewer", "/queue/?status=%00", "Filter “Status”"),
        ("manager", "/reviews/?status=zz", "Filter “Status”: “zz” is not valid"),
        ("manager", "/rubrics/?status=zz", "Filter “Status”: “zz” is not valid"),
        ("manager", "/sampling/?month=99999-01", "Filter “Month”: “99999-01” is not valid"),
    ],
)
def test_pages_leave_a_bad_filter_out_and_say_so(client, as_user, persona, url, said):
    as_user(persona)
    response = client.get(url)
    assert response.status_code == 200
    assert said in response.content.decode().replace("&quot;", '"')


def test_a_good_filter_still_applies_beside_a_bad_one(client, as_user, team):
    as_user("reviewer")
    response = client.get(f"/queue/?team={team.pk}&channel=fax")
    assert response.status_code == 200
    assert f'<option value="{team.pk}" selected>' in response.content.decode()


@pytest.fixture
def api(manager):
    client = APIClient()
    client.force_authenticate(manager)
    return client


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/interactions/?limit=100000", "limit"),
        ("/api/interactions/?limit=abc", "limit"),
        ("/api/interactions/?limit=0", "limit"),
        ("/api/interactions/?offset=-5", "offset"),
        ("/api/interactions/?channel=fax", "channel"),
        ("/api/interactions/?month=2026-13", "month"),
        ("/api/reviews/?status=zz", "status"),
        ("/api/reviews/?limit=501", "limit"),
    ],
)
def test_the_api_answers_400_naming_the_parameter(api, url, parameter):
    response = api.get(url)
    assert response.status_code == 400
    assert parameter in response.data["errors"], response.data


def test_the_api_filters_and_pages(api, agent):
    from tests.reviews.test_views import ITEMS

    items = [{**i, "agent": agent.username} for i in ITEMS]
    assert api.post("/api/interactions/import/", {"interactions": items}, format="json").status_code == 200
    response = api.get("/api/interactions/?channel=chat&limit=500")
    assert response.status_code == 200 and [r["source_id"] for r in response.data["results"]] == ["API-2"]
    response = api.get(f"/api/interactions/?agent={agent.username}&month=2026-11&limit=1")
    assert response.data["count"] == 2 and len(response.data["results"]) == 1
    assert reverse("api_interaction_list") == "/api/interactions/"
