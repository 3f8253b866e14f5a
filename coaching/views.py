from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import Capability, capability_required
from core.selectors import team_list_for


@require_GET
@capability_required(Capability.TEAM_VIEW)
def team_home(request):
    return render(request, "coaching/team_home.html", {"teams": team_list_for(user=request.user)})
