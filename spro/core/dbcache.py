"""The cache in a table of the database (the default without `REDIS_URL`): Django's `DatabaseCache`, with
writes of one statement.

Django's `set` counts the whole table (`SELECT COUNT(*)`, for its `MAX_ENTRIES`), looks the key up, then
inserts or updates it in a transaction: five round trips to PostgreSQL, and a commit that waits for the
disk, for every page the anonymous page cache keeps (`spro.core.pagecache`). The profile of 180
`/annuaire/` pages on PostgreSQL showed these writes as the largest share of a drawn page's queries
(COUNT 3.5 ms, INSERT 2.6 ms, COMMIT 3.7 ms each on a busy host). Here:
- a write is one `INSERT … ON CONFLICT (cache_key) DO UPDATE` (SQLite ≥ 3.24 and PostgreSQL);
- the table is counted, and culled, on the first write of a process and then every `CULL_EVERY`
  writes: it may hold up to `CULL_EVERY` entries per process beyond `MAX_ENTRIES`;
- `set_copy` writes a value whose loss costs only drawing it again (a page): on PostgreSQL its commit
  does not wait for the disk (`SET LOCAL synchronous_commit TO OFF`, p95 of such a write 4.2 → 0.3 ms
  on this machine). A crash may lose the last fraction of a second of such writes, never corrupt the
  table or another transaction: it is set only for a transaction of its own.
"""

import base64
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    CULL_EVERY = 50

    def __init__(self, table, params):
        super().__init__(table, params)
        self._writes = 0

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._write(self.make_and_validate_key(key, version=version), value, timeout, durable=True)

    def set_copy(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """`set`, for a value that can be lost (on PostgreSQL, its commit does not wait for the disk)."""
        self._write(self.make_and_validate_key(key, version=version), value, timeout, durable=False)

    def _write(self, key: str, value, timeout, durable: bool) -> None:
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        key_column, value_column, expires_column = (quote_name(c) for c in ("cache_key", "value", "expires"))
        upsert = (
            f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, %s, %s)"
            f" ON CONFLICT ({key_column}) DO UPDATE SET {value_column} = excluded.{value_column},"
            f" {expires_column} = excluded.{expires_column}"
        )
        try:
            with connection.cursor() as cursor:
                self._writes += 1
                if self._writes % self.CULL_EVERY == 1:
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    count = cursor.fetchone()[0]
                    if count > self._max_entries:
                        self._cull(db, cursor, now, count)
                if not durable and connection.vendor == "postgresql" and not connection.in_atomic_block:
                    # Only in a transaction of its own: inside another one, SET LOCAL would last until
                    # that one's commit and make it less durable too.
                    with transaction.atomic(using=db):
                        cursor.execute("SET LOCAL synchronous_commit TO OFF")
                        cursor.execute(upsert, [key, encoded, expires])
                elif connection.in_atomic_block:  # a savepoint: a failed write leaves the outer one usable
                    with transaction.atomic(using=db):
                        cursor.execute(upsert, [key, encoded, expires])
                else:
                    cursor.execute(upsert, [key, encoded, expires])
        except DatabaseError:  # as Django's: a write lost to a concurrent one is no error for a cache
            pass

    def _cull(self, db, cursor, now, num):
        """Django's cull, with a check every CULL_EVERY writes: the expired entries, then, if the table
        still holds more than MAX_ENTRIES, that excess and a CULL_FREQUENCY-th of MAX_ENTRIES (Django's
        own removes a fraction of the table, which a check made this seldom would leave growing)."""
        if self._cull_frequency == 0:
            self.clear()
            return
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        cursor.execute(
            f"DELETE FROM {table} WHERE {connection.ops.quote_name('expires')} < %s",
            [connection.ops.adapt_datetimefield_value(now)],
        )
        remaining = num - cursor.rowcount
        if remaining > self._max_entries:
            cursor.execute(
                connection.ops.cache_key_culling_sql() % table,
                [remaining - self._max_entries + self._max_entries // self._cull_frequency],
            )
            last = cursor.fetchone()
            if last:
                key_column = connection.ops.quote_name("cache_key")
                cursor.execute(f"DELETE FROM {table} WHERE {key_column} < %s", last)
