"""Scoring pages (reviewers, QA managers) and the review as the agent, lead or manager reads it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ConflictError, DomainError
from core.filters import page_filters
from core.permissions import Capability, capability_required
from scoring import engine
from scoring.models import AnswerType
from scoring.selectors import rubric_data_pinned, rubric_spec_pinned

from .. import selectors, services
from ..forms import ReviewFilterForm
from ..models import AssignmentStatus, ReviewKind, ReviewStatus
from ..models.reviews import RANK_UNREAD
from ..services import disputes
from ..services.activity import review_activity
from ..services.causes import root_causes_offered
from ..services.reviewing import (
    FEEDBACK_PARTS,
    MAX_COMMENT,
    MAX_PART,
    ReviewInput,
    can_acknowledge,
    can_edit,
    clean_answers,
    data_answers_of,
    review_result,
)
from .rows import REVIEW_COLUMNS, review_rows

# Guidance beside each part of the sandwich (docs/domain.md, "Feedback: the sandwich").
PART_GUIDANCE = {
    "strengths": gettext_lazy("Open with it: what did the agent do well? Be specific about the behaviour."),
    "improvement": gettext_lazy(
        "The middle: one thing to improve, with a concrete suggestion for next time."
    ),
    "encouragement": gettext_lazy("Close with it: show confidence in the agent and encourage them."),
}


@dataclass
class CriterionView:
    key: str
    number: int
    behaviour: str
    guidance: str
    critical: bool
    na_allowed: bool
    options: list  # (value, label, shortcut key)
    lowest: str  # the answer that fails the criterion
    answer: str = ""
    comment: str = ""
    result: engine.CriterionResult | None = None
    cause: str = ""  # root cause id of a miss, as text
    data: object = None  # scoring.data_answers.DataAnswer: what the interaction's data answers
    data_answer: str = ""  # the data's answer as the page writes answers ("" when it gives none)
    override: str = ""  # the reviewer's reason for answering otherwise

    @property
    def overridden(self) -> bool:
        return bool(self.data_answer and self.answer and self.answer != self.data_answer)

    @property
    def data_answer_label(self) -> str:
        return self._label(self.data_answer)

    @property
    def options_html(self) -> str:
        """The answer buttons. Built here rather than in a nested template loop: this is the
        bulk of the scoring page, and format_html is many times faster (escaping is the same)."""
        checked = mark_safe(" checked")
        return format_html_join(
            "",
            '<label class="option"><input type="radio" name="a-{}" value="{}" data-shortcut="{}"{}>'
            "<span>{}{}</span></label>",
            (
                (self.key, value, key, checked if value == self.answer else "", label,
                 format_html(" <kbd>{}</kbd>", key) if key else "")
                for value, label, key in self.options
            ),
        )  # fmt: skip

    @property
    def answer_label(self) -> str:
        """ "Yes", "N/A", or "3 / 4" on a scale."""
        return self._label(self.answer)

    def _label(self, answer: str) -> str:
        numbers = [value for value, _label, _key in self.options if value not in ("yes", "no", "na")]
        for value, label, _key in self.options:
            if value == answer:
                return f"{label} / {numbers[-1]}" if value in numbers else str(label)
        return "—"

    @property
    def failed(self) -> bool:
        """The lowest answer was given: its comment belongs in "what to improve"."""
        return self.answer == self.lowest


@dataclass
class SectionView:
    key: str
    number: int
    name: str
    description: str
    weight: object
    target: object
    criteria: list = field(default_factory=list)
    result: engine.SectionResult | None = None

    @property
    def answered(self) -> int:
        return sum(1 for c in self.criteria if c.answer)


def _options(c) -> list:
    if c.answer_type == AnswerType.YES_NO:
        options = [("yes", _("Yes"), "1"), ("no", _("No"), "0")]
    else:
        low, high = (1, 5) if c.answer_type == AnswerType.RATING else (c.scale_min, c.scale_max)
        options = [(str(v), str(v), str(v) if 0 <= v <= 9 else "") for v in range(low, high + 1)]
    if c.na_allowed:
        options.append(("na", _("N/A"), "N"))
    return options


def _lowest(c) -> str:
    if c.answer_type == AnswerType.YES_NO:
        return "no"
    return "1" if c.answer_type == AnswerType.RATING else str(c.scale_min)


def review_layout(
    review, answers: dict, comments: dict, causes: dict | None = None, overrides: dict | None = None
) -> tuple[list[SectionView], engine.ScoreResult | None]:
    """The rubric as the page shows it, with answers, comments, the data's answers and the
    engine's result."""
    data = rubric_data_pinned(review.rubric)
    from_data = data_answers_of(review)
    overrides = review.overrides if overrides is None else overrides
    clean = {k: v for k, v in answers.items() if v not in ("", None)}
    try:
        result = review_result(review, clean_answers(rubric_spec_pinned(review.rubric), clean))
    except DomainError:  # an answer the rubric cannot take: show the page without figures
        result = None
    sections = []
    number = 0
    for si, s in enumerate(data.sections, start=1):
        view = SectionView(str(s.id), si, s.name, s.description, s.weight, s.target)
        if result is not None:
            view.result = next((r for r in result.sections if r.key == view.key), None)
        for c in s.criteria:
            number += 1
            key = str(c.id)
            view.criteria.append(
                CriterionView(
                    key=key, number=number, behaviour=c.behaviour, guidance=c.guidance, critical=c.critical,
                    na_allowed=c.na_allowed, options=_options(c), lowest=_lowest(c), answer=str(clean.get(key, "")),
                    comment=comments.get(key, ""), result=result.criteria.get(key) if result else None,
                    cause=str((causes or {}).get(key, "")), data=from_data.get(key),
                    data_answer=str(review.data_answers.get(key, "")), override=str(overrides.get(key, "")),
                )
            )  # fmt: skip
        sections.append(view)
    return sections, result


