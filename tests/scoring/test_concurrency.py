"""Two saves of one draft at the same moment: exactly one wins, the other is told why.

Runs on PostgreSQL (as in CI), where two connections really write at once; SQLite's test
database is one in-memory connection shared by threads, which cannot show this.
"""

import threading
from decimal import Decimal as D

import pytest
from django.db import connection, connections

from core.exceptions import ConflictError
from scoring import services
from scoring.models import Rubric
from scoring.selectors import rubric_data
from tests.factories import rubric_data as make_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two real connections")
def test_two_simultaneous_saves_one_wins(manager, reviewer):
    rubric = services.rubric_create(actor=manager, data=make_data())
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(name: str, weight: str):
        data = rubric_data(Rubric.objects.get(pk=rubric.pk))
        data.name = name
        data.sections[0].weight = D(weight)
        barrier.wait()
        try:
            services.rubric_save_draft(actor=manager, rubric=rubric, data=data, expected_revision=1)
            outcomes.append(f"saved {name}")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n, w)) for n, w in (("A", "55"), ("B", "45"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes)[0] == "conflict" and len(outcomes) == 2
    winner = outcomes[0] if outcomes[0] != "conflict" else outcomes[1]
    saved = Rubric.objects.get(pk=rubric.pk)
    assert f"saved {saved.name}" == winner
    assert saved.revision == 2
    # The winner's whole structure is stored, nothing of the loser's.
    weight = rubric_data(saved).sections[0].weight
    assert weight == (D("55") if saved.name == "A" else D("45"))
