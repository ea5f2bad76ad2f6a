"""The loop of the cron commands (spro.core.cron): each due row is locked and checked again before the
act, in its own transaction, so that a second run, or a run on another server at the same time, does
nothing more; a row that fails rolls back alone."""

import time
import uuid

import pytest
from django.db import connection

from spro.core.cron import for_each_locked
from spro.core.models import RateCounter
from tests.core.test_guards_concurrency import in_threads

pytestmark = pytest.mark.django_db


def counters(scope: str, count: int) -> list[RateCounter]:
    return [RateCounter.objects.create(scope=scope, client=f"c{i}", window_start=0) for i in range(count)]


def due(scope: str):
    return RateCounter.objects.filter(scope=scope, hits=1)


def still_due(counter) -> bool:
    return counter.hits == 1


def test_a_row_that_another_run_acted_on_since_the_list_is_left_alone():
    counters("liste", 3)
    acted = []

    def act(counter):
        acted.append(counter.client)
        RateCounter.objects.filter(scope="liste").update(hits=2)  # as another run would, meanwhile
        return 1

    assert for_each_locked(due("liste"), still_due, act) == 1
    assert acted == ["c0"]
    assert for_each_locked(due("liste"), still_due, act) == 0  # the next run finds nothing due


def test_the_count_is_what_the_acts_say_they_did_and_a_deleted_row_is_skipped():
    first, second, third = counters("compte", 3)

    def act(counter):
        if counter == first:
            RateCounter.objects.filter(pk=second.pk).delete()
        counter.hits = 2
        counter.save(update_fields=["hits"])
        return 3

    assert for_each_locked(due("compte"), still_due, act) == 6
    assert set(RateCounter.objects.filter(scope="compte").values_list("client", "hits")) == {
        ("c0", 2),
        ("c2", 2),
    }


def test_a_row_that_fails_rolls_back_alone_and_the_rows_before_it_stay_done():
    counters("echec", 2)

    def act(counter):
        counter.hits = 2
        counter.save(update_fields=["hits"])
        if counter.client == "c1":
            raise RuntimeError("panne")
        return 1

    with pytest.raises(RuntimeError, match="panne"):
        for_each_locked(due("echec"), still_due, act)
    assert dict(RateCounter.objects.filter(scope="echec").values_list("client", "hits")) == {"c0": 2, "c1": 1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL : connexions concurrentes")
def test_two_servers_running_the_cron_at_once_act_once_on_each_row():
    """Both list the same rows; the second to lock a row waits for the first one's commit, then finds
    it no longer due."""
    scope = f"test-{uuid.uuid4().hex[:8]}"
    in_threads(1, lambda _: counters(scope, 4))

    def act(counter):
        time.sleep(0.1)  # the other server lists the rows while this one is acting
        counter.hits = 2
        counter.save(update_fields=["hits"])
        return 1

    try:
        done = in_threads(2, lambda _: for_each_locked(due(scope), still_due, act))
        assert sum(done) == 4
        hits = in_threads(
            1, lambda _: sorted(RateCounter.objects.filter(scope=scope).values_list("hits", flat=True))
        )
        assert hits == [[2, 2, 2, 2]]
    finally:
        in_threads(1, lambda _: RateCounter.objects.filter(scope=scope).delete())
