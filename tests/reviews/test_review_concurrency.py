"""Two people save one review at the same moment from the same revision: exactly one wins, the
other is told who changed it; nothing of the loser's is stored.

Runs on PostgreSQL (as in CI), where two connections really write at once; SQLite's test
database is one in-memory connection shared by threads, which cannot show this.
"""

import threading

import pytest
from django.db import connection, connections

from core.exceptions import ConflictError
from reviews import services
from reviews.models import Review
from tests.factories import make_assignment
from tests.reviews.conftest import full

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two real connections")
def test_two_simultaneous_saves_one_wins(agent, reviewer, manager, keys):
    review = services.review_start(actor=reviewer, assignment=make_assignment(agent, reviewer))
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(actor, c1: str):
        barrier.wait()
        try:
            services.review_save(actor=actor, review=review, data=full(keys, c1=c1), expected_revision=1)
            outcomes[c1] = "saved"
        except ConflictError as exc:
            outcomes[c1] = str(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=args) for args in ((reviewer, "yes"), (manager, "no"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes.values()).count("saved") == 1
    stored = Review.objects.get(pk=review.pk)
    winner = next(c1 for c1, outcome in outcomes.items() if outcome == "saved")
    loser = "no" if winner == "yes" else "yes"
    assert stored.revision == 2 and stored.answers[keys[0]] == winner
    assert "saved this review at" in outcomes[loser]
