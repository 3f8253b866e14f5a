"""Check every review: the stored scores must equal what the scoring engine computes from the
stored answers and the pinned rubric version. Exits non-zero on any mismatch."""

from django.core.management.base import CommandError

from core.commands import QACommand
from reviews.models import Review
from reviews.services.reviewing import review_result, score_fields
from scoring import engine


class Command(QACommand):
    help = __doc__

    def handle(self, *args, **options):
        checked = mismatched = 0
        for review in Review.objects.select_related("rubric").order_by("pk").iterator(chunk_size=500):
            checked += 1
            try:
                expected = score_fields(review_result(review, review.answers))
            except engine.ScoringError as exc:  # an answer the rubric cannot take
                mismatched += 1
                self.stdout.write(f"Review {review.pk}: stored answers cannot be scored: {exc}")
                continue
            stored = {
                "total": review.total,
                "raw_total": review.raw_total,
                "critical_failed": review.critical_failed,
                "sections": review.sections,
                "criteria": review.criteria,
            }
            wrong = [k for k in expected if expected[k] != stored[k]]
            if wrong:
                mismatched += 1
                for key in wrong:
                    self.stdout.write(
                        f"Review {review.pk}: {key} stored {stored[key]!r}, engine {expected[key]!r}"
                    )
        if mismatched:
            raise CommandError(f"{mismatched} of {checked} reviews do not match the engine.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} reviews match the engine."))
