"""No query string gives a 500 (issue 17 §2): every GET page, list, dashboard and API endpoint,
as every role, with every parameter the app reads set to hostile values (NUL, a lone surrogate
as the bytes a browser would send, huge and negative numbers, months 0000-01 and 9999-12, a
10,000-character string). Pages answer 200 (the bad value left out with a message) or the
persona's 403/404; the API answers 400 naming the parameter, never 500."""

import datetime as dt
import inspect
from urllib.parse import quote

import pytest
from django import forms
from django.urls import reverse
from rest_framework.test import APIClient

from coaching import forms as coaching_forms
from coaching.services import sessions as coaching_services
from reviews import forms as review_forms
from reviews import services as review_services
from scoring import forms as scoring_forms
from scoring import services as scoring_services
from tests.factories import make_assignment, rubric_data
from tests.routes import routes

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "a\x00b",
    quote("a\udcff", errors="surrogatepass"),  # sent percent-encoded, as a client would
    "%ED%A0%80",
    "99999999999999999999999999",
    "-1",
    "-99999999999",
    "0",
    "0000-01",
    "9999-12",
    "2026-13",
    "10000-01",
    "169-07",
    "1e309",
    "NaN",
    "x" * 10_000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
]
# Read by views outside a form (paginators, the report download) and the API's paging.
EXTRA_PARAMS = {"page", "file", "limit", "offset", "format"}


def _filter_params() -> set[str]:
    """Every field of every query-string form the pages and the API validate with."""
    names = set(EXTRA_PARAMS)
    for module in (coaching_forms, review_forms, scoring_forms):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.Form) and (
                name.endswith("FilterForm") or name in ("MonthForm", "TeamDashboardForm")
            ):
                names |= set(cls.base_fields)
    return names


@pytest.fixture
def world(manager, reviewer, lead, agent, team):
    rubric = scoring_services.rubric_create(actor=manager, data=rubric_data())
    rubric = scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    assignment = make_assignment(agent, reviewer)
    review = review_services.review_start(actor=reviewer, assignment=assignment)
    session = coaching_services.session_plan(actor=lead, agent=agent, day=dt.date.today())
    item = coaching_services.item_save(
        actor=lead, session=session, data={"text": "Use the checklist", "due_on": dt.date.today()}
    )
    from coaching.services import reports

    report = reports.report_job_create(actor=manager, month=dt.date(2026, 11, 1))
    return {
        "rubric": rubric.pk, "assignment": assignment.pk, "review": review.pk, "interaction": assignment.item.interaction_id,
        "session": session.pk, "item": item.pk, "report": report.pk, "team": team.pk, "agent": agent.pk,
    }  # fmt: skip


# Which object a route's <pk> means, by the route's first word.
PK_OF = {
    "rubrics": "rubric", "assignments": "assignment", "reviews": "review", "interactions": "interaction",
    "team": "team", "records": "agent", "imports": None, "kpi-schemes": None, "coaching": "session",
    "reports": "report", "api": None,
}  # fmt: skip
API_PK_OF = {"rubrics": "rubric", "interactions": "interaction", "reviews": "review", "sessions": "session",
             "items": "item", "reports": "report"}  # fmt: skip


def _get_urls(w) -> list[str]:
    urls = []
    for route, name, pattern in routes():
        if route.startswith(("admin/", "logout", "login")) or ("<" in route and "pk>" not in route):
            continue
        callback = pattern.callback
        allowed = getattr(callback, "view_class", None)
        if allowed is not None and not hasattr(allowed, "get"):
            continue  # an API operation without GET
        kwargs = {}
        for param in pattern.pattern.converters:
            words = route.split("/")
            if route.startswith("api/"):
                key = next((API_PK_OF[word] for word in reversed(words) if word in API_PK_OF), None)
            elif param == "agent_pk":
                key = "agent"
            elif param == "team_pk":
                key = "team"
            elif param == "item_pk":
                key = "item"
            else:
                key = PK_OF.get(words[0])
            kwargs[param] = w[key] if key else 1
        urls.append(reverse(name, kwargs=kwargs))
    return urls


