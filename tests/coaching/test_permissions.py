"""Who may open or change what in coaching: every page and API endpoint under /coaching/,
/my/coaching/ and /api/coaching/ against another team's lead, another agent and a QA reviewer.
A new entry point fails `test_the_table_covers_every_coaching_entry_point` until it is added."""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from coaching.models import ActionItem, CoachingSession, GrowNote, SkillLevel
from coaching.services import sessions as services
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

PREFIXES = ("coaching/", "my/coaching/", "api/coaching/")


@pytest.fixture
def world(lead, agent, team):
    """A held 1-on-1 (one shared item left open, one private note) and a planned one."""
    held = services.session_plan(actor=lead, agent=agent, day=dt.date(2026, 11, 13))
    item = services.item_save(
        actor=lead, session=held, data={"text": "Use the checklist", "due_on": dt.date(2026, 11, 19)}
    )
    services.note_save(actor=lead, session=held, data={"goal": "Private goal", "shared": False})
    held = services.session_close(actor=lead, session=held, expected_revision=held.revision)
    planned = services.session_plan(actor=lead, agent=agent)
    return {"held": held, "planned": planned, "item": item, "agent": agent, "team": team,
            "level": SkillLevel.objects.order_by("position").first()}  # fmt: skip


def _session(w, key="planned"):
    return [w[key].pk]


# (name, method, args, data): every coaching entry point, pages then API.
PAGES = [
    ("coaching:workspace", "get", lambda w: [], None),
    ("coaching:coaching_results", "get", lambda w: [], None),
    ("coaching:cadence_save", "post", lambda w: [w["team"].pk], {"every_days": 3, "minutes": 20}),
    ("coaching:ladder", "get", lambda w: [], None),
    ("coaching:coaching_settings_save", "post", lambda w: [], {"low_score": 10, "loop_window": 3}),
    ("coaching:ladder_level_save", "post", lambda w: [w["level"].pk], {"qa_mean_min": 1}),
    ("coaching:level_confirm", "post", lambda w: [w["agent"].pk], {"level": "senior", "note": "x"}),
    ("coaching:session_plan", "post", lambda w: [w["agent"].pk], {}),
    ("coaching:session_detail", "get", _session, None),
    ("coaching:session_agenda", "post", _session, {"revision": 1}),
    ("coaching:session_note", "post", _session, {"note-goal": "Mine", "note-shared": "on"}),
    ("coaching:session_item", "post", _session, {"item-text": "x", "item-owner": "agent", "item-due_on": "2026-12-01"}),
    ("coaching:session_follow_up", "post", lambda w: [w["planned"].pk, w["item"].pk], {"outcome": "done"}),
    ("coaching:session_close", "post", _session, {"revision": 1}),
    ("coaching:my_coaching", "get", lambda w: [], None),
    ("coaching:session_acknowledge", "post", lambda w: [w["held"].pk], {}),
    ("coaching:item_done", "post", lambda w: [w["item"].pk], {}),
]  # fmt: skip
API = [
    ("api_session_list", "get", lambda w: [], None),
    ("api_session_list", "post", lambda w: [], lambda w: {"agent": w["agent"].pk}),
    ("api_session_detail", "get", _session, None),
    ("api_session_note", "post", _session, {"goal": "Mine"}),
    ("api_session_item", "post", _session, {"text": "x", "due_on": "2026-12-01"}),
    ("api_session_close", "post", _session, {"revision": 1}),
    ("api_session_acknowledge", "post", lambda w: [w["held"].pk], {}),
    ("api_item_list", "get", lambda w: [], None),
    ("api_item_done", "post", lambda w: [w["item"].pk], {}),
]

# Expected status for (another team's lead, an agent of another team, a QA reviewer). 404 where the
# object is outside the person's scope, 403 where their role may not do this at all; 200 where the
# page is theirs (it must then show nothing of this agent: checked below).
EXPECTED = {
    "coaching:workspace": (200, 403, 403),
    "coaching:coaching_results": (403, 403, 403),
    "coaching:cadence_save": (404, 403, 403),
    "coaching:ladder": (403, 403, 403),
    "coaching:coaching_settings_save": (403, 403, 403),
    "coaching:ladder_level_save": (403, 403, 403),
    "coaching:level_confirm": (404, 403, 403),
    "coaching:session_plan": (404, 403, 403),
    "coaching:session_detail": (404, 403, 403),
    "coaching:session_agenda": (404, 403, 403),
    "coaching:session_note": (404, 403, 403),
    "coaching:session_item": (404, 403, 403),
    "coaching:session_follow_up": (404, 403, 403),
    "coaching:session_close": (404, 403, 403),
    "coaching:my_coaching": (403, 200, 403),
    "coaching:session_acknowledge": (403, 404, 403),
    "coaching:item_done": (403, 404, 403),
    ("api_session_list", "get"): (200, 200, 403),
    ("api_session_list", "post"): (404, 404, 403),  # the agent is outside an agent's scope
    "api_session_detail": (404, 404, 403),
    "api_session_note": (404, 403, 403),
    "api_session_item": (404, 403, 403),
    "api_session_close": (404, 403, 403),
    "api_session_acknowledge": (403, 404, 403),
    "api_item_list": (200, 200, 403),
    "api_item_done": (404, 404, 403),
}
PERSONAS = ("other_lead", "outsider", "reviewer")


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def test_the_table_covers_every_coaching_entry_point():
    names = {name for route, name in _routes(get_resolver().url_patterns) if route.startswith(PREFIXES)}
    covered = {name.removeprefix("coaching:") for name, *_rest in PAGES + API}
    assert names == covered


def _state(w) -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        AuditEvent.objects.count(), CoachingSession.objects.count(), GrowNote.objects.count(),
        ActionItem.objects.count(), ActionItem.objects.get(pk=w["item"].pk).status,
        CoachingSession.objects.get(pk=w["held"].pk).acknowledged_at,
        CoachingSession.objects.get(pk=w["planned"].pk).revision,
    )  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("entry", PAGES + API, ids=lambda e: f"{e[0]}-{e[1]}")
def test_permission_table(client, request, world, other_lead, persona, entry):
    name, method, args, data = entry
    who = request.getfixturevalue(persona)
    is_api = not name.startswith("coaching:")
    url = reverse(name, args=args(world))
    data = data(world) if callable(data) else data
    expected = (EXPECTED.get((name, method)) or EXPECTED[name])[PERSONAS.index(persona)]
    before = _state(world)
    if is_api:
        api = APIClient()
        api.force_authenticate(who)
        response = (
            getattr(api, method)(url, data, format="json") if data is not None else getattr(api, method)(url)
        )
    else:
        client.force_login(who)
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert response.status_code == expected, (name, persona, response.content[:300])
    assert _state(world) == before, (name, persona)
    if expected == 200:  # their own page or list: nothing of this agent's coaching on it
        body = response.content.decode()
        assert (
            str(world["agent"]) not in body and "Use the checklist" not in body and "Private goal" not in body
        )
