import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "landing", "heading"),
    [
        ("manager", "manager_home", "QA programme"),
        ("admin_user", "manager_home", "QA programme"),
        ("reviewer", "reviews:queue", "My review queue"),
        ("lead", "coaching:workspace", "1-on-1s due"),  # the coaching workspace
        ("agent", "reviews:my_feedback", "My feedback"),
    ],
)
def test_login_lands_each_role_on_its_home(client, request, persona, landing, heading):
    user = request.getfixturevalue(persona)
    user.set_password("secret-pw")
    user.save()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "secret-pw"}, follow=True
    )
    assert reverse(landing) in [url for url, _status in response.redirect_chain]
    assert heading in response.content.decode()


def test_wrong_password_is_refused_with_a_message(client, agent):
    response = client.post(reverse("login"), {"username": "agent", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_is_a_post_and_returns_to_login(client, as_user):
    as_user("agent")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


PAGES = [
    ("manager_home", {"manager": 200, "admin_user": 200, "reviewer": 403, "lead": 403, "agent": 403}),
    ("reviews:queue", {"manager": 200, "admin_user": 200, "reviewer": 200, "lead": 403, "agent": 403}),
    ("reviews:my_feedback", {"agent": 200, "outsider": 200, "admin_user": 200, "manager": 403, "reviewer": 403, "lead": 403}),
    ("coaching:team_home", {"manager": 200, "admin_user": 200, "lead": 302, "reviewer": 403, "agent": 403}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("page", "persona", "status"),
    [(page, persona, status) for page, table in PAGES for persona, status in table.items()],
)
def test_home_pages_permission_table(client, as_user, page, persona, status):
    as_user(persona)
    assert client.get(reverse(page)).status_code == status
    assert client.post(reverse(page)).status_code in (405, 403)


def test_an_agent_without_feedback_is_told_when_it_will_appear(client, as_user):
    as_user("agent")
    body = client.get(reverse("reviews:my_feedback")).content.decode()
    assert "No feedback yet" in body


def test_lead_sees_only_own_teams(client, as_user, lead, team, other_team, agent, outsider):
    as_user("lead")
    body = client.get(reverse("coaching:team_home"), follow=True).content.decode()
    assert "Team A" in body and "Team B" not in body


def test_admin_site_is_for_administrators_only(client, as_user):
    as_user("manager")
    assert client.get("/admin/").status_code == 302  # not staff: sent to the admin login
    as_user("admin_user")
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/core/user/",
        "/admin/core/user/add/",
        "/admin/core/team/",
        "/admin/core/auditevent/",
        "/admin/scoring/rubric/",
        "/admin/scoring/criterion/",
    ],
)
def test_admin_pages_work_for_administrators(client, as_user, url):
    as_user("admin_user")
    assert client.get(url).status_code == 200


def test_rubrics_are_read_only_in_the_admin(client, as_user):
    as_user("admin_user")
    assert client.get("/admin/scoring/rubric/add/").status_code == 403


def test_health_check_answers_without_logging_in(client):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.content.startswith(b"ok\nbroker: ")
    assert client.post("/healthz/").status_code == 405
