"""Finding a replacement for a skipped sampled interaction: same agent and month, same stratum
if it has anything left, else any of the agent's strata; the seeded order decides."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from ..models import HANDLE_SECONDS, Interaction, SampleItem, SamplingPolicy
from .draw import Strata, month_bounds, order_key


def replacement_for(item: SampleItem, *, policy: SamplingPolicy) -> tuple[int | None, str]:
    start, end = month_bounds(item.month)
    strata = Strata(policy, start)
    candidates = (
        Interaction.objects.filter(
            agent_id=item.agent_id, local_date__gte=start, local_date__lt=end, answered=True
        )
        .alias(handle=HANDLE_SECONDS)
        .filter(handle__gte=policy.min_handle_seconds)
        .filter(~Exists(SampleItem.objects.filter(interaction=OuterRef("pk"))))
        .annotate(
            stratum=strata.expression(),
            rk=order_key(policy, item.month),
        )
        .order_by("rk", "id")
    )
    if item.stratum:
        same = candidates.filter(stratum=int(item.stratum)).values_list("pk", flat=True).first()
        if same is not None:
            return same, _("Replacement in the same stratum: %(stratum)s") % {
                "stratum": strata.describe(int(item.stratum))
            }
    row = candidates.values_list("pk", "stratum").first()
    if row is None:
        return None, ""
    return row[0], _("Replacement (the stratum had nothing left): %(stratum)s") % {
        "stratum": strata.describe(row[1])
    }
