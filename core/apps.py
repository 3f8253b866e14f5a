from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _people_changed(sender, update_fields=None, **kwargs):
    """Names and teams are shown in cached page parts (core.cache): a change moves them on.
    Signing in only stamps last_login, and choosing a language changes language: no page shows them."""
    if update_fields is not None and set(update_fields) <= {"last_login", "language"}:
        return
    from .cache import PEOPLE, bump

    bump(PEOPLE)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("People and teams")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 (registers the system checks)
        from .i18n import remember_first_language
        from .models import Team, User

        user_logged_in.connect(remember_first_language, dispatch_uid="remember-first-language")
        for model in (User, Team):
            post_save.connect(_people_changed, sender=model, dispatch_uid=f"people-{model.__name__}")
            post_delete.connect(_people_changed, sender=model, dispatch_uid=f"people-del-{model.__name__}")
