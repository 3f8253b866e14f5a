"""What coaching does when other apps announce a change (see core.events)."""

import datetime as dt

from core.jobs import enqueue


def on_review_results_changed(*, agent_id: int, month: dt.date, review_id: int | None = None) -> None:
    from .services.alerts import review_alert
    from .tasks import record_rebuild

    enqueue(record_rebuild, month.isoformat(), [agent_id])
    if review_id is not None:
        review_alert(review_id=review_id)


def on_interactions_changed(*, months) -> None:
    from .tasks import record_rebuild

    for month in sorted(set(months)):
        enqueue(record_rebuild, month.isoformat(), None)
