from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import Capability, capability_required


@require_GET
@capability_required(Capability.QUEUE_VIEW)
def queue(request):
    return render(request, "reviews/queue.html")


@require_GET
@capability_required(Capability.FEEDBACK_VIEW_OWN)
def my_feedback(request):
    return render(request, "reviews/my_feedback.html")
