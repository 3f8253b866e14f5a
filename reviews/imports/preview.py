"""What a checked file will do, for a person to judge before anything is written: the counts,
each mapped field's profile, warnings about mappings that look wrong, the unmapped columns and,
for a re-import, what changes. The web page and `import_interactions --dry-run` both show it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import User

from . import fields
from .pipeline import Checked

# Share of rows from which "(nearly) every row" is said.
NEARLY_ALL = 0.95


def _consequence(name: str) -> str:
    """What an empty field causes, for the fields sampling or the KPIs depend on."""
    return {
        "talk_seconds": _("average handle time will be wrong"),
        # No hold or no wrap-up on every row is common (chat, e-mail): not worth a warning.
        "handle_total": _("average handle time will be wrong"),
        "wait_seconds": _("average wait and service level cannot be computed"),
        "csat": _("CSAT cannot be computed and the low-CSAT sampling rule picks nothing"),
        "nps": _("NPS cannot be computed and the low-NPS sampling rule picks nothing"),
        "effort": _("customer effort cannot be computed"),
        "first_contact_resolved": _("first-contact resolution cannot be computed"),
        "resolved": _("the resolution rate cannot be computed"),
        "answered": _("every interaction will count as answered"),
    }.get(name, "")


def _missing_consequences() -> dict[str, str]:
    """What a file without the column causes: the KPIs that will be "—" (unknown is not "no")."""
    return {
        "talk_seconds": _("average handle time will be wrong"),
        "csat": _("CSAT will be “—” and the low-CSAT sampling rule picks nothing"),
        "answered": _(
            "abandonment and service level will be “—” (every interaction is sampled and timed as answered)"
        ),
        "resolved": _("the resolution rate will be “—”"),
        "first_contact_resolved": _("first-contact resolution (FCR) will be “—”"),
        "escalated": _("the escalation rate will be “—” and the escalation sampling rule picks nothing"),
        "repeat_contact": _(
            "the repeat-contact rate will be “—” and the repeat-contact sampling rule picks nothing"
        ),
    }


def build(
    checked: Checked,
    *,
    mapping: dict[str, str],
    headers: list[str],
    min_handle_seconds: int,
) -> dict:
    """The preview as plain data (stored on the job as JSON, printed by the command)."""
    rows = checked.rows_read
    profile = []
    warnings = []
    for spec in fields.FIELDS:
        if spec.name not in checked.profile:
            continue
        p = checked.profile[spec.name]
        data = p.as_dict()
        profile.append(
            {"field": spec.name, "label": str(spec.label), "header": mapping.get(spec.name, ""), **data}
        )
        consequence = _consequence(spec.name)
        if not rows or not consequence:
            continue
        empty_or_zero = p.empty + (p.zero if spec.kind == "duration" or spec.name == "answered" else 0)
        if empty_or_zero >= NEARLY_ALL * rows:
            warnings.append(
                _(
                    "%(field)s (column “%(header)s”) is empty or 0 on %(n)s of %(rows)s rows: %(consequence)s. "
                    "Check that the right column is chosen."
                )
                % {
                    "field": spec.label,
                    "header": mapping[spec.name],
                    "n": f"{empty_or_zero:,}",
                    "rows": f"{rows:,}",
                    "consequence": consequence,
                }
            )
        elif (
            spec.name in ("talk_seconds", "handle_total")
            and data.get("median")
            and data["median"] < 10
            and fields.duration_unit(mapping[spec.name]) == 1
        ):
            warnings.append(
                _(
                    "%(field)s has a median of %(median)s s: if the column “%(header)s” is in minutes, "
                    "put “(min)” in its header, or every interaction will look a few seconds long."
                )
                % {"field": spec.label, "median": data["median"], "header": mapping[spec.name]}
            )
    if checked.valid_rows and checked.handle_under >= NEARLY_ALL * checked.valid_rows:
        warnings.insert(
            0,
            _(
                "Handle time is under the sampling minimum of %(min)s s on %(n)s of %(rows)s rows: "
                "%(effect)s. Check the talk, hold and wrap-up columns."
            )
            % {
                "min": min_handle_seconds,
                "n": f"{checked.handle_under:,}",
                "rows": f"{checked.valid_rows:,}",
                "effect": _("no interaction will be eligible for sampling")
                if checked.handle_under == checked.valid_rows
                else ngettext(
                    "only %(n)s interaction will be eligible for sampling",
                    "only %(n)s interactions will be eligible for sampling",
                    checked.valid_rows - checked.handle_under,
                )
                % {"n": checked.valid_rows - checked.handle_under},
            },
        )
    if "source_id" not in mapping:
        warnings.insert(
            0,
            _(
                "No id column is chosen: each row's id is made from its agent, start and channel, so importing "
                "the file again updates it; two contacts of one agent starting the same second on one channel "
                "would be one. Choose the file's id column if it has one."
            ),
        )
    for name, consequence in _missing_consequences().items():
        if name in mapping or (name == "talk_seconds" and "handle_total" in mapping):
            continue
        if name == "answered" and "abandoned" in mapping:
            continue
        warnings.append(
            _("No column is chosen for %(field)s: %(consequence)s.")
            % {"field": fields.FIELDS_BY_NAME[name].label, "consequence": consequence}
        )
    mapped = set(mapping.values())
    changes = []
    for spec_name, entry in checked.changes.items():
        label = (
            fields.FIELDS_BY_NAME["agent"].label
            if spec_name == "agent_id"
            else fields.FIELDS_BY_NAME[spec_name].label
            if spec_name in fields.FIELDS_BY_NAME
            else _("Further data")
            if spec_name == "extra"
            else spec_name
        )
        changes.append({"field": spec_name, "label": str(label), **entry})
    changes.sort(key=lambda c: -c["count"])
    return {
        "rows": rows,
        "create": checked.outcome.get("create", 0),
        "update": checked.outcome.get("update", 0),
        "unchanged": checked.outcome.get("unchanged", 0),
        "agents_to_create": sorted(set(checked.new_agents.values()))[:50],
        "profile": profile,
        "warnings": warnings,
        "unmapped": [h for h in headers if h not in mapped],
        "changes": changes,
        "samples": _samples(checked),
    }


def _samples(checked: Checked) -> list[dict]:
    first = checked.first or checked.records[:8]
    ids = {r.get("agent_id") for r in first}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}
    return [
        {
            "source_id": r["source_id"],
            "agent": r.get("agent_new") or names.get(r.get("agent_id"), ""),
            "channel": r["channel"],
            "started_at": timezone.localtime(r["started_at"]).strftime("%Y-%m-%d %H:%M"),
            "handle": r["handle_seconds"],
            "answered": r["answered"],
        }
        for r in first
    ]


def as_text(preview: dict) -> list[str]:
    """The preview as lines for a terminal."""
    lines = [
        _("%(rows)s rows: %(create)s new, %(update)s changed, %(unchanged)s unchanged.")
        % {k: f"{preview[k]:,}" for k in ("rows", "create", "update", "unchanged")}
    ]
    if preview["agents_to_create"]:
        lines.append(_("New agents: %(names)s") % {"names": ", ".join(preview["agents_to_create"])})
    lines.append("")
    lines.append(
        _("Field                     Column                    filled   empty    zero  min / median / max")
    )
    for p in preview["profile"]:
        spread = " / ".join(str(p[k]) for k in ("low", "median", "high") if k in p)
        lines.append(
            f"{p['label'][:25]:<25} {p['header'][:25]:<25} {p['filled']:>6,} {p['empty']:>7,} {p['zero']:>7,}  {spread}"
        )
    if preview["unmapped"]:
        lines.append("")
        lines.append(
            _("Columns not imported as a field (kept as further data): %(cols)s")
            % {"cols": ", ".join(preview["unmapped"])}
        )
    for change in preview["changes"]:
        examples = "; ".join(f"{e['id']}: {e['before']} → {e['after']}" for e in change["examples"])
        lines.append(
            ngettext(
                "%(field)s changes on %(n)s interaction, e.g. %(examples)s",
                "%(field)s changes on %(n)s interactions, e.g. %(examples)s",
                change["count"],
            )
            % {"field": change["label"], "n": f"{change['count']:,}", "examples": examples}
        )
    for warning in preview["warnings"]:
        lines.append(_("Warning: %(text)s") % {"text": warning})
    return lines
