from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import Capability, capability_required

from ..selectors import interaction_get_for


@require_GET
@capability_required(Capability.INTERACTION_VIEW)
def interaction_detail(request, pk: int):
    interaction = interaction_get_for(user=request.user, pk=pk)
    items = interaction.sample_items.select_related("assignment__reviewer").order_by("-month")
    return render(request, "reviews/interaction_detail.html", {"interaction": interaction, "items": items})