def _input(post) -> ReviewInput:
    return ReviewInput(
        answers={k[2:]: v for k, v in post.items() if k.startswith("a-")},
        comments={k[2:]: v for k, v in post.items() if k.startswith("c-")},
        causes={k[6:]: v for k, v in post.items() if k.startswith("cause-")},
        overrides={k[2:]: v for k, v in post.items() if k.startswith("o-")},
        strengths=post.get("strengths", ""),
        improvement=post.get("improvement", ""),
        encouragement=post.get("encouragement", ""),
    )


def _revision(post) -> int | None:
    try:
        return int(post.get("revision", ""))
    except ValueError:
        return None


def _panel_context(review, sections, result, **extra) -> dict:
    total = sum(len(s.criteria) for s in sections)
    answered = sum(s.answered for s in sections)
    failed = [c for s in sections for c in s.criteria if c.result and c.result.failed_critical]
    return {
        "review": review,
        "sections": sections,
        "result": result,
        "answered": answered,
        "criteria_total": total,
        "failed_critical": failed,
        **extra,
    }


def _score_page(request, review, data: ReviewInput | None = None, *, error=None, problems=None, status=200):
    answers = data.answers if data else review.answers
    comments = data.comments if data else review.comments
    sections, result = review_layout(
        review, answers, comments, data.causes if data else review.causes, data.overrides if data else None
    )
    feedback = data or review
    parts = [
        {"name": name, "title": title, "guidance": PART_GUIDANCE[name], "value": getattr(feedback, name)}
        for name, title in FEEDBACK_PARTS
    ]
    context = _panel_context(review, sections, result, saved_at=None)
    gaps = []
    if problems:  # what is missing, each a link to its place, numbered as on the page
        gaps = (
            [
                {
                    "href": f"#criterion-{c.key}",
                    "text": f"{c.number}. {c.behaviour}",
                    "why": _("not answered"),
                }
                for section in sections
                for c in section.criteria
                if not c.answer
            ]
            + [
                {
                    "href": f"#o-{c.key}",
                    "text": f"{c.number}. {c.behaviour}",
                    "why": _("changed from the data's answer without a reason"),
                }
                for section in sections
                for c in section.criteria
                if c.overridden and not c.override.strip()
            ]
            + [
                {"href": f"#f-{p['name']}", "text": f"{i}. {p['title']}", "why": _("empty")}
                for i, p in enumerate(parts, 1)
                if not (p["value"] or "").strip()
            ]
        )
    blind = review.kind != ReviewKind.REGULAR
    context |= {
        "interaction": review.interaction,
        # The transcript rules' verdicts beside their criteria; not in a blind score, where they
        # would lead the second opinion that agreement measures.
        "auto": {} if blind else _auto_verdicts(review),
        "parts": parts,
        "error": error,
        "problems": problems or [],
        "gaps": gaps,
        "editing_released": review.status != ReviewStatus.DRAFT,
        "blind": blind,
        "max_comment": MAX_COMMENT,
        "root_causes": root_causes_offered(),
        "max_part": MAX_PART,
    }
    return render(request, "reviews/review_score.html", context, status=status)


def _auto_verdicts(review) -> dict[str, list]:
    """{criterion id (as the page keys it): the current verdicts of the rules checking it}."""
    from scoring.models import Criterion

    from ..selectors.autoqa import interaction_verdicts

    by_identity = interaction_verdicts(review.interaction, review.rubric.lineage)
    if not by_identity:
        return {}
    keys = Criterion.objects.filter(section__rubric=review.rubric).values_list("pk", "identity")
    return {str(pk): by_identity[str(identity)] for pk, identity in keys if str(identity) in by_identity}


