"""Concurrent posts on PostgreSQL: the rate-limit count and the one-time token hold across connections.

Each thread has its own database connection, as each gunicorn worker has: what they share is only
what they commit. (On SQLite, writers are serialised by the database lock and the test transaction
holds it, so these tests run on PostgreSQL.)
"""

import threading
import time
import uuid

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.shortcuts import redirect
from django.test import RequestFactory

from spro.core import ratelimit
from spro.core.guards import issue_token, submitted_once
from spro.core.models import RateCounter, UsedFormToken

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL : connexions concurrentes"),
]


def in_threads(count: int, work) -> list:
    """Run `work(i)` in `count` threads started together; each closes its own connection."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def committed_cleanup(**lookup):
    """Rows committed by the threads are outside the test transaction: delete them on another connection."""
    in_threads(1, lambda _: RateCounter.objects.filter(**lookup).delete())


def test_concurrent_posts_from_one_address_get_exactly_the_limit(settings):
    settings.SPRO_FORM_MAX_PER_ADDRESS = 5
    settings.SPRO_FORM_MAX_PER_SESSION = 0
    scope = f"test-{uuid.uuid4().hex[:8]}"
    factory = RequestFactory()

    def post(_):
        return ratelimit.hit(scope, factory.post("/", REMOTE_ADDR="203.0.113.50")) is None

    try:
        allowed = in_threads(12, post)
        assert allowed.count(True) == 5
    finally:
        committed_cleanup(scope=scope)


def test_a_double_click_on_two_connections_writes_once():
    marker = f"test-{uuid.uuid4().hex[:8]}"
    token = issue_token()
    factory = RequestFactory()

    @submitted_once
    def create(request):
        RateCounter.objects.create(scope=marker, client=uuid.uuid4().hex, window_start=0)
        time.sleep(0.3)  # the second click arrives while the first is still being written
        return redirect("/cree/")

    def click(_):
        request = factory.post("/nouveau/", {"form_token": token})
        request._messages = CookieStorage(request)
        response = create(request)
        return response.status_code, response["Location"]

    try:
        answers = in_threads(2, click)
        assert answers == [(302, "/cree/"), (302, "/cree/")]
        created = in_threads(1, lambda _: RateCounter.objects.filter(scope=marker).count())
        assert created == [1]
    finally:
        committed_cleanup(scope=marker)
        in_threads(1, lambda _: UsedFormToken.objects.filter(result_url="/cree/").delete())
