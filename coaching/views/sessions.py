"""1-on-1 pages: the lead's workspace and planner, the agent's "My coaching"."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from core.permissions import Capability, capability_required
from core.selectors import team_list_for

from ..forms import ActionItemForm, AgendaForm, CadenceForm, GrowNoteForm, LevelConfirmForm
from ..loop import IMPROVED
from ..models import ActionItem, CoachingSession, GrowNote, ItemStatus, SessionStatus
from ..selectors import loop as loop_selectors
from ..selectors import records as selectors_records
from ..selectors import sessions as selectors
from ..selectors import workspace as workspace_selectors
from ..selectors.ladder import ladder_position
from ..services import sessions as services

MSG_NOT_A_DATE = gettext_lazy("“%(value)s” is not a date: write it as YYYY-MM-DD.")


@require_GET
@capability_required(Capability.COACHING_VIEW_OWN)
def my_coaching(request):
    """The agent's held 1-on-1s with what was shared with them, and their open items."""
    sessions = list(
        selectors.session_queryset_for(request.user)
        .filter(agent=request.user, status=SessionStatus.CLOSED)
        .prefetch_related(
            Prefetch("notes", queryset=selectors.notes_visible(request.user, GrowNote.objects.all())),
            Prefetch("items", queryset=selectors.items_visible(request.user, ActionItem.objects.all())),
        )[:20]
    )
    items = list(
        ActionItem.objects.filter(
            agent=request.user, shared=True, status=ItemStatus.OPEN, session__status=SessionStatus.CLOSED
        ).order_by("due_on", "id")
    )
    today = timezone.localdate()
    return render(
        request,
        "coaching/my_coaching.html",
        {
            "sessions": sessions,
            "items": items,
            "today": today,
            "ladder": ladder_position(agent=request.user, today=today),
        },
    )


@require_POST
@capability_required(Capability.COACHING_VIEW_OWN)
def session_acknowledge(request, pk: int):
    session = selectors.session_get_for(user=request.user, pk=pk)
    try:
        services.session_acknowledge(actor=request.user, session=session)
        messages.success(request, services.MSG_ACKNOWLEDGED)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("coaching:my_coaching")


@require_POST
@capability_required(Capability.COACHING_VIEW_OWN)
def item_done(request, pk: int):
    item = get_object_or_404(
        ActionItem.objects.select_related("agent__team"),
        pk=pk, agent=request.user, shared=True, session__status=SessionStatus.CLOSED,
    )  # fmt: skip
    try:
        services.item_mark_done(actor=request.user, item=item)
        messages.success(request, services.MSG_MARKED_DONE)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("coaching:my_coaching")


# -- the lead's side -------------------------------------------------------------------------------


@require_GET
@capability_required(Capability.COACH)  # a QA manager who leads a team too has one
def workspace(request):
    """The lead's home: agents, attention, 1-on-1s due, open items, recent low scores."""
    context = workspace_selectors.workspace(lead=request.user, today=timezone.localdate())
    context["cadences"] = [
        (team, CadenceForm(instance=services.cadence_of(team), prefix=f"t{team.pk}"))
        for team in team_list_for(user=request.user).filter(lead=request.user)
    ]
    rows = loop_selectors.coached_targets(
        sessions=CoachingSession.objects.filter(agent__team__lead=request.user)
    )
    context |= {
        "loop_rows": rows,
        "loop_improved": sum(1 for r in rows if r["verdict"].verdict == IMPROVED),
        "loop_by_lead": loop_selectors.loop_summary(rows, "lead"),  # an agent's earlier lead too
        "loop_by_team": loop_selectors.loop_summary(rows, "team"),
    }
    return render(request, "coaching/workspace.html", context)


@require_GET
@capability_required(Capability.PROGRAMME_VIEW)
def coaching_results(request):
    """The QA manager's view of the loop: coached targets and how many improved, per lead and team."""
    rows = loop_selectors.coached_targets(sessions=CoachingSession.objects.all())
    return render(
        request,
        "coaching/coaching_results.html",
        {
            "rows": rows,
            "by_lead": loop_selectors.loop_summary(rows, "lead"),
            "by_team": loop_selectors.loop_summary(rows, "team"),
        },
    )


@require_POST
@capability_required(Capability.COACH)
def session_plan(request, agent_pk: int):
    agent = selectors_records.agent_get_for(user=request.user, pk=agent_pk)
    day = None
    if request.POST.get("day"):
        try:
            day = parse_date(request.POST["day"].strip())
        except ValueError:  # well formed, not a day (2026-02-30)
            day = None
        if day is None:
            messages.error(request, MSG_NOT_A_DATE % {"value": request.POST["day"][:40]})
            return redirect("coaching:workspace")
    try:
        session = services.session_plan(actor=request.user, agent=agent, day=day)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("coaching:workspace")
    return redirect("coaching:session_detail", pk=session.pk)