def _editable(request, pk: int):
    """The review to score: a regular one the user may edit, or their own blind copy (a
    calibration or second score, which no list shows)."""
    blind = selectors.blind_score_get_for(user=request.user, pk=pk)
    review = blind or selectors.review_get_for(user=request.user, pk=pk)
    if not can_edit(request.user, review):
        raise PermissionDenied
    return review


def _blind_done(request, review):
    """After a calibration or second score is submitted: back to the session, or the queue."""
    messages.success(request, _("Your score is in. Nobody else's answers were shown to you."))
    if review.kind == ReviewKind.CALIBRATION:
        return redirect("reviews:calibration_detail", pk=review.calibration_item.session_id)
    return redirect("reviews:queue")


@require_POST
@capability_required(Capability.REVIEW_SCORE)
def review_open(request, pk: int):
    """Start (or resume) scoring an assignment."""
    assignment = selectors.assignment_get_for(user=request.user, pk=pk)
    try:
        review = services.review_start(actor=request.user, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:queue")
    return redirect("reviews:review_score", pk=review.pk)


@require_GET
@login_required
def review_score(request, pk: int):
    refused = request.session.pop(f"refused-{pk}", None)  # a refused submission, kept as the draft
    review = _editable(request, pk)
    review_activity(review=review, actor=request.user)
    review = services.review_data_refresh(actor=request.user, review=review)
    if refused:
        return _score_page(request, review, error=refused["error"], problems=refused["problems"])
    return _score_page(request, review)


@require_POST
@login_required
def review_active(request, pk: int):
    """The scoring page's beat, once a minute while the reviewer works on it (docs/reviewing.md)."""
    review_activity(review=_editable(request, pk), actor=request.user)
    return HttpResponse(status=204)


@require_POST
@login_required
def review_live(request, pk: int):
    """One request per change: save the draft and return the score panel as the engine computed
    it from what was saved. A released review is only previewed here (saved with its button)."""
    review = _editable(request, pk)
    review_activity(review=review, actor=request.user)
    data = _input(request.POST)
    saved_at = error = None
    status = 200
    if review.status == ReviewStatus.DRAFT:
        try:
            review = services.review_save(
                actor=request.user, review=review, data=data, expected_revision=_revision(request.POST)
            )
            saved_at = timezone.localtime(review.updated_at)
        except DomainError as exc:  # refused as the API refuses it: 409 when stale, else 400
            error = exc.message
            status = 409 if isinstance(exc, ConflictError) else 400
    sections, result = review_layout(review, data.answers, data.comments)
    context = _panel_context(review, sections, result, saved_at=saved_at, error=error, live=True)
    return render(request, "reviews/partials/score_panel.html", context, status=status)


@require_POST
@login_required
def review_submit(request, pk: int):
    """Submit a draft to the agent, or save changes to a released review."""
    review = _editable(request, pk)
    review_activity(review=review, actor=request.user)  # the time up to submitting counts
    data = _input(request.POST)
    expected = _revision(request.POST)
    try:
        if review.status == ReviewStatus.DRAFT:
            # The same service call as the API's: what is on screen is kept as the draft even
            # when the submission is refused.
            review = services.review_submit(
                actor=request.user, review=review, data=data, expected_revision=expected
            )
            if review.kind != ReviewKind.REGULAR:
                return _blind_done(request, review)
            messages.success(
                request,
                _("Feedback released to %(agent)s (%(total)s).")
                % {"agent": review.agent, "total": review.total},
            )
            if request.POST.get("then") == "next":
                following = _next_review(request.user, review)
                if following is not None:
                    return redirect("reviews:review_score", pk=following.pk)
                messages.info(request, _("That was the last one in your queue for the month."))
            return redirect("reviews:queue")
        review = services.review_change(
            actor=request.user, review=review, data=data, expected_revision=expected
        )
        messages.success(request, _("Changes saved; the agent has been told."))
        return redirect("reviews:review_detail", pk=review.pk)
    except DomainError as exc:
        if getattr(exc, "revision", None) is not None:
            # What was on screen was kept as the draft: back to the scoring page's own address,
            # which lists what is missing (a reload then does not post again).
            request.session[f"refused-{pk}"] = {
                "error": str(exc.message),
                "problems": [str(p) for p in exc.errors],
            }
            return redirect("reviews:review_score", pk=pk)
        review = _editable(request, pk)  # its new revision, if kept
        return _score_page(request, review, data, error=exc.message, problems=exc.errors, status=400)


REVIEWS_PER_PAGE = 50


def _page(request, reviews):
    """The asked-for page of `reviews`, as the columns its rows show. Counted on the reviews
    alone: the count of the columns' query would carry its joins."""
    paginator = Paginator(reviews.values(*REVIEW_COLUMNS), REVIEWS_PER_PAGE)
    paginator.count = reviews.count()
    return paginator.get_page(request.GET.get("page"))


def _next_review(user, review):
    """The reviewer's next assignment of the month still to score, started (rubric pinned)."""
    if not review.assignment_id:
        return None
    month = review.assignment.month
    for assignment in selectors.assignment_queue(reviewer=user, month=month).filter(
        status__in=[AssignmentStatus.STARTED, AssignmentStatus.ASSIGNED]
    )[:5]:
        try:
            return services.review_start(actor=user, assignment=assignment)
        except DomainError:
            continue  # e.g. no rubric for that channel: leave it in the queue
    return None


@require_GET
@login_required
def review_detail(request, pk: int):
    """The review as its agent reads it (also for leads, managers and its reviewer)."""
    review = selectors.review_get_for(user=request.user, pk=pk)
    services.review_mark_seen(actor=request.user, review=review)
    sections, result = review_layout(review, review.answers, review.comments)
    parts = [{"name": n, "title": t, "value": getattr(review, n)} for n, t in FEEDBACK_PARTS]
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "interaction": review.interaction,
            "sections": sections,
            "result": result,
            "parts": parts,
            "changes": review.changes.select_related("changed_by"),
            "can_edit": can_edit(request.user, review),
            "can_acknowledge": can_acknowledge(request.user, review),
            "dispute": dispute_state(request.user, review),
        },
    )


