import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_project.settings")

application = get_wsgi_application()


def _warn_at_start() -> None:
    """gunicorn runs no system checks: the warnings a server must not miss go to its log."""
    import logging

    from core.checks import broker_configured

    for warning in broker_configured(None):
        logging.getLogger("qa").warning("%s (%s) %s", warning.msg, warning.id, warning.hint)


_warn_at_start()
