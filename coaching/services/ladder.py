"""Changes to the skill ladder: a level's requirements (QA managers) and an agent's confirmed
level (their lead), each audited."""

from __future__ import annotations

import re

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError, NotAllowed
from core.i18n import speaking_to
from core.models import AuditAction
from core.permissions import Capability, may_coach, user_can
from core.services import audit_record, notification_send

from ..models import AgentLevel, CoachingSettings, Kpi, Level, SkillLevel

MSG_LADDER_MANAGERS = gettext_lazy("Only QA managers change the skill ladder.")
MSG_BAD_KPI = gettext_lazy(
    "KPI thresholds are written like “fcr >= 70, aht <= 420”: “%(part)s” is not one of them."
)
MSG_NOT_YOUR_AGENT = gettext_lazy("Only the agent's team lead or a QA manager confirms their level.")
MSG_LEVEL_SAVED = gettext_lazy("Requirements saved.")
MSG_LEVEL_CONFIRMED = gettext_lazy("Level confirmed; the agent has been told.")
MSG_LEVEL_CHOOSE = gettext_lazy("Choose a level to confirm.")
MSG_SETTINGS_SAVED = gettext_lazy("Coaching settings saved.")


THRESHOLD = re.compile(r"^\s*([a-z_]+)\s*(>=|<=)\s*(\d+(?:\.\d+)?)\s*$", re.IGNORECASE)


def parse_kpis(text: str) -> list[dict]:
    """“fcr >= 70, aht <= 420” -> [{"kpi": "fcr", "at_least": "70"}, {"kpi": "aht", "at_most": "420"}]."""
    out = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        match = THRESHOLD.match(part)
        if match is None or match.group(1).lower() not in Kpi.values:
            raise DomainError(MSG_BAD_KPI % {"part": part.strip()[:40]})
        bound = "at_least" if match.group(2) == ">=" else "at_most"
        out.append({"kpi": match.group(1).lower(), bound: match.group(3)})
    return out


def kpis_text(kpis: list[dict]) -> str:
    return ", ".join(
        f"{k['kpi']} >= {k['at_least']}" if "at_least" in k else f"{k['kpi']} <= {k['at_most']}" for k in kpis
    )


@transaction.atomic
def skill_level_save(*, actor, level: SkillLevel, data: dict) -> SkillLevel:
    if not user_can(actor, Capability.PROGRAMME_MANAGE):
        raise NotAllowed(MSG_LADDER_MANAGERS)
    before = {
        k: str(getattr(level, k)) for k in ("qa_mean_min", "months", "no_critical_months", "tenure_months")
    }
    for name in ("qa_mean_min", "months", "no_critical_months", "tenure_months"):
        setattr(level, name, data.get(name))
    level.kpis = parse_kpis(data.get("kpis_text") or "")
    level.full_clean()
    level.save()
    audit_record(
        actor=actor, action=AuditAction.LADDER_LEVEL_SAVED, target=level,
        summary=level.get_level_display(), data={"before": before},
    )  # fmt: skip
    return level


@transaction.atomic
def agent_level_confirm(*, actor, agent, level: str, note: str = "") -> AgentLevel:
    """The lead confirms an agent's level (a promotion, usually); the agent is told."""
    if not may_coach(actor, agent):
        raise NotAllowed(MSG_NOT_YOUR_AGENT)
    confirmed = AgentLevel(agent=agent, level=Level(level), confirmed_by=actor, note=note.strip())
    confirmed.full_clean()
    confirmed.save()
    audit_record(
        actor=actor,
        action=AuditAction.LEVEL_CONFIRMED,
        target=confirmed,
        summary=confirmed.get_level_display(),
    )
    with speaking_to(agent):
        notification_send(
            recipient=agent,
            message=_("%(lead)s confirmed your level: %(level)s.")
            % {"lead": actor, "level": confirmed.get_level_display()},
            url=reverse("coaching:my_coaching"),
        )
    return confirmed


@transaction.atomic
def coaching_settings_save(*, actor, low_score, loop_window: int) -> CoachingSettings:
    """The score below which a lead is told at once, and how many reviews the loop compares."""
    if not user_can(actor, Capability.PROGRAMME_MANAGE):
        raise NotAllowed(MSG_LADDER_MANAGERS)
    settings = CoachingSettings.objects.first() or CoachingSettings()
    settings.low_score, settings.loop_window = low_score, loop_window
    settings.full_clean()
    settings.save()
    audit_record(
        actor=actor, action=AuditAction.COACHING_SETTINGS_SAVED, target=settings, summary=str(settings)
    )
    return settings