@pytest.mark.parametrize("persona", ["manager", "reviewer", "lead", "agent"])
def test_no_hostile_query_string_gives_a_500(world, request, persona):
    user = request.getfixturevalue(persona)
    client = APIClient()
    client.force_login(user)
    params = sorted(_filter_params())
    assert {"month", "status", "agent", "team", "channel", "page"} <= set(params)
    urls = _get_urls(world)
    assert len(urls) > 40
    errors = []
    for url in urls:
        for value in HOSTILE:
            query = "&".join(f"{name}={value if value.startswith('%') else quote(value)}" for name in params)
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500 or (
                url.startswith("/api/") and response.status_code not in (200, 400, 403, 404, 405)
            ):
                errors.append(f"{url} {value[:20]!r}: {response.status_code}")
    assert errors == []


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "0001-01", "2200-01", "1899-12"])
@pytest.mark.parametrize("page", ["coaching:programme", "coaching:team_dashboard", "coaching:agent_record"])
def test_a_month_out_of_range_is_left_out_with_its_reason(client, manager, team, agent, month, page):
    """The page falls back on its own month and says which months it takes."""
    client.force_login(manager)
    args = {"coaching:team_dashboard": [team.pk], "coaching:agent_record": [agent.pk]}.get(page, [])
    response = client.get(reverse(page, args=args), {"month": month}, follow=True)
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert "between 1900-01 and 2199-12" in response.content.decode()


def test_the_api_names_a_month_out_of_range(manager):
    client = APIClient()
    client.force_login(manager)
    response = client.get("/api/records/", {"month": "9999-12"})
    assert response.status_code == 400
    assert "month" in response.json()["errors"]
    response = client.post("/api/reports/", {"month": "0169-07-19"}, format="json")
    assert response.status_code == 400
    assert "month" in response.json()["errors"]


@pytest.mark.parametrize("status", ["\x00", "nope"])
def test_the_rubric_list_refuses_a_status_it_does_not_know(manager, status):
    client = APIClient()
    client.force_login(manager)
    response = client.get("/api/rubrics/", {"status": status})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "item", "field"),
    [
        ('{"source": "crm", "interactions": [{"source_id": "1", "transcript": "a\\ud800b"}]}', 0, "transcript"),
        ('{"source": "crm", "interactions": [{}, {"queue": "\\udfffx"}]}', 1, "queue"),
        ('{"source": "crm\\u0000", "interactions": []}', None, "source"),
    ],
)  # fmt: skip
def test_json_text_that_cannot_be_stored_is_a_400_naming_where(manager, body, item, field):
    """The import answers in its own error shape (item, field); nothing is written."""
    client = APIClient()
    client.force_login(manager)
    response = client.post("/api/interactions/import/", body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(e["item"], e["field"]) for e in errors} == {(item, field)}
    assert "cannot be stored" in errors[0]["message"] or "surrogate" in errors[0]["message"]


def test_other_endpoints_name_the_json_path(manager, agent):
    client = APIClient()
    client.force_login(manager)
    body = '{"agent": AGENT, "day": "2026-12-01", "note": "\\ud83d"}'.replace("AGENT", str(agent.pk))
    response = client.post("/api/coaching/sessions/", body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["note"]


@pytest.mark.parametrize(
    "url", ["/api/interactions/import/", "/api/rubrics/", "/api/coaching/sessions/", "/api/reviews/start/"]
)
def test_json_nested_100000_deep_is_a_400(manager, url):
    client = APIClient()
    client.force_login(manager)
    response = client.post(url, "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["message"]


def test_an_unknown_api_address_answers_json(manager, settings):
    settings.DEBUG = False
    client = APIClient()
    client.force_login(manager)
    response = client.get("/api/reviews/null,null/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"message": "Not found.", "errors": []}
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")
