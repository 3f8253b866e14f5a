"""Schemathesis against the running API (issue 17 §2): generated requests, valid and hostile, for
every operation of the published schema, as a QA manager's token and as an agent's token. Passes
only with 0 server errors and every answer as the schema says: its status code documented, its
content type, its body (a page object for a paginated list, a month as YYYY-MM) and its headers.

Not checked: that the API accepts every request the schema allows (domain rules such as "write at
least the goal" are not in the schema) and rejects every one it does not (DRF reads 0 as "0" for
a text field); authentication by session cookie as well as by token, which schemathesis counts
as "accepts invalid authentication" when it sends a made-up cookie beside a good token.
"""

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from coaching.services import sessions as coaching_services
from reviews import services as review_services
from scoring import services as scoring_services
from tests.factories import make_assignment, rubric_data

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)
SCHEMATHESIS = Path(sys.executable).with_name("st")


@pytest.fixture
def api_world(transactional_db, manager, reviewer, lead, agent):
    """Something behind each kind of id: a published rubric, an assignment with a released review,
    a held 1-on-1 with an item, a report."""
    rubric = scoring_services.rubric_create(actor=manager, data=rubric_data())
    scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
    assignment = make_assignment(agent, reviewer)
    review_services.review_start(actor=reviewer, assignment=assignment)
    session = coaching_services.session_plan(actor=lead, agent=agent, day=dt.date.today())
    coaching_services.item_save(
        actor=lead, session=session, data={"text": "Use the checklist", "due_on": dt.date.today()}
    )
    coaching_services.session_close(actor=lead, session=session, expected_revision=session.revision)
    return {
        name: Token.objects.create(user=user).key for name, user in (("manager", manager), ("agent", agent))
    }


@pytest.mark.parametrize("persona", ["manager", "agent"])
def test_the_api_answers_as_its_schema_says(api_world, live_server, persona, tmp_path, manager):
    client = Client()
    client.force_login(manager)
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(schema.json()))
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            str(schema_file),
            "--url",
            live_server.url,
            "-H",
            f"Authorization: Token {api_world[persona]}",
            "--checks",
            CHECKS,
            "--max-examples",
            "15",
            "--seed",
            "17",
            "--phases",
            "examples,coverage,fuzzing",
            "--no-color",
            "--suppress-health-check",
            "all",
            "--request-timeout",
            "60",
            # Django's test server, on a loaded machine, now and then drops a kept-alive
            # connection ("Connection aborted"): retried at the network level only; a 5xx or a
            # wrong answer is never retried.
            "--request-retries",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    tail = "\n".join(line[:400] for line in run.stdout.splitlines()[-150:])
    assert run.returncode == 0, tail
    operations = sum(len(ops) for ops in schema.json()["paths"].values())
    assert re.search(rf"Tested: {operations}\b", run.stdout), tail  # every operation was run
    cases = int(re.search(r"(\d+) generated", run.stdout).group(1))
    assert cases > 20 * operations, tail