def dispute_state(user, review) -> dict:
    """What the review page says about disputes: the latest dispute, and whether (and until when)
    this person may open one."""
    latest = review.disputes.order_by("-opened_at").first() if review.status != "draft" else None
    ends = disputes.dispute_window_ends(review)
    return {
        "latest": latest,
        "ends": ends,
        "may_open": disputes.may_dispute(user, review)
        and ends is not None
        and timezone.now() <= ends
        and (latest is None or latest.status != "open"),
    }


@require_POST
@login_required
def review_dispute(request, pk: int):
    """Open a dispute from the review page: for each criterion chosen, the answer and the why."""
    review = selectors.review_get_for(user=request.user, pk=pk)
    contests = [
        disputes.Contest(key[2:], value, request.POST.get(f"r-{key[2:]}", ""))
        for key, value in request.POST.items()
        if key.startswith("w-") and value
    ]
    try:
        dispute = disputes.dispute_open(actor=request.user, review=review, contests=contests)
    except DomainError as exc:
        for line in [exc.message, *getattr(exc, "errors", [])]:
            messages.error(request, line)
        return redirect(f"{reverse('reviews:review_detail', args=[review.pk])}#dispute-h")
    messages.success(request, _("Dispute sent: a reviewer decides it by %(date)s.") % {
        "date": f"{timezone.localtime(dispute.decide_by):%Y-%m-%d}"})  # fmt: skip
    return redirect("reviews:dispute_detail", pk=dispute.pk)


@require_POST
@login_required
def review_acknowledge(request, pk: int):
    review = selectors.review_get_for(user=request.user, pk=pk)
    try:
        services.review_acknowledge(actor=request.user, review=review)
        messages.success(request, _("Thank you: acknowledged."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reviews:review_detail", pk=review.pk)


@require_GET
@capability_required(Capability.FEEDBACK_VIEW_OWN)
def my_feedback(request):
    """The agent's reviews, new ones first, 50 to a page."""
    reviews = selectors.review_list_for(user=request.user)
    page = _page(request, reviews)
    return render(
        request,
        "reviews/my_feedback.html",
        {
            "page": page,
            "rows": review_rows(page.object_list, show_agent=False, show_reviewer=False),
            "unread": reviews.filter(list_rank=RANK_UNREAD).count(),
        },
    )


@require_GET
@capability_required(Capability.REVIEW_VIEW)
def review_list(request):
    """Every review the person may see: filtered, sorted, 50 to a page."""
    form = ReviewFilterForm(request.GET, user=request.user)
    filters = page_filters(request, form)
    page = _page(request, selectors.review_list_for(user=request.user, filters=filters))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/review_list.html",
        {
            "form": form,
            "page": page,
            "rows": review_rows(page.object_list, show_agent=True, show_reviewer="reviewer" in form.fields),
            "query": query.urlencode(),
        },
    )
