from django.core.management.base import CommandError
from django.utils import timezone

from core.commands import QACommand
from core.exceptions import DomainError
from core.fields import month_argument
from reviews.models import SamplingQuota
from reviews.services import sample_draw


class Command(QACommand):
    help = "Draw (or top up) the monthly sample and assign it to reviewers."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: this month)")

    def handle(self, *args, month: str | None = None, **options):
        day = month_argument(month) if month else timezone.localdate()
        try:
            draw = sample_draw(month=day)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{draw.month:%Y-%m}: {draw.added} interactions drawn for {draw.agents} agents "
                f"({draw.short_agents} short), {draw.assigned} assigned."
            )
        )
        # Who got less than the quota, and why: a wrong import shows up here first.
        short = SamplingQuota.objects.filter(month=draw.month, short_sample=True).select_related("agent")
        for row in short.order_by("agent__username"):
            self.stdout.write(
                self.style.WARNING(f"  {row.agent.username}: {row.why_short} (quota {row.quota})")
            )
        # Agents with no interactions at all this month (another team's file, leave) are not short.
        idle = SamplingQuota.objects.filter(month=draw.month, interactions=0, sampled=0, short_sample=False)
        names = list(idle.order_by("agent__username").values_list("agent__username", flat=True))
        if names:
            self.stdout.write(
                f"  {len(names)} agents without interactions in {draw.month:%Y-%m} (not counted as short): "
                + ", ".join(names[:20])
                + (" …" if len(names) > 20 else "")
            )
