"""Check every review: the stored scores, and its rows per criterion and section, must equal what
the scoring engine computes from the stored answers and the pinned rubric version. Exits non-zero
on any mismatch; with --fix, writes the rows (and score fields) again from the answers and says
what it repaired."""

from django.core.management.base import CommandError
from django.db import transaction

from core.commands import QACommand
from reviews.models import Review
from reviews.services.results import results_check, results_write
from reviews.services.reviewing import review_result, score_fields
from scoring import engine


class Command(QACommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Write wrong or missing rows and score fields again from the answers.",
        )

    def handle(self, *args, fix=False, **options):
        checked = mismatched = fixed = 0
        reviews = (
            Review.every_kind.select_related("rubric")
            .prefetch_related("results", "section_results")
            .order_by("pk")
        )
        for review in reviews.iterator(chunk_size=500):
            checked += 1
            try:
                expected = score_fields(review_result(review, review.answers))
            except engine.ScoringError as exc:  # an answer the rubric cannot take
                mismatched += 1
                self.stdout.write(f"Review {review.pk}: stored answers cannot be scored: {exc}")
                continue
            stored = {name: getattr(review, name) for name in expected}
            problems = [
                f"{key} stored {stored[key]!r}, engine {expected[key]!r}"
                for key in expected
                if expected[key] != stored[key]
            ]
            problems += results_check(review, list(review.results.all()), list(review.section_results.all()))
            if not problems:
                continue
            mismatched += 1
            for line in problems:
                self.stdout.write(f"Review {review.pk}: {line}")
            if fix:
                with transaction.atomic():
                    Review.every_kind.filter(pk=review.pk).update(**expected)
                    for name, value in expected.items():
                        setattr(review, name, value)
                    results_write(review)
                fixed += 1
                self.stdout.write(f"Review {review.pk}: written again from its answers.")
        if fixed:
            self.stdout.write(self.style.SUCCESS(f"Repaired {fixed} of {checked} reviews."))
            return
        if mismatched:
            raise CommandError(
                f"{mismatched} of {checked} reviews do not match the engine. "
                "Run `manage.py verify_scores --fix` to write them again from their answers."
            )
        self.stdout.write(self.style.SUCCESS(f"All {checked} reviews match the engine."))
