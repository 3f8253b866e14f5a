"""The base of the app's management commands: the work a command causes (a records rebuild after an
import, say) runs before the command exits, broker or not, instead of in a thread or a queue that
dies with it."""

from django.core.management.base import BaseCommand

from .jobs import jobs_inline


class QACommand(BaseCommand):
    def execute(self, *args, **options):
        with jobs_inline():
            return super().execute(*args, **options)
