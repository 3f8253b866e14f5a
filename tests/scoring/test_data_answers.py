"""Criteria answered from the interaction's data: the worked examples of docs/scoring.md, the
rubric's checks of a binding, and the binding through the editor, the API and a new version."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from scoring import services
from scoring.data_answers import answer_from_data
from scoring.selectors import rubric_data
from scoring.structure import CriterionData, field_problems
from scoring.templates_data import DEFAULT
from tests.factories import rubric_data as make_data
from tests.scoring.test_views import editor_post

VALUES = {
    "csat": 2,
    "nps": 7,
    "effort": 2,
    "first_contact_resolved": False,
    "resolved": True,
    "hold_seconds": 95,
    "handle_seconds": 600,
    "wait_seconds": 45,
}


def crit(**fields) -> CriterionData:
    return CriterionData(behaviour="Bound", **fields).normalised()


@pytest.mark.parametrize(
    ("fields", "answer", "evidence"),
    [
        # a survey scale mapped onto a scale criterion: CSAT 2 on 1-5 is 2
        ({"answer_type": "rating", "data_field": "csat"}, 2, "CSAT 2 of 5"),
        # onto points 0-4: (2-1)/4 of the way = 1
        ({"answer_type": "points", "scale_min": 0, "scale_max": 4, "data_field": "csat"}, 1, "CSAT 2 of 5"),
        # NPS 7 of 0-10 onto 1-5: 1 + 0.7 x 4 = 3.8, rounded half up: 4
        ({"answer_type": "rating", "data_field": "nps"}, 4, "NPS answer 7 of 10"),
        # effort runs the other way: 2 of 1-7 is 5/6 of the way up, 1 + 5/6 x 4 = 4.33: 4
        ({"answer_type": "rating", "data_field": "effort"}, 4, "Customer effort 2 of 7 (1 is easiest)"),
        # yes / no with a limit
        ({"data_field": "csat", "data_limit": D(4)}, "no", "CSAT 2 of 5 (at least 4 passes)"),
        ({"data_field": "csat", "data_limit": D(2)}, "yes", "CSAT 2 of 5 (at least 2 passes)"),
        ({"data_field": "effort", "data_limit": D(3)}, "yes", "Customer effort 2 of 7 (1 is easiest) (at most 3 passes)"),
        # flags
        ({"data_field": "fcr"}, "no", "Resolved on first contact: no"),
        ({"data_field": "resolved"}, "yes", "Resolved: yes"),
        ({"answer_type": "points", "scale_min": 0, "scale_max": 3, "data_field": "resolved"}, 3, "Resolved: yes"),
        # 95 s of 600 s is 15.8 %: over a 10 % limit, under a 20 % one
        ({"data_field": "hold_share", "data_limit": D(10)}, "no",
         "Hold 95 s of 600 s handled: 15.8 % (at most 10 % passes)"),
        ({"data_field": "hold_share", "data_limit": D(20)}, "yes",
         "Hold 95 s of 600 s handled: 15.8 % (at most 20 % passes)"),
        ({"data_field": "wait", "data_limit": D(30)}, "no", "Waited 45 s before an answer (at most 30 s passes)"),
        # 500 s ± 20 % is 400-600 s: 600 s is inside (the band's edges pass)
        ({"data_field": "handle_time", "data_limit": D(500), "data_band": D(20)}, "yes",
         "Handle time 600 s (target 500 s ± 20 %: 400–600 s passes)"),
        ({"data_field": "handle_time", "data_limit": D(420), "data_band": D(10)}, "no",
         "Handle time 600 s (target 420 s ± 10 %: 378–462 s passes)"),
    ],
)  # fmt: skip
def test_worked_examples(fields, answer, evidence):
    found = answer_from_data(crit(**fields), VALUES)
    assert (found.answer, found.evidence, found.empty) == (answer, evidence, False)


def test_every_csat_onto_a_rating_and_onto_points():
    rating, points = (
        crit(answer_type="rating", data_field="csat"),
        crit(answer_type="points", scale_min=0, scale_max=4, data_field="csat"),
    )
    assert [answer_from_data(rating, {"csat": v}).answer for v in range(1, 6)] == [1, 2, 3, 4, 5]
    assert [answer_from_data(points, {"csat": v}).answer for v in range(1, 6)] == [0, 1, 2, 3, 4]


def test_hold_share_is_compared_exactly_not_rounded():
    # 60 of 600 is exactly 10 %: at most 10 % passes; 61 of 600 (10.17 %) does not
    rule = crit(data_field="hold_share", data_limit=D(10))
    assert answer_from_data(rule, {"hold_seconds": 60, "handle_seconds": 600}).answer == "yes"
    assert answer_from_data(rule, {"hold_seconds": 61, "handle_seconds": 600}).answer == "no"


@pytest.mark.parametrize(
    ("fields", "values", "evidence"),
    [
        ({"data_field": "csat"}, {"csat": None}, "CSAT (1-5): not recorded"),
        ({"data_field": "fcr"}, {"first_contact_resolved": None}, "Resolved on first contact: not recorded"),
        ({"data_field": "wait", "data_limit": D(30)}, {"wait_seconds": None}, "Wait before answer: not recorded"),
        ({"data_field": "hold_share", "data_limit": D(10)}, {"hold_seconds": 0, "handle_seconds": 0},
         "Handle time: not recorded"),
        ({"data_field": "handle_time", "data_limit": D(300), "data_band": D(10)}, {"handle_seconds": 0},
         "Handle time: not recorded"),
    ],
)  # fmt: skip
def test_an_empty_field_is_na_or_left_to_the_reviewer_never_a_score(fields, values, evidence):
    """The bug this fixes: an interaction without CSAT scored "5 / 5" on the survey criterion."""
    left = answer_from_data(crit(**fields), values)
    assert (left.answer, left.evidence, left.empty) == (None, evidence, True)
    na = answer_from_data(crit(na_allowed=True, data_empty="na", **fields), values)
    assert (na.answer, na.empty) == ("na", True)


def test_an_unbound_criterion_has_no_answer_from_the_data():
    assert answer_from_data(crit(), VALUES) is None


def test_evidence_speaks_the_readers_language():
    with translation.override("zh-hans"):
        found = answer_from_data(crit(answer_type="rating", data_field="csat"), VALUES)
        empty = answer_from_data(crit(data_field="csat"), {"csat": None})
    assert "5" in found.evidence and found.evidence != "CSAT 2 of 5"
    assert "not recorded" not in empty.evidence


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"data_field": "sentiment"}, "data_field", "“sentiment” is not a field it can be answered from"),
        ({"data_field": "csat"}, "data_limit", "answered from CSAT (1-5), it needs the lowest CSAT that passes"),
        ({"data_field": "csat", "data_limit": D(6)}, "data_limit",
         "the lowest CSAT that passes must be between 1 and 5, not 6"),
        ({"data_field": "hold_share"}, "data_limit", "it needs the largest hold share in % that passes"),
        ({"data_field": "wait", "data_limit": D(-1)}, "data_limit", "must be between 0 and 86400, not -1"),
        ({"data_field": "handle_time", "data_limit": D(420)}, "data_band", "it needs a band"),
        ({"data_field": "handle_time", "data_limit": D(420), "data_band": D(0)}, "data_band",
         "the band must be more than 0 and at most 100 %, not 0"),
        ({"data_field": "csat", "answer_type": "rating", "data_empty": "na"}, "data_empty",
         "an empty CSAT (1-5) is to be answered N/A, so allow N/A"),
    ],
)  # fmt: skip
def test_a_binding_that_cannot_work_is_refused_naming_the_criterion(fields, field, message):
    data = make_data()
    data.sections[0].criteria[0] = crit(**fields)
    problems = [p for p in field_problems(data) if p.field == field]
    assert len(problems) == 1, field_problems(data)
    assert message in problems[0].message
    assert problems[0].message.startswith("criterion 1 “Bound” in Section 1 “Knowledge”")
    assert (problems[0].section, problems[0].criterion) == (0, 0)


def test_a_scale_needs_no_limit_and_an_unused_limit_is_not_kept():
    rating = crit(answer_type="rating", data_field="csat", data_limit=D(4), data_band=D(5))
    assert (rating.data_limit, rating.data_band) == (None, None)
    unbound = crit(data_limit=D(4), data_empty="na")
    assert (unbound.data_limit, unbound.data_empty) == (None, "reviewer")


def test_the_default_template_answers_the_survey_criterion_from_csat():
    data = DEFAULT.build()
    survey = [c for s in data.sections for c in s.criteria if c.data_field]
    assert [(c.behaviour, c.data_field, c.data_empty, c.na_allowed) for c in survey] == [
        ("Customer satisfaction survey result", "csat", "na", True)
    ]


@pytest.mark.django_db
def test_the_editor_saves_a_binding_and_a_new_version_keeps_it(client, as_user, manager):
    draft = services.rubric_create(actor=manager, data=make_data())
    data = rubric_data(draft)
    data.sections[1].criteria[0].data_field = "handle_time"
    data.sections[1].criteria[0].data_limit = D(420)
    data.sections[1].criteria[0].data_band = D("12.5")
    data.sections[1].criteria[0].data_empty = "na"
    as_user("manager")
    url = reverse("scoring:rubric_edit", kwargs={"pk": draft.pk})
    response = client.post(url, editor_post(data, draft.revision))
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = rubric_data(draft).sections[1].criteria[0]
    assert (saved.data_field, saved.data_limit, saved.data_band, saved.data_empty) == (
        "handle_time", D("420.00"), D("12.50"), "na",
    )  # fmt: skip
    page = client.get(reverse("scoring:rubric_detail", kwargs={"pk": draft.pk})).content.decode()
    assert "Answered from the handle time: 420 s ± 12.5 % passes; empty: N/A" in page
    editor = client.get(url).content.decode()
    assert 'value="handle_time" selected' in editor and 'value="12.50"' in editor

    draft.refresh_from_db()
    live = services.rubric_publish(actor=manager, rubric=draft, expected_revision=draft.revision)
    version2 = services.rubric_new_version(actor=manager, rubric=live)
    kept = rubric_data(version2).sections[1].criteria[0]
    assert (kept.data_field, kept.data_limit, kept.data_band, kept.data_empty) == (
        "handle_time", D("420.00"), D("12.50"), "na",
    )  # fmt: skip


@pytest.mark.django_db
def test_the_editor_names_a_missing_limit_and_keeps_what_was_typed(client, as_user, manager):
    draft = services.rubric_create(actor=manager, data=make_data())
    data = rubric_data(draft)
    data.sections[0].criteria[0].data_field = "wait"
    as_user("manager")
    post = editor_post(data, draft.revision)
    post["s-0-c-0-data_limit"] = "thirty"
    response = client.post(reverse("scoring:rubric_edit", kwargs={"pk": draft.pk}), post)
    body = response.content.decode()
    assert response.status_code == 400
    assert "the limit or target “thirty” is not a number" in body
    assert rubric_data(draft).sections[0].criteria[0].data_field == ""  # nothing saved


@pytest.mark.django_db
def test_the_api_sets_and_returns_a_binding(manager):
    api = APIClient()
    api.force_authenticate(manager)
    body = {
        "name": "API rubric",
        "channels": ["phone"],
        "sections": [
            {
                "name": "Experience",
                "weight": "100",
                "target": "90",
                "criteria": [
                    {"behaviour": "Survey", "answer_type": "rating", "na_allowed": True,
                     "data_field": "csat", "data_empty": "na"},
                    {"behaviour": "Hold", "data_field": "hold_share", "data_limit": "10"},
                ],
            }
        ],
    }  # fmt: skip
    response = api.post("/api/rubrics/", body, format="json")
    assert response.status_code == 201, response.data
    criteria = response.data["sections"][0]["criteria"]
    assert [(c["data_field"], c["data_empty"]) for c in criteria] == [
        ("csat", "na"),
        ("hold_share", "reviewer"),
    ]
    assert D(str(criteria[1]["data_limit"])) == 10
    body["sections"][0]["criteria"][1].pop("data_limit")
    response = api.post("/api/rubrics/", body, format="json")
    assert response.status_code == 400
    assert "it needs the largest hold share in % that passes" in str(response.data)
    body["sections"][0]["criteria"][1]["data_field"] = "mood"
    assert api.post("/api/rubrics/", body, format="json").status_code == 400
