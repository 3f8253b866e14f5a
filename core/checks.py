"""System checks (`manage.py check --deploy`, run at every start): a production process with no
job queue configured says so, instead of running imports and reports in web threads unnoticed."""

from django.conf import settings
from django.core.checks import Warning, register

W_NO_BROKER = "core.W001"


@register()
def broker_configured(app_configs, **kwargs):
    if settings.DEBUG or settings.CELERY_BROKER_URL:
        return []
    return [
        Warning(
            "CELERY_BROKER_URL is not set: imports, draws and reports run in threads of the web "
            "process, which a restart kills, and no scheduled job (the monthly draw, the nightly "
            "rebuild) runs.",
            hint="Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and run a Celery worker and beat.",
            id=W_NO_BROKER,
        )
    ]
