"""Rebuild performance records on demand: one month, or every month that has data."""

from django.core.management.base import CommandError

from coaching.services.records import record_months, records_rebuild
from core.commands import QACommand
from core.fields import month_argument


class Command(QACommand):
    help = (
        "Rebuild the performance records (agents, teams, programme) of --month YYYY-MM, or of every "
        "month with interactions or reviews (--all). Idempotent: an unchanged record is not rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month to rebuild, as YYYY-MM.")
        parser.add_argument("--all", action="store_true", help="Every month that has data, oldest first.")

    def handle(self, *args, month=None, all=False, **options):
        if bool(month) == bool(all):
            raise CommandError("Say which months: --month YYYY-MM, or --all.")
        if month:
            months = [month_argument(month)]
        else:
            months = record_months()
            if not months:
                self.stdout.write("No interactions or reviews yet: nothing to build.")
                return
        for day in months:
            result = records_rebuild(month=day)
            self.stdout.write(
                f"{day:%Y-%m}: {result.created} created, {result.changed} changed, "
                f"{result.unchanged} unchanged, {result.deleted} removed"
            )
