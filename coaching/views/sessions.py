"""1-on-1 pages: the agent's "My coaching" (shared notes and their action items)."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from core.permissions import Capability, capability_required

from ..models import ActionItem, GrowNote, ItemStatus, SessionStatus
from ..selectors import sessions as selectors
from ..services import sessions as services


@require_GET
@capability_required(Capability.COACHING_VIEW_OWN)
def my_coaching(request):
    """The agent's held 1-on-1s with what was shared with them, and their open items."""
    sessions = list(
        selectors.session_queryset_for(request.user)
        .filter(agent=request.user, status=SessionStatus.CLOSED)
        .prefetch_related(
            Prefetch("notes", queryset=GrowNote.objects.filter(shared=True)),
            Prefetch("items", queryset=ActionItem.objects.filter(shared=True)),
        )[:20]
    )
    items = list(
        ActionItem.objects.filter(agent=request.user, shared=True, status=ItemStatus.OPEN).order_by("due_on", "id")
    )
    return render(
        request,
        "coaching/my_coaching.html",
        {"sessions": sessions, "items": items, "today": timezone.localdate()},
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
    item = get_object_or_404(ActionItem.objects.select_related("agent__team"), pk=pk, agent=request.user, shared=True)
    try:
        services.item_mark_done(actor=request.user, item=item)
        messages.success(request, services.MSG_MARKED_DONE)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("coaching:my_coaching")
