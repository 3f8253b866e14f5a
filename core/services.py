import datetime as dt
import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exceptions import MSG_REVISION_REQUIRED, ConflictError, DomainError
from .models import AuditAction, AuditEvent, Notification, Role, Team, User

logger = logging.getLogger(__name__)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    summary: str = "",
    data: dict | None = None,
    group_key: str = "",
) -> AuditEvent:
    """Write one audit event. Call it inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
        group_key=group_key,
        summary=str(summary),
        data=data or {},
    )


def revision_claim(queryset, *, expected_revision: int | None, actor, **values) -> bool:
    """Write `values` to the one row of `queryset` only if it is still at `expected_revision`, and
    bump its revision. A conditional UPDATE: of two saves that started from the same revision
    only one wins, on SQLite as on PostgreSQL. False when nothing matched (the caller says why).
    A save that does not say which revision it edits is refused, never applied."""
    if expected_revision is None:
        raise DomainError(MSG_REVISION_REQUIRED)
    return bool(
        queryset.filter(revision=expected_revision).update(
            revision=F("revision") + 1, updated_by=actor, updated_at=timezone.now(), **values
        )
    )


def conflict(current, message) -> ConflictError:
    """The ConflictError for a save that lost to `current` (a row with updated_by and
    updated_at): `message` names who saved it and when."""
    who = str(current.updated_by) if current.updated_by else _("Someone")
    when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M:%S")
    return ConflictError(message % {"who": who, "when": when})


MSG_TEAM_NAME = gettext_lazy("A team needs a name of 1 to 100 characters.")


def team_create(*, actor, name: str) -> Team:
    """A new team (no lead yet: an administrator names one). Audited."""
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise DomainError(MSG_TEAM_NAME)
    return team_save(actor=actor, team=Team(name=name))


def _recent_months() -> list:
    """The months whose records a change of people rewrites: this one and the last (older months
    keep the teams they were built with until `records_rebuild --all`)."""
    this = timezone.localdate().replace(day=1)
    return [(this - dt.timedelta(days=1)).replace(day=1), this]


@transaction.atomic
def team_save(*, actor, team: Team) -> Team:
    """Create or change a team (its name, its lead): validated, audited, and the records of the
    recent months rebuilt after the commit (a new lead sees the team's records)."""
    from .events import Event, publish

    created = team.pk is None
    team.full_clean()
    team.save()
    audit_record(
        actor=actor,
        action=AuditAction.TEAM_CREATED if created else AuditAction.TEAM_CHANGED,
        target=team,
        summary="{} ({}: {})".format(team.name, _("lead"), team.lead or "—"),
    )
    publish(Event.PEOPLE_CHANGED, months=_recent_months())
    return team


PEOPLE_FIELDS = ("role", "team", "hired_on", "is_active", "is_superuser", "review_capacity")


@transaction.atomic
def user_save(*, actor, user: User, changed: list[str]) -> User:
    """Save a user from the admin: validated, the change of role, team, hiring date or status
    audited, and the records of the recent months rebuilt after the commit (an agent moved to
    another team is counted there)."""
    from .events import Event, publish

    created = user.pk is None
    user.full_clean(exclude=["password"])
    user.save()
    people = [f for f in changed if f in PEOPLE_FIELDS]
    if created or people:
        audit_record(
            actor=actor,
            action=AuditAction.USER_CHANGED,
            target=user,
            summary=("created: " if created else "")
            + ", ".join(f"{f} = {getattr(user, f)}" for f in (people or ["role", "team"])),
        )
        publish(Event.PEOPLE_CHANGED, months=_recent_months())
    return user


def agent_create(
    *,
    actor,
    name: str,
    team,
    taken: set[str],
    action: str = AuditAction.USER_CREATED,
    why: str = "",
    data: dict | None = None,
) -> User:
    """Create an agent known only by a name (or an e-mail) in `team`: the full name is kept, the
    username made unique against `taken` (lower-case usernames, updated here), no password (the
    administrator sets one or the agent resets it). Audited. Call it inside the caller's transaction."""
    email = name if "@" in name else ""
    base = (slugify(name.split("@")[0]) or "agent")[:140]
    username, n = base, 1
    while username.lower() in taken:
        n += 1
        username = f"{base}{n}"
    taken.add(username.lower())
    first, _sep, last = ("" if email else name).partition(" ")
    user = User(
        username=username,
        email=email[:254],
        first_name=first[:150],
        last_name=last.strip()[:150],
        role=Role.AGENT,
        team=team,
    )
    user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor,
        action=action,
        target=user,
        summary=_("Created agent %(username)s (“%(name)s”) in %(team)s %(why)s.")
        % {"username": username, "name": name, "team": team.name, "why": why},
        data={"name": name, "team": team.pk, **(data or {})},
    )
    return user


_mail_muted: ContextVar[bool] = ContextVar("mail_muted", default=False)


@contextmanager
def mail_muted():
    """Notifications sent inside this block are shown in the app but not e-mailed (loading demo
    data, rebuilding history)."""
    token = _mail_muted.set(True)
    try:
        yield
    finally:
        _mail_muted.reset(token)


def notification_send(*, recipient, message: str, url: str = "", email_subject: str = "") -> None:
    """Tell a person in the app and, after the transaction commits, by e-mail (when they have
    an address). A failing mail server does not undo the change that caused the message. Call it
    inside `core.i18n.speaking_to(recipient)`: the texts are fixed here, in the language active."""

    message, email_subject = str(message), str(email_subject)
    Notification.objects.create(recipient=recipient, message=message[:300], url=url[:300])
    if not recipient.email or _mail_muted.get():
        return
    link = f"{settings.SITE_URL.rstrip('/')}{url}" if url else ""

    def mail():
        try:
            send_mail(email_subject or message[:78], f"{message}\n\n{link}".strip(), None, [recipient.email])
        except OSError:
            logger.warning("Could not e-mail %s about %r", recipient.pk, message, exc_info=True)

    transaction.on_commit(mail)


def notification_read(*, recipient, pk: int | None = None, url: str | None = None) -> int:
    """Mark one notification, those linking to `url`, or all of them read; returns how many
    changed."""

    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    if url is not None:
        unread = unread.filter(url=url)
    return unread.update(read_at=timezone.now())
