from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Interactions and reviews")

    def ready(self):
        from core.events import Event, subscribe

        from .services.autoqa import on_interactions_changed

        subscribe(Event.INTERACTIONS_CHANGED, on_interactions_changed)
