"""Reads for the reviews app, one module per domain word. Import them from here."""

from .interactions import interaction_get_for, interaction_list_for, interaction_queryset_for
from .reviews import (
    assignment_get_for,
    assignment_queue,
    blind_score_get_for,
    queue_progress,
    queue_waiting_elsewhere,
    review_get_for,
    review_list_for,
    review_queryset_for,
)
from .sampling import coverage_by_agent, coverage_by_reviewer

__all__ = [
    "assignment_get_for", "assignment_queue", "blind_score_get_for", "coverage_by_agent", "coverage_by_reviewer",
    "interaction_get_for", "interaction_list_for", "interaction_queryset_for", "queue_progress", "queue_waiting_elsewhere",
    "review_get_for", "review_list_for", "review_queryset_for",
]  # fmt: skip
