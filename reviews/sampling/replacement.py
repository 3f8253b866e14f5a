"""Finding a replacement for a skipped sampled interaction: same agent and month, same stratum
if it has anything left, else any of the agent's strata; the month's seeded order decides."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from ..models import Interaction, SampleItem, SamplingPolicy
from .draw import Strata, month_bounds, month_offset, position_expression


def replacement_for(item: SampleItem, *, policy: SamplingPolicy) -> tuple[int | None, str]:
    start, _end = month_bounds(item.month)
    strata = Strata(policy)
    candidates = (
        Interaction.objects.filter(
            agent_id=item.agent_id,
            local_month=start,
            answered=True,
            handle_seconds__gte=policy.min_handle_seconds,
        )
        .filter(~Exists(SampleItem.objects.filter(interaction=OuterRef("pk"))))
        .annotate(position=position_expression(month_offset(policy, start)))
        .order_by("position", "id")
    )
    if item.stratum:
        code = int(item.stratum)
        same = candidates.filter(strata.q(code)).values_list("pk", flat=True).first()
        if same is not None:
            return same, _("Replacement in the same stratum: %(stratum)s") % {
                "stratum": strata.describe(code)
            }
    row = candidates.values_list("pk", "channel", "local_week", "local_hour").first()
    if row is None:
        return None, ""
    code = strata.code(*row[1:])
    return row[0], _("Replacement (the stratum had nothing left): %(stratum)s") % {
        "stratum": strata.describe(code)
    }
