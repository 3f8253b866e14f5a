from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import Capability, capability_required


@require_GET
@capability_required(Capability.FEEDBACK_VIEW_OWN)
def my_feedback(request):
    return render(request, "reviews/my_feedback.html")
