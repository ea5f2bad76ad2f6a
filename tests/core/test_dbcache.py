"""The cache in a database table (spro.core.dbcache, the default without REDIS_URL): a write is one
statement, the table is culled from time to time, and a page's copy never makes a transaction of real
data less durable."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from spro.core.dbcache import DatabaseCache

pytestmark = pytest.mark.django_db


def table_cache(**options) -> DatabaseCache:
    return DatabaseCache("spro_cache", {"OPTIONS": options})


def rows_in_table() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM spro_cache")
        return cursor.fetchone()[0]


def statements(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"] not in ("BEGIN",)]


def test_a_value_is_written_then_read_and_a_second_write_of_the_key_replaces_it():
    cache = table_cache()
    cache.clear()
    cache.set("commune:31555", {"nom": "Toulouse"}, 60)
    assert cache.get("commune:31555") == {"nom": "Toulouse"}
    cache.set("commune:31555", {"nom": "Toulouse", "population": 504_078}, 60)
    assert cache.get("commune:31555") == {"nom": "Toulouse", "population": 504_078}
    assert rows_in_table() == 1


def test_after_the_first_write_of_a_process_a_write_is_one_statement_without_counting_the_table():
    cache = table_cache()
    cache.set("premier", 1, 60)
    with CaptureQueriesContext(connection) as ctx:
        cache.set("second", 2, 60)
    written = [sql for sql in statements(ctx) if "spro_cache" in sql]
    assert len(written) == 1 and written[0].startswith("INSERT INTO") and "ON CONFLICT" in written[0]
    assert not any("COUNT(*)" in sql for sql in statements(ctx))
    assert cache.get("second") == 2


def test_the_table_is_culled_every_so_many_writes_so_that_it_stays_near_its_maximum():
    cache = table_cache(MAX_ENTRIES=20, CULL_FREQUENCY=2)
    cache.clear()
    for number in range(300):
        cache.set(f"page:{number}", number, 60)
    assert rows_in_table() <= 20 + DatabaseCache.CULL_EVERY
    assert cache.get("page:299") == 299  # the latest writes are kept


def test_a_timeout_of_none_keeps_the_value_and_a_past_one_is_never_read():
    cache = table_cache()
    cache.set("génération", "abc", None)
    cache.set("périmé", "vieux", -1)
    assert cache.get("génération") == "abc"
    assert cache.get("périmé") is None


@pytest.mark.django_db(transaction=True)
def test_a_copy_on_postgresql_commits_without_waiting_for_the_disk_in_a_transaction_of_its_own():
    cache = table_cache()
    with CaptureQueriesContext(connection) as ctx:
        cache.set_copy("page:annuaire", b"<html>", 60)
        cache.set("generation", "g2", None)
    assert cache.get("page:annuaire") == b"<html>"
    assert cache.get("generation") == "g2"
    unsynced = [sql for sql in statements(ctx) if "synchronous_commit" in sql]
    # Only the copy: the generation of the pages is written durably, as any other value.
    assert unsynced == (["SET LOCAL synchronous_commit TO OFF"] if connection.vendor == "postgresql" else [])
    assert not connection.in_atomic_block


def test_a_copy_written_inside_a_transaction_of_real_data_leaves_that_transaction_durable():
    cache = table_cache()
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        cache.set_copy("page:inside", "copie", 60)
    assert not any("synchronous_commit" in sql for sql in statements(ctx))
    assert cache.get("page:inside") == "copie"
