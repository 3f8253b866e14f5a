"""Load the demo data: people, teams and the two shipped rubrics. Safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import Role, Team, User
from scoring.models import Rubric
from scoring.services import rubric_create_from_template, rubric_publish
from scoring.templates_data import RUBRIC_TEMPLATES

DEMO_PASSWORD = "demo"
TEAMS = ("Team Aurora", "Team Borealis", "Team Cygnus")
FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fang",
    "Gus",
    "Hana",
    "Ivan",
    "Jia",
    "Kofi",
    "Lena",
    "Mei",
    "Nico",
    "Omar",
    "Pia",
    "Qing",
    "Rosa",
    "Sami",
    "Tao",
    "Uma",
    "Vik",
    "Wen",
    "Yara",
)
LAST_NAMES = ("Lopez", "Wang", "Smith", "Okafor", "Novak", "Li", "Khan", "Berg")


class Command(BaseCommand):
    help = "Create the demo logins, teams and rubrics (idempotent). Password for all: demo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off. Demo logins have a known password.",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: demo logins with the password 'demo' do not belong on a "
                "production server. Pass --allow-production to load them anyway."
            )
        with transaction.atomic():
            created = self._people()
            rubrics = self._rubrics()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({created} people created, {rubrics} rubrics published).")
        )
        self.stdout.write(
            "\nDemo logins (password for all: demo)\n"
            "  manager                 QA manager\n"
            "  reviewer1 .. reviewer3  QA reviewers\n"
            "  lead1 .. lead3          team leads (one team each)\n"
            "  agent1 .. agent24       agents, eight per team\n"
        )

    def _user(self, username: str, role: str, first: str, last: str, team=None) -> tuple[User, bool]:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first,
                "last_name": last,
                "team": team,
                "email": f"{username}@example.com",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user, created

    def _people(self) -> int:
        count = 0
        _u, c = self._user("manager", Role.MANAGER, "Maria", "Manager")
        count += c
        for i in range(1, 4):
            _u, c = self._user(f"reviewer{i}", Role.REVIEWER, ("Rita", "Raj", "Ruth")[i - 1], "Reviewer")
            count += c
        teams = []
        for i, name in enumerate(TEAMS, start=1):
            lead, c = self._user(f"lead{i}", Role.LEAD, ("Liam", "Lucia", "Lin")[i - 1], "Lead")
            count += c
            team, _created = Team.objects.get_or_create(name=name, defaults={"lead": lead})
            teams.append(team)
        for i in range(1, 25):
            _u, c = self._user(
                f"agent{i}",
                Role.AGENT,
                FIRST_NAMES[i - 1],
                LAST_NAMES[(i - 1) % len(LAST_NAMES)],
                team=teams[(i - 1) // 8],
            )
            count += c
        return count

    def _rubrics(self) -> int:
        manager = User.objects.get(username="manager")
        published = 0
        for key, template in RUBRIC_TEMPLATES.items():
            if Rubric.objects.filter(name=str(template.name)).exists():
                continue
            rubric = rubric_create_from_template(actor=manager, template_key=key)
            rubric_publish(actor=manager, rubric=rubric)
            published += 1
        return published
