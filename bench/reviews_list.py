"""The reviews list's first page at scale, in each order it offers, against the same page read in
primary-key order (the 50 newest by id: the order any database reads from its primary key), in
the same run: same count, same columns and joins, same rows written.

    python bench/reviews_list.py [--agents 5000] [--reviews 20]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 python bench/reviews_list.py

Target: the default order (unread first, then drafts, then the rest, newest first) <= 1.5 x the
primary-key page at 100,000 reviews. Before `Review.list_rank` and its index the default order
read and sorted every review: 640 ms a page on SQLite at 100,000 (about 250 x). The date and score orders
are read from an index in one direction (descending on SQLite, ascending on PostgreSQL: where
each database puts the drafts' NULLs); the other direction still sorts, and is printed too.
"""

import argparse
import time

from _setup import django_with_fresh_database

parser = argparse.ArgumentParser()
parser.add_argument("--agents", type=int, default=5000)
parser.add_argument("--reviews", type=int, default=20)
parser.add_argument("--runs", type=int, default=7)
args = parser.parse_args()

vendor = django_with_fresh_database("reviews_list")

from django.db import connection  # noqa: E402
from month_data import reviewed_month  # noqa: E402

from core.models import User  # noqa: E402
from reviews.models import Review  # noqa: E402
from reviews.selectors import review_list_for  # noqa: E402
from reviews.views.rows import REVIEW_COLUMNS, review_rows  # noqa: E402

t0 = time.perf_counter()
month = reviewed_month(agents=args.agents, reviews=args.reviews, interactions=args.reviews)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE" if vendor == "sqlite" else "ANALYZE reviews_review")
print(f"database: {vendor}; {Review.objects.count():,} reviews; set-up {time.perf_counter() - t0:.1f} s")
manager = User.objects.get(username="bench-manager")


def best_ms(work) -> float:
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def first_page(filters):
    """What the page reads: the count, and the first 50 rows' columns, written as rows."""

    def work():
        reviews = review_list_for(user=manager, filters=filters)
        if filters is None:  # the baseline
            reviews = reviews.order_by("-id")
        assert reviews.count() == month.reviews
        rows = review_rows(reviews.values(*REVIEW_COLUMNS)[:50], show_agent=True, show_reviewer=True)
        assert rows.count("<tr") == min(50, month.reviews)

    return work


baseline = best_ms(first_page(None))
print(f"primary-key order (baseline): {baseline:.2f} ms")
for label, filters in (
    ("default (unread first)", {}),
    ("date, newest first", {"sort": "date", "desc": True}),
    ("date, oldest first", {"sort": "date"}),
    ("score, highest first", {"sort": "score", "desc": True}),
    ("score, lowest first", {"sort": "score"}),
):
    ms = best_ms(first_page(filters))
    print(f"{label}: {ms:.2f} ms")
    print(f"ratio {label} / primary-key order: {ms / baseline:.2f}")
