"""Every page of every role, in Chromium on a 390 px phone and at 1366 px (issue 17 §6): no page
is wider than the screen, and axe-core (vendored, tests/browser/vendor) finds no WCAG 2 A/AA
violation. The demo data fills the pages, so tables, charts and forms are as a centre sees them."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coaching.models import ReportJob
from core.models import Team, User
from reviews.models import Assignment, ImportJob
from scoring.models import Rubric
from tests.routes import routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
PERSONAS = ("manager", "reviewer1", "lead1", "agent1")
SKIP = ("admin/", "api/", "login/", "logout/", "healthz/", "notifications/read/")


def _objects(user: User) -> dict[str, int | None]:
    """An object of each kind this person may open (the first they can see)."""
    from coaching.selectors.sessions import session_queryset_for
    from reviews.selectors import interaction_queryset_for, review_queryset_for
    from reviews.selectors.trust import calibration_queryset_for, dispute_queryset_for

    review = review_queryset_for(user).order_by("-pk").first()
    assignment = Assignment.objects.filter(reviewer=user).order_by("pk").first()
    return {
        "rubric": Rubric.objects.order_by("pk").values_list("pk", flat=True).first(),
        "review": review.pk if review else None,
        "assignment": assignment.pk if assignment else None,
        "interaction": (interaction_queryset_for(user).order_by("-pk").values_list("pk", flat=True).first()),
        "team": Team.objects.filter(lead=user).values_list("pk", flat=True).first()
        or Team.objects.order_by("pk").values_list("pk", flat=True).first(),
        "agent": User.objects.filter(username="agent1").values_list("pk", flat=True).first(),
        "session": session_queryset_for(user).order_by("-pk").values_list("pk", flat=True).first(),
        "import": ImportJob.objects.values_list("pk", flat=True).first(),
        "report": ReportJob.objects.values_list("pk", flat=True).first(),
        "calibration": calibration_queryset_for(user).order_by("-pk").values_list("pk", flat=True).first(),
        "dispute": dispute_queryset_for(user).order_by("-pk").values_list("pk", flat=True).first(),
    }


PK_OF = {"rubrics": "rubric", "reviews": "review", "assignments": "assignment", "interactions": "interaction",
         "team": "team", "records": "agent", "coaching": "session", "imports": "import", "reports": "report",
         "calibration": "calibration", "disputes": "dispute"}  # fmt: skip


def _pages(user: User) -> list[str]:
    """The GET pages this person may open (200 through the test client), with real objects."""
    client = Client()
    client.force_login(user)
    objects = _objects(user)
    urls = []
    for route, name, pattern in routes():
        if route.startswith(SKIP) or "progress" in route or "live" in route or "download" in route:
            continue
        kwargs = {}
        for param in pattern.pattern.converters:
            key = {"agent_pk": "agent", "team_pk": "team", "item_pk": None}.get(
                param, PK_OF.get(route.split("/")[0])
            )
            kwargs[param] = objects.get(key) if key else None
        if any(v is None for v in kwargs.values()):
            continue
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        if response.status_code == 200 and response.content.lstrip()[:15].lower() == b"<!doctype html>":
            urls.append(url)
    return urls


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--history-months", "2")
    settings.DEBUG = False
    ReportJob.objects.create(
        created_by=User.objects.get(username="manager"), month="2026-11-01", status="done"
    )


def _axe(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))"
        ".violations.map(v => v.id + ' (' + v.nodes.length + '): ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | '))"
    )
    return result


@pytest.mark.parametrize("width", [390, 1366])
def test_every_page_fits_the_screen_and_passes_axe(demo, browser, live_server, width):
    problems, pages, seen = [], 0, []
    for username in PERSONAS:
        user = User.objects.get(username=username)
        urls = _pages(user)
        context = browser.new_context(
            viewport={"width": width, "height": 844}, locale="en-GB", bypass_csp=True
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        for url in urls:
            seen.append(f"{username} {url}")
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
            pages += 1
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide = page.evaluate(
                    "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
                    f"{width} + 1 && !e.closest('.table-scroll')).slice(0, 3).map(e => e.tagName + '.' + e.className)"
                )
                problems.append(f"{username} {url}: {scroll} px wide ({', '.join(wide)})")
            problems += [f"{username} {url}: axe {v}" for v in _axe(page)]
        context.close()
    assert pages >= 50, seen  # every role's pages, each with real objects
    assert problems == [], f"{len(problems)} problems on {pages} pages:\n" + "\n".join(problems)
