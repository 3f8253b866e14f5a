"""Load the demo data: people, teams, the two shipped rubrics, interactions for this month and
the six before it, each past month's sample scored (the history the dashboards show), this
month's sample with its first reviews, and the performance records. Safe to run again.

The loaders live in the `demo` app (`demo/reviews.py`…); this command only runs them.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coaching.services.records import record_months, records_rebuild_months
from core.events import paused
from core.models import Role, Team, User
from core.services import mail_muted
from demo.autoqa import load_demo_rules
from demo.coaching import load_demo_coaching
from demo.history import load_demo_history
from demo.language import demo_language, person_name, say
from demo.reviews import load_demo_interactions, load_demo_reviews
from demo.trust import load_demo_trust
from reviews.models import DrawStatus, SampleDraw
from reviews.services import sample_draw
from scoring.models import ChannelRubric, Rubric, RubricStatus
from scoring.services import channel_rubric_set, rubric_create_from_template, rubric_publish
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
    help = "Create the demo logins, teams, rubrics, interactions and sample (idempotent). Password: demo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off. Demo logins have a known password.",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="en",
            help="The language of the demo's names, teams, transcripts, comments and notes, and of "
            "the rubrics it creates (default en; zh-hans: Simplified Chinese). The demo logins "
            "read the interface in it too.",
        )
        parser.add_argument(
            "--history-months",
            type=int,
            default=6,
            help="How many past months to fill with scored samples (default 6).",
        )

    def handle(
        self, *args, allow_production: bool = False, history_months: int = 6, language="en", **options
    ):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: demo logins with the password 'demo' do not belong on a "
                "production server. Pass --allow-production to load them anyway."
            )
        self.language = language
        with demo_language(language), translation.override(language):
            self._load(history_months)

    def _load(self, history_months: int) -> None:
        with paused(), transaction.atomic():  # the records are built once, at the end
            created = self._people()
            rubrics = self._rubrics()
            imported = load_demo_interactions(months=max(1, history_months))
        today = timezone.localdate()
        month = today.replace(day=1)
        with mail_muted():
            history = load_demo_history(today, history_months)
        added = 0
        if not SampleDraw.objects.filter(month=month, status=DrawStatus.DONE).exists():
            with paused():
                added = sample_draw(month=month).added
        # The demo agents' "new feedback" e-mails would only clutter the console.
        with mail_muted(), paused(), transaction.atomic():
            reviews = load_demo_reviews(month)
            trust = load_demo_trust(today)
        records = records_rebuild_months(record_months())
        with mail_muted():
            sessions = load_demo_coaching(today)
        checks = load_demo_rules(User.objects.get(username="manager"), record_months())
        trust |= {_("transcript rules"): checks["rules"], _("automatic verdicts"): checks["verdicts"]}
        # Said in the demo's language (the command runs in it: see handle).
        counts = {
            "people": created, "rubrics": rubrics, "interactions": imported.created, "history": history,
            "months": history_months, "sampled": added, "month": f"{month:%Y-%m}", "reviews": reviews,
            "records": records.created + records.changed, "sessions": sessions,
        }  # fmt: skip
        more = pgettext("list separator", ", ").join(
            pgettext("a count of things", "%(n)s %(what)s") % {"n": n, "what": what}
            for what, n in trust.items()
        )
        summary = _(
            "Demo data ready (%(people)s people created, %(rubrics)s rubrics published, "
            "%(interactions)s interactions imported, %(history)s past reviews over %(months)s months, "
            "%(sampled)s sampled for %(month)s, %(reviews)s reviews scored this month, "
            "%(records)s performance records built, %(sessions)s past 1-on-1s; %(more)s)."
        ) % (counts | {"more": more})
        self.stdout.write(self.style.SUCCESS(summary))
        self.stdout.write(
            "\n"
            + "\n".join(
                [
                    _("Demo logins (password for all: demo)"),
                    "  manager                 " + _("QA manager"),
                    "  reviewer1 .. reviewer3  " + _("QA reviewers"),
                    "  lead1 .. lead3          " + _("team leads (one team each)"),
                    "  agent1 .. agent24       " + _("agents, eight per team"),
                ]
            )
            + "\n"
        )

    def _user(
        self, username: str, role: str, first: str, last: str, team=None, index=None
    ) -> tuple[User, bool]:
        first, last = person_name(username, first, last, index)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first,
                "last_name": last,
                "team": team,
                "email": f"{username}@example.com",
                # The Chinese demo's people read it in Chinese; the English one's follow their browser.
                "language": "" if self.language == "en" else self.language,
            },
        )
        if created:
            # One hash for every demo login: hashing is slow on purpose, and these share a password.
            if not hasattr(self, "_demo_hash"):
                self._demo_hash = make_password(DEMO_PASSWORD)
            user.password = self._demo_hash
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
            team, _created = Team.objects.get_or_create(name=say(name), defaults={"lead": lead})
            teams.append(team)
        for i in range(1, 25):
            _u, c = self._user(
                f"agent{i}",
                Role.AGENT,
                FIRST_NAMES[i - 1],
                LAST_NAMES[(i - 1) % len(LAST_NAMES)],
                team=teams[(i - 1) // 8],
                index=i,
            )
            if c:  # one new starter per team (they get the maximum sample); the rest 1 to 3 years in
                days = 40 if i % 8 == 0 else 400 + 100 * (i % 8)
                _u.hired_on = timezone.localdate() - dt.timedelta(days=days)
                _u.save(update_fields=["hired_on"])
            count += c
        return count

    def _rubrics(self) -> int:
        manager = User.objects.get(username="manager")
        published = 0
        for key, template in RUBRIC_TEMPLATES.items():
            if Rubric.objects.filter(name=str(template.name)).exists():
                continue
            rubric = rubric_create_from_template(actor=manager, template_key=key)
            rubric_publish(actor=manager, rubric=rubric, expected_revision=rubric.revision)
            published += 1
        # The standard rubric for everyday contacts; HEARD (complaint handling) for social media,
        # where complaints land.
        if not ChannelRubric.objects.exists():
            for channel, key in (
                ("phone", "default"),
                ("chat", "default"),
                ("email", "default"),
                ("social", "heard"),
            ):
                rubric = Rubric.objects.filter(
                    name=str(RUBRIC_TEMPLATES[key].name), status=RubricStatus.PUBLISHED
                ).first()
                if rubric is not None:
                    channel_rubric_set(actor=manager, channel=channel, rubric=rubric)
        return published
