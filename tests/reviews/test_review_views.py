"""The scoring page, live updates, submitting, the agent's pages: who may do what, what each
page shows, and a flat query count."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import Notification
from reviews import services
from reviews.models import Review, ReviewStatus
from scoring import services as scoring_services
from tests.conftest import count_queries
from tests.factories import UserFactory, make_assignment, rubric_data
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(agent, reviewer, rubric):
    return services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))


@pytest.fixture
def released(draft, keys, reviewer):
    return services.review_submit(
        actor=reviewer, review=draft, data=full(keys), expected_revision=draft.revision
    )


def form(keys, review, **overrides):
    data = full(keys)
    post = {f"a-{k}": v for k, v in data.answers.items()} | {f"c-{k}": v for k, v in data.comments.items()}
    post |= {
        "strengths": data.strengths,
        "improvement": data.improvement,
        "encouragement": data.encouragement,
    }
    post["revision"] = str(review.revision)
    return post | overrides


PERSONAS = ["reviewer", "manager", "lead", "agent", "outsider"]


def assert_statuses(client, as_user, url: str, method: str, expected: dict) -> None:
    """Each persona in turn gets the expected status from `method` on `url`."""
    for persona in PERSONAS:
        as_user(persona)
        assert getattr(client, method)(url).status_code == expected[persona], (url, persona)


@pytest.mark.parametrize(
    ("page", "method", "expected"),
    [
        (
            "review_detail",
            "get",
            {"reviewer": 200, "manager": 200, "lead": 200, "agent": 200, "outsider": 404},
        ),
        (
            "review_score",
            "get",
            {"reviewer": 200, "manager": 200, "lead": 403, "agent": 403, "outsider": 404},
        ),
        (
            "review_live",
            "post",
            {"reviewer": 200, "manager": 200, "lead": 403, "agent": 403, "outsider": 404},
        ),
        (
            "review_submit",
            "post",
            {"reviewer": 400, "manager": 400, "lead": 403, "agent": 403, "outsider": 404},
        ),
        (
            "review_acknowledge",
            "post",
            {"reviewer": 403, "manager": 403, "lead": 403, "agent": 302, "outsider": 404},
        ),
    ],
)
def test_permission_table_for_a_released_review(client, as_user, released, page, method, expected):
    url = reverse(f"reviews:{page}", args=[released.pk])
    assert_statuses(client, as_user, url, method, expected)
    for persona in PERSONAS:
        as_user(persona)
        wrong = client.post if method == "get" else client.get
        assert wrong(url).status_code in (405, 404, 403)


@pytest.mark.parametrize(
    ("page", "method", "expected"),
    [
        (
            "review_detail",
            "get",
            {"reviewer": 200, "manager": 200, "lead": 404, "agent": 404, "outsider": 404},
        ),
        (
            "review_score",
            "get",
            {"reviewer": 200, "manager": 200, "lead": 404, "agent": 404, "outsider": 404},
        ),
        (
            "review_live",
            "post",  # with no revision: refused (400) for those who may edit
            {"reviewer": 400, "manager": 400, "lead": 404, "agent": 404, "outsider": 404},
        ),
        (
            "review_acknowledge",
            "post",
            {"reviewer": 403, "manager": 403, "lead": 404, "agent": 404, "outsider": 404},
        ),
    ],
)
def test_drafts_are_invisible_to_agents_and_leads(client, as_user, draft, page, method, expected):
    assert_statuses(client, as_user, reverse(f"reviews:{page}", args=[draft.pk]), method, expected)


def test_another_reviewer_cannot_see_or_score_someone_elses_review(client, released, draft):
    other = UserFactory(username="rev2", role="reviewer")
    client.force_login(other)
    for page in ("review_detail", "review_score"):
        assert client.get(reverse(f"reviews:{page}", args=[released.pk])).status_code == 404


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            "reviews:my_feedback",
            {"reviewer": 403, "manager": 403, "lead": 403, "agent": 200, "outsider": 200},
        ),
        (
            "reviews:review_list",
            {"reviewer": 200, "manager": 200, "lead": 200, "agent": 200, "outsider": 200},
        ),
        ("notification_list", {"reviewer": 200, "manager": 200, "lead": 200, "agent": 200, "outsider": 200}),
    ],
)
def test_lists_by_role(client, as_user, page, expected):
    for persona in PERSONAS:
        as_user(persona)
        assert client.get(reverse(page)).status_code == expected[persona], persona
        assert client.post(reverse(page)).status_code in (403, 405)


def test_opening_an_assignment_starts_the_review_for_its_reviewer_only(
    client, as_user, agent, reviewer, rubric
):
    assignment = make_assignment(agent, reviewer)
    url = reverse("reviews:review_open", args=[assignment.pk])
    for persona, status in (("lead", 403), ("agent", 403), ("outsider", 403)):
        as_user(persona)
        assert client.post(url).status_code == status
    client.force_login(UserFactory(username="rev2", role="reviewer"))
    assert client.post(url).status_code == 404
    as_user("reviewer")
    assert client.get(url).status_code == 405
    response = client.post(url)
    review = Review.objects.get(assignment=assignment)
    assert response.status_code == 302 and response.url == reverse("reviews:review_score", args=[review.pk])


def test_the_scoring_page_shows_the_interaction_beside_the_rubric(client, as_user, draft):
    as_user("reviewer")
    body = client.get(reverse("reviews:review_score", args=[draft.pk])).content.decode()
    assert "The interaction" in body and "Transcript" in body
    assert "States facts accurately" in body and "Verifies identity" in body
    assert "Test rubric, version 1 (fixed for this review)" in body
    for part in ("What went well", "What to improve", "Encouragement"):
        assert part in body
    assert f'hx-post="{reverse("reviews:review_live", args=[draft.pk])}"' in body


def test_a_live_update_saves_the_draft_and_returns_the_engine_figures(client, as_user, draft, keys):
    as_user("reviewer")
    url = reverse("reviews:review_live", args=[draft.pk])
    response = client.post(url, {f"a-{keys[0]}": "yes", f"a-{keys[1]}": "2", "revision": draft.revision})
    body = response.content.decode()
    # Answered so far: Knowledge (2 + 1 × 2/4) / 3 = 83.33; Process not answered yet.
    assert "83.33" in body and "so far" in body and "2 of 3 criteria answered" in body and "Saved" in body
    draft.refresh_from_db()
    assert draft.answers == {keys[0]: "yes", keys[1]: 2} and draft.revision == 2
    assert 'name="revision" value="2"' in body
    # Completing it: the total on the page is the stored one.
    response = client.post(
        url, {f"a-{keys[0]}": "yes", f"a-{keys[1]}": "3", f"a-{keys[2]}": "no", "revision": 2}
    )
    body = response.content.decode()
    draft.refresh_from_db()
    assert draft.total == Decimal("0.00") and draft.raw_total == Decimal("55.00")
    assert re.search(r'data-total="0.00"', body) and "Critical failure" in body and "55.00" in body


def test_a_stale_live_update_is_refused_and_says_who(client, as_user, draft, keys, manager):
    services.review_save(actor=manager, review=draft, data=full(keys), expected_revision=draft.revision)
    as_user("reviewer")
    body = client.post(
        reverse("reviews:review_live", args=[draft.pk]), {f"a-{keys[0]}": "no", "revision": draft.revision}
    ).content.decode()
    assert f"{manager.get_full_name()} saved this review at" in body
    draft.refresh_from_db()
    assert draft.answers[keys[0]] == "yes"


@pytest.mark.parametrize("revision", [None, "", "zz", "1.5"])
def test_a_live_update_without_a_valid_revision_is_refused_like_the_api(
    client, as_user, draft, keys, manager, revision
):
    """It once overwrote a newer save. Now: 400, the reason, and the newer save kept."""
    services.review_save(actor=manager, review=draft, data=full(keys), expected_revision=draft.revision)
    as_user("reviewer")
    post = {f"a-{keys[0]}": "no"} | ({} if revision is None else {"revision": revision})
    response = client.post(reverse("reviews:review_live", args=[draft.pk]), post)
    assert response.status_code == 400
    assert (
        "The page did not say which version it was editing, so nothing was saved" in response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.answers[keys[0]] == "yes"


def test_a_stale_live_update_answers_409(client, as_user, draft, keys, manager):
    services.review_save(actor=manager, review=draft, data=full(keys), expected_revision=draft.revision)
    as_user("reviewer")
    response = client.post(
        reverse("reviews:review_live", args=[draft.pk]), {f"a-{keys[0]}": "no", "revision": 1}
    )
    assert response.status_code == 409


def test_long_text_is_refused_not_cut_and_unknown_criteria_refused(client, as_user, draft, keys):
    as_user("reviewer")
    url = reverse("reviews:review_live", args=[draft.pk])
    response = client.post(url, {f"c-{keys[0]}": "x" * 1_000_000, "revision": draft.revision})
    assert response.status_code == 400
    assert (
        "is 1000000 characters long; at most 2000 fit. Shorten it: nothing was saved."
        in response.content.decode()
    )
    response = client.post(url, {"strengths": "s" * 5001, "revision": draft.revision})
    assert "“What went well” is 5001 characters long; at most 5000 fit" in response.content.decode()
    response = client.post(url, {"c-999999": "a comment", "revision": draft.revision})
    assert (
        response.status_code == 400
        and "There is no criterion 999999 in this review" in response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.comments == {} and draft.strengths == "" and draft.revision == 1
    page = client.get(reverse("reviews:review_score", args=[draft.pk])).content.decode()
    assert 'maxlength="2000"' in page and 'maxlength="5000"' in page


def test_submitting_an_incomplete_review_lists_what_is_missing_and_keeps_the_answers(
    client, as_user, draft, keys
):
    as_user("reviewer")
    post = {f"a-{keys[0]}": "yes", "strengths": "Kind and calm.", "revision": draft.revision}
    response = client.post(reverse("reviews:review_submit", args=[draft.pk]), post)
    # Back on the scoring page's own address (issue 17 §6): a reload does not post again.
    assert response.status_code == 302 and response.url == reverse("reviews:review_score", args=[draft.pk])
    body = client.get(response.url).content.decode()
    assert "The review cannot be submitted yet" in body
    # Each gap a link to its place, numbered as on the page
    assert f'<a href="#criterion-{keys[1]}">2. ' in body and "— not answered" in body
    assert '<a href="#f-improvement">2. What to improve</a> — empty' in body
    assert '<a href="#f-encouragement">3. Encouragement</a> — empty' in body
    assert f'<a href="#criterion-{keys[0]}">' not in body  # answered: not a gap
    assert "Kind and calm." in body
    assert "The review cannot be submitted yet" not in client.get(response.url).content.decode()  # told once
    draft.refresh_from_db()
    assert (
        draft.status == ReviewStatus.DRAFT
        and draft.answers == {keys[0]: "yes"}
        and draft.strengths == "Kind and calm."
    )
    # The page shown again carries the kept draft's revision: the next submission is not stale.
    assert f'name="revision" value="{draft.revision}"' in body


def test_submitting_a_complete_review_releases_it(client, as_user, draft, keys, agent):
    as_user("reviewer")
    response = client.post(reverse("reviews:review_submit", args=[draft.pk]), form(keys, draft))
    assert response.status_code == 302 and response.url == reverse("reviews:queue")
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.SUBMITTED and draft.total == Decimal("95.00")
    assert Notification.objects.filter(recipient=agent, read_at__isnull=True).count() == 1


def test_the_agent_reads_the_sandwich_in_order_and_acknowledges(client, as_user, released, agent):
    as_user("agent")
    body = client.get(reverse("reviews:my_feedback")).content.decode()
    assert "95.00" in body and "Unread" in body and "Knowledge 91.67/90" in body
    assert ">1<" in client.get(reverse("notification_list")).content.decode()  # the unread count
    body = client.get(reverse("reviews:review_detail", args=[released.pk])).content.decode()
    strengths, improve, encourage = (
        body.index(t) for t in ("You listened patiently.", "Offer both options", "You are getting there.")
    )
    assert strengths < improve < encourage
    assert "Missed the second option" in body and "Acknowledge" in body and "3 / 4" in body
    # The page in the order the agent reads it: the interaction, each criterion, the sections
    # against their targets, then the sandwich.
    order = [
        body.index(t)
        for t in ("The interaction", "Each criterion", "Sections against their targets", "What went well")
    ]
    assert order == sorted(order)
    # Opening it read it: no longer new, notification read.
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
    assert "badge-unread" not in client.get(reverse("reviews:my_feedback")).content.decode()
    response = client.post(reverse("reviews:review_acknowledge", args=[released.pk]))
    assert response.status_code == 302
    released.refresh_from_db()
    assert released.status == ReviewStatus.ACKNOWLEDGED and released.acknowledged_at


def test_a_lead_sees_the_team_reviews_read_only(client, as_user, released):
    as_user("lead")
    body = client.get(reverse("reviews:review_list")).content.decode()
    assert reverse("reviews:review_detail", args=[released.pk]) in body
    body = client.get(reverse("reviews:review_detail", args=[released.pk])).content.decode()
    assert "Acknowledge" not in body and reverse("reviews:review_score", args=[released.pk]) not in body


def test_changing_a_released_review_in_the_browser_records_the_change(client, as_user, released, keys, agent):
    as_user("manager")
    body = client.get(reverse("reviews:review_score", args=[released.pk])).content.decode()
    assert "Save changes" in body
    # The live update previews without saving.
    body = client.post(
        reverse("reviews:review_live", args=[released.pk]), form(keys, released, **{f"a-{keys[1]}": "4"})
    ).content.decode()
    assert 'data-total="100.00"' in body and "Not saved yet" in body
    released.refresh_from_db()
    assert released.total == Decimal("95.00")
    response = client.post(
        reverse("reviews:review_submit", args=[released.pk]), form(keys, released, **{f"a-{keys[1]}": "4"})
    )
    assert response.status_code == 302
    released.refresh_from_db()
    assert released.total == Decimal("100.00") and released.changes.count() == 1
    body = client.get(reverse("reviews:review_detail", args=[released.pk])).content.decode()
    assert "Changes after release" in body and "95.00 → 100.00" in body


def _rubric_with(manager, sections: int, criteria: int):
    from scoring.structure import CriterionData, SectionData

    data = rubric_data(
        name=f"R{sections}x{criteria}",
        sections=[
            SectionData(
                name=f"S{s}",
                weight=Decimal(100) / sections
                if s < sections - 1
                else Decimal(100) - (Decimal(100) / sections).quantize(Decimal("0.01")) * (sections - 1),
                target=Decimal("80"),
                criteria=[CriterionData(behaviour=f"B{s}.{c}", weight=Decimal("1")) for c in range(criteria)],
            )
            for s in range(sections)
        ],
    )
    for s in data.sections:
        s.weight = s.weight.quantize(Decimal("0.01"))
    rubric = scoring_services.rubric_create(actor=manager, data=data)
    return scoring_services.rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)


def test_scoring_page_and_live_update_keep_a_flat_query_count(client, manager, agent, reviewer):
    from scoring.models import Criterion

    client.force_login(reviewer)
    counts = []
    for sections, criteria in ((2, 2), (8, 6)):
        rubric = _rubric_with(manager, sections, criteria)
        review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
        assert review.rubric == rubric
        keys = [
            str(pk) for pk in Criterion.objects.filter(section__rubric=rubric).values_list("pk", flat=True)
        ]
        url = reverse("reviews:review_score", args=[review.pk])
        client.get(url)  # the pinned rubric's structure is read once per process, not per request
        page, response = count_queries(lambda url=url: client.get(url))
        assert response.status_code == 200
        live = reverse("reviews:review_live", args=[review.pk])
        post = {f"a-{k}": "yes" for k in keys} | {"revision": review.revision}
        save, response = count_queries(lambda live=live, post=post: client.post(live, post))
        assert response.status_code == 200 and 'data-total="100.00"' in response.content.decode()
        counts.append((page, save))
    assert counts[0] == counts[1], counts


def test_my_feedback_keeps_a_flat_query_count(client, agent, reviewer, rubric, keys):
    client.force_login(agent)
    counts = []
    for count in (2, 12):
        while Review.objects.filter(agent=agent).count() < count:
            review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
            services.review_submit(
                actor=reviewer, review=review, data=full(keys), expected_revision=review.revision
            )
        n, response = count_queries(lambda: client.get(reverse("reviews:my_feedback")))
        assert response.content.decode().count("badge-unread") == count
        counts.append(n)
    assert counts[0] == counts[1], counts


def test_submit_and_next_opens_the_next_assignment_of_the_queue(
    client, as_user, draft, keys, agent, reviewer
):
    following = make_assignment(agent, reviewer)
    as_user("reviewer")
    response = client.post(
        reverse("reviews:review_submit", args=[draft.pk]), form(keys, draft) | {"then": "next"}
    )
    nxt = Review.objects.get(assignment=following)
    assert response.status_code == 302 and response.url == reverse("reviews:review_score", args=[nxt.pk])
    assert nxt.rubric == draft.rubric and nxt.status == ReviewStatus.DRAFT
    # The last one: back to the queue, saying so.
    response = client.post(
        reverse("reviews:review_submit", args=[nxt.pk]), form(keys, nxt) | {"then": "next"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("reviews:queue")
    assert "That was the last one in your queue for the month." in response.content.decode()


def test_a_critical_failure_is_explained_before_the_details(client, as_user, draft, keys, reviewer):
    services.review_submit(
        actor=reviewer, review=draft, data=full(keys, c3="no"), expected_revision=draft.revision
    )
    as_user("agent")
    body = client.get(reverse("reviews:review_detail", args=[draft.pk])).content.decode()
    why = body.index("Why 0.00")
    assert why < body.index("Each criterion")
    assert "Without it the score would have been 55.00" in body
    assert "Verifies identity" in body[why : body.index("Each criterion")]


def test_the_reviews_list_filters_sorts_and_pages(client, manager, agent, reviewer, rubric, keys, team):
    from tests.conftest import count_queries

    other = UserFactory(username="rev-2", role="reviewer", first_name="Other")
    totals = []
    for i in range(55):
        who = reviewer if i % 5 else other
        review = services.review_start(actor=who, assignment=make_assignment(agent, who))
        done = services.review_submit(
            actor=who, review=review, data=full(keys, c2=str(i % 5)), expected_revision=review.revision
        )
        totals.append(done.total)
    client.force_login(manager)
    url = reverse("reviews:review_list")
    first = client.get(url).content.decode()
    assert "55 reviews" in first and "Page 1 of 2" in first and first.count('class="unread"') == 50
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="unread"') == 5
    by_reviewer = client.get(url, {"reviewer": other.pk}).content.decode()
    assert "11 reviews" in by_reviewer
    high = client.get(url, {"score_min": "90", "score_max": "100", "team": team.pk, "month": "2026-11"})
    assert f"{sum(1 for t in totals if t >= 90)} reviews" in high.content.decode()
    ordered = client.get(url, {"sort": "score", "desc": "1"}).content.decode()
    assert ordered.index(str(max(totals))) < ordered.index(str(min(totals)))
    bad = client.get(url, {"score_min": "90", "score_max": "10"}).content.decode()
    assert "“Score to”" in bad and "is below" in bad  # the bad bound left out, with a message
    assert f"{sum(1 for t in totals if t >= 90)} reviews" in bad
    # One page of 50 costs the same queries as a page of 5.
    big, _r = count_queries(lambda: client.get(url))
    small, _r = count_queries(lambda: client.get(url, {"page": 2}))
    assert big == small


def test_review_rows_escape_names_and_show_each_section(client, as_user, released, agent):
    agent.first_name, agent.last_name = "<script>x()</script>", "O'Neil & Co"
    agent.save()
    as_user("manager")
    body = client.get(reverse("reviews:review_list")).content.decode()
    assert "<script>x()" not in body
    assert "&lt;script&gt;x()&lt;/script&gt; O&#x27;Neil &amp; Co" in body
    released.refresh_from_db()
    for section in released.sections:
        shown = "N/A" if section["dropped"] else f"{float(section['score']):g}"
        assert shown in body
    assert body.count('<span class="chip') == len(released.sections)


def test_the_filter_bar_lists_whom_the_person_may_pick_and_follows_renames(client, as_user, agent, outsider):
    as_user("lead")
    body = client.get(reverse("reviews:review_list")).content.decode()
    options = body[body.index('name="agent"') : body.index("</select>", body.index('name="agent"'))]
    assert str(agent) in options and str(outsider) not in options  # another team's agent is not offered
    assert (
        "Team B" not in body[body.index('name="team"') : body.index("</select>", body.index('name="team"'))]
    )
    agent.first_name = "Newname"
    agent.save()
    assert "Newname" in client.get(reverse("reviews:review_list")).content.decode()  # the kept list moved on
    as_user("manager")
    body = client.get(reverse("reviews:review_list")).content.decode()
    assert str(outsider) in body and "Newname" in body


def test_a_reviewer_filters_among_the_agents_they_reviewed(client, released, reviewer, agent, outsider):
    client.force_login(reviewer)
    body = client.get(reverse("reviews:review_list")).content.decode()
    options = body[body.index('name="agent"') : body.index("</select>", body.index('name="agent"'))]
    assert str(agent) in options and str(outsider) not in options
    teams = body[body.index('name="team"') : body.index("</select>", body.index('name="team"'))]
    assert agent.team.name in teams and outsider.team.name not in teams
    # The reviewer filter and column would only ever name themself.
    assert 'name="reviewer"' not in body and ">Reviewer</th>" not in body and str(agent) in body
    # Reviewing another agent puts them on the list at once (the list is not kept).
    other = make_assignment(outsider, reviewer)
    services.review_start(actor=reviewer, assignment=other)
    assert str(outsider) in client.get(reverse("reviews:review_list")).content.decode()


def test_the_default_order_is_unread_then_drafts_then_read_each_newest_first(manager, agent, reviewer, keys):
    from reviews.models.reviews import RANK_DRAFT, RANK_READ, RANK_UNREAD
    from reviews.selectors import review_list_for

    def submit():
        review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
        return services.review_submit(
            actor=reviewer, review=review, data=full(keys), expected_revision=review.revision
        )

    a, b, c = submit(), submit(), submit()
    d = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    for review in (a, b):
        services.review_mark_seen(actor=agent, review=review)
    b.refresh_from_db()
    b = services.review_change(
        actor=reviewer, review=b, data=full(keys, c2="1"), expected_revision=b.revision
    )
    ranks = dict(Review.objects.values_list("pk", "list_rank"))  # kept by the database
    assert ranks == {a.pk: RANK_READ, b.pk: RANK_UNREAD, c.pk: RANK_UNREAD, d.pk: RANK_DRAFT}
    # b was changed after the agent read it: unread again, and the newest release.
    assert [r.pk for r in review_list_for(user=manager)] == [b.pk, c.pk, d.pk, a.pk]
    assert [r.pk for r in review_list_for(user=agent)] == [b.pk, c.pk, a.pk]  # no drafts for the agent

    # The other orders keep drafts last in both directions, on SQLite and PostgreSQL alike.
    def order(**filters):
        return [r.pk for r in review_list_for(user=manager, filters=filters)]

    assert order(sort="date") == [a.pk, c.pk, b.pk, d.pk] and order(sort="date", desc=True) == [
        b.pk,
        c.pk,
        a.pk,
        d.pk,
    ]
    assert order(sort="score") == [b.pk, a.pk, c.pk, d.pk]  # 85, 95, 95 (by id), then the draft
    assert order(sort="score", desc=True) == [c.pk, a.pk, b.pk, d.pk]
    services.review_acknowledge(actor=agent, review=c)
    assert Review.objects.get(pk=c.pk).list_rank == RANK_READ


def test_the_transcript_is_shown_line_by_line_with_anchors_and_escaped(client, released, agent):
    interaction = released.interaction
    interaction.transcript = "Agent: Hello <b>there</b>\n\nCustomer: <script>alert(1)</script>"
    interaction.save()
    client.force_login(agent)
    body = client.get(reverse("reviews:review_detail", args=[released.pk])).content.decode()
    assert '<li value="1" id="line-1">Agent: Hello &lt;b&gt;there&lt;/b&gt;</li>' in body
    assert '<li value="3" id="line-3">' in body and "<script>alert" not in body  # the blank line 2 is skipped
    assert "quote-line" not in body  # quoting is for the scoring page
