from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Performance and coaching")

    def ready(self):
        from core.events import Event, subscribe

        from .events import on_interactions_changed, on_review_results_changed

        subscribe(Event.REVIEW_RESULTS_CHANGED, on_review_results_changed)
        subscribe(Event.INTERACTIONS_CHANGED, on_interactions_changed)
        subscribe(Event.PEOPLE_CHANGED, on_interactions_changed)  # the same: rebuild those months
        subscribe(Event.ROOT_CAUSE_CHANGED, on_interactions_changed)

        from core.standing import provide_standing

        from .selectors.records import agent_standing

        provide_standing(agent_standing)
