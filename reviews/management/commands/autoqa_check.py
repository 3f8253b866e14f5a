from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.commands import QACommand
from core.fields import month_argument
from reviews.models import TranscriptRule
from reviews.services.autoqa import autoqa_check


class Command(QACommand):
    help = "Check the interactions of a month with the transcript rules (docs/autoqa.md)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: this month)")
        parser.add_argument("--rule", type=int, action="append", help="only this rule (by id; repeatable)")

    def handle(self, *args, month: str | None = None, rule=None, **options):
        day = month_argument(month) if month else timezone.localdate().replace(day=1)
        rules = TranscriptRule.objects.filter(active=True)
        if rule:
            rules = rules.filter(pk__in=rule)
        loud = options.get("verbosity", 1) > 1
        result = autoqa_check(
            month=day,
            rules=list(rules),
            progress=lambda done, total: loud and self.stdout.write(f"  {done}/{total}"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(month)s: %(n)s interaction checked: %(verdicts)s, %(failed)s missed.",
                    "%(month)s: %(n)s interactions checked: %(verdicts)s, %(failed)s missed.",
                    result.interactions,
                )
                % {
                    "month": f"{day:%Y-%m}",
                    "n": result.interactions,
                    "verdicts": ngettext("%(n)s verdict", "%(n)s verdicts", result.verdicts)
                    % {"n": result.verdicts},
                    "failed": result.failed,
                }
            )
        )
        if not rules.exists():
            self.stdout.write(_("No active transcript rule: nothing to check."))
