"""Write the monthly Excel report to a file: every team, one team, or what one user may see."""

from pathlib import Path

from django.core.management.base import CommandError

from coaching.services.reports import report_scope, report_write
from core.commands import QACommand
from core.fields import month_argument
from core.models import Team, User


class Command(QACommand):
    help = "Write the QA report of a month (.xlsx; its Reviews sheet also as .csv beside it)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--team", help="One team, by name (default: every team).")
        parser.add_argument(
            "--as-user", help="Report only what this user may see (default: a QA manager's view)."
        )
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")
        parser.add_argument(
            "--csv", action="store_true", help="Also write the Reviews sheet as CSV beside it."
        )

    def handle(self, *args, month, team=None, as_user=None, output, csv=False, **options):
        day = month_argument(month)
        if as_user:
            user = User.objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(f"No user {as_user!r}.")
        else:
            user = None  # the operator of the server: every team (report_scope)
        chosen = None
        if team:
            chosen = Team.objects.filter(name__iexact=team).first()
            if chosen is None:
                names = ", ".join(Team.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"No team {team!r}. Teams: {names}.")
        try:
            scope = report_scope(user=user, month=day, team=chosen)
        except Team.DoesNotExist:
            raise CommandError(f"{as_user} may not see {team}.") from None
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"{output}: the report is an Excel workbook; name the file .xlsx.")
        csv_path = path.with_name(path.stem + "-reviews.csv") if csv else None
        summary = report_write(scope, path, csv_path=csv_path)
        self.stdout.write(
            f"Wrote {path} ({summary['agents']} agents, {summary['reviews']} reviews)"
            + (f" and {csv_path}" if csv_path else "")
            + "."
        )
