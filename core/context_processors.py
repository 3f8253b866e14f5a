from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Notification
from .permissions import Capability, user_can


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notifications": 0}
    items = [(_("Home"), reverse("home"))]
    # Each item is one named capability (core.permissions), never a guess from a combination.
    if user_can(user, Capability.REVIEW_LIST):
        items.append((_("Reviews"), reverse("reviews:review_list")))
    if user_can(user, Capability.COACHING_WORKSPACE):
        items.append((_("Coaching"), reverse("coaching:workspace")))
    if user_can(user, Capability.TEAM_VIEW):
        items.append((_("Teams"), reverse("coaching:team_home")))
    if user_can(user, Capability.PROGRAMME_VIEW):
        items.append((_("Programme"), reverse("coaching:programme")))
        items.append((_("Coaching results"), reverse("coaching:coaching_results")))
    if user_can(user, Capability.FEEDBACK_VIEW_OWN):
        items.append((_("My performance"), reverse("coaching:my_performance")))
    if user_can(user, Capability.COACHING_VIEW_OWN):
        items.append((_("My coaching"), reverse("coaching:my_coaching")))
    if user_can(user, Capability.PROGRAMME_MANAGE):
        items.append((_("KPIs"), reverse("coaching:kpi_scheme_list")))
        items.append((_("Ladder"), reverse("coaching:ladder")))
    if user_can(user, Capability.CALIBRATION):
        items.append((_("Calibration"), reverse("reviews:calibration_list")))
    if user_can(user, Capability.DISPUTE_LIST):
        items.append((_("Disputes"), reverse("reviews:dispute_list")))
    if user_can(user, Capability.RUBRIC_VIEW):
        items.append((_("Rubrics"), reverse("scoring:rubric_list")))
    if user_can(user, Capability.RUBRIC_MANAGE):
        items.append((_("Auto checks"), reverse("reviews:autoqa_rules")))
    if user_can(user, Capability.SAMPLING_MANAGE):
        items.append((_("Sampling"), reverse("reviews:sampling")))
    if user_can(user, Capability.INTERACTION_IMPORT):
        items.append((_("Imports"), reverse("reviews:import_list")))
    if user_can(user, Capability.ADMIN_SITE):
        items.append((_("Administration"), reverse("admin:index")))
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return {"nav_items": items, "unread_notifications": 0}  # a fragment: no top bar to fill
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"nav_items": items, "unread_notifications": unread}