def _session_context(request, session, **forms_given) -> dict:
    plan = selectors.plan_visible(request.user, session)
    earlier = ActionItem.objects.none()
    if not session.is_closed:
        earlier = selectors.items_visible(
            request.user,
            ActionItem.objects.filter(agent=session.agent, status=ItemStatus.OPEN)
            .exclude(session=session)
            .order_by("due_on", "id"),
        )
    return {
        "session": session,
        "parts": plan.get("parts", []),
        "notes": selectors.notes_visible(request.user, session.notes.all()),
        "items": selectors.items_visible(request.user, session.items.all()),
        "earlier": earlier,
        "agenda": forms_given.get("agenda") or AgendaForm(plan=plan, initial={"revision": session.revision}),
        "note_form": forms_given.get("note_form") or GrowNoteForm(plan=plan),
        "item_form": forms_given.get("item_form") or ActionItemForm(plan=plan),
        "error": forms_given.get("error"),
        "ladder": ladder_position(agent=session.agent, today=timezone.localdate()),
        "level_form": LevelConfirmForm(),
        "loop_rows": loop_selectors.coached_targets(sessions=CoachingSession.objects.filter(pk=session.pk))
        if session.is_closed
        else [],
    }


@require_GET
@capability_required(Capability.COACH)
def session_detail(request, pk: int):
    """The planner: the agenda with a timer per part, follow-up, GROW notes and action items."""
    session = selectors.session_get_for(user=request.user, pk=pk)
    return render(request, "coaching/session_detail.html", _session_context(request, session))


def _session_post(request, pk: int, form_class, name: str, save):
    session = selectors.session_get_for(user=request.user, pk=pk)
    form = form_class(request.POST, plan=selectors.plan_visible(request.user, session))
    error = None
    if form.is_valid():
        try:
            save(session, form)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("coaching:session_detail", pk=session.pk)
    session.refresh_from_db()
    context = _session_context(request, session, **{name: form, "error": error})
    return render(request, "coaching/session_detail.html", context, status=400)


@require_POST
@capability_required(Capability.COACH)
def session_agenda(request, pk: int):
    return _session_post(
        request, pk, AgendaForm, "agenda",
        lambda session, form: services.session_plan_save(
            actor=request.user, session=session, plan=form.new_plan(session.plan), expected_revision=form.cleaned_data["revision"]
        ),
    )  # fmt: skip


@require_POST
@capability_required(Capability.COACH)
def session_note(request, pk: int):
    return _session_post(
        request, pk, GrowNoteForm, "note_form",
        lambda session, form: services.note_save(actor=request.user, session=session, data=form.service_data()),
    )  # fmt: skip


@require_POST
@capability_required(Capability.COACH)
def session_item(request, pk: int):
    return _session_post(
        request, pk, ActionItemForm, "item_form",
        lambda session, form: services.item_save(actor=request.user, session=session, data=form.service_data()),
    )  # fmt: skip


@require_POST
@capability_required(Capability.COACH)
def session_follow_up(request, pk: int, item_pk: int):
    session = selectors.session_get_for(user=request.user, pk=pk)
    item = get_object_or_404(
        selectors.items_visible(request.user, ActionItem.objects.filter(agent=session.agent)), pk=item_pk
    )
    try:
        services.item_follow_up(
            actor=request.user, session=session, item=item, outcome=request.POST.get("outcome", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("coaching:session_detail", pk=session.pk)


@require_POST
@capability_required(Capability.COACH)
def session_close(request, pk: int):
    session = selectors.session_get_for(user=request.user, pk=pk)
    try:
        services.session_close(
            actor=request.user, session=session, expected_revision=int(request.POST.get("revision") or 0)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("coaching:session_detail", pk=session.pk)
    messages.success(request, services.MSG_SESSION_CLOSED)
    return redirect("coaching:workspace")


@require_POST
@capability_required(Capability.COACH)
def cadence_save(request, team_pk: int):
    team = get_object_or_404(team_list_for(user=request.user), pk=team_pk)
    form = CadenceForm(request.POST, instance=services.cadence_of(team))
    if form.is_valid():
        services.cadence_save(actor=request.user, team=team, **form.cleaned_data)
        messages.success(request, services.MSG_CADENCE_SAVED)
    else:
        messages.error(request, services.MSG_CADENCE_RANGE)
    return redirect("coaching:workspace")
