"""The directory's version: a fingerprint that moves whenever something its open-data exports show changes.

One query of aggregates over the exported tables: per table, the number of rows and of active rows, the
highest id and the latest `updated_at`. Every write of the directory moves one of them: the history
writer (`spro.directory.history`) and the imports set `updated_at`, a creation raises the count and
the highest id, a deletion lowers the count, a (de)activation changes the active count — even a bulk
`update(is_active=False)` that leaves `updated_at` alone. Reading it costs a scan of each table's
index-sized columns, not the building of an export.
"""

from django.db import connection

from spro.directory.models import Service, Site, Structure

# Bump when the columns or the format of an export change, so that files of the old format are rebuilt.
EXPORT_FORMAT = 2
# The exported tables: a site's row shows its structure, and the needs and publics of its services.
TABLES = (Structure, Site, Service)


def directory_version() -> str:
    """One round trip; the same text on SQLite and PostgreSQL as long as nothing exported changed."""
    selects = []
    for model in TABLES:
        table = connection.ops.quote_name(model._meta.db_table)
        selects.append(
            f"SELECT '{model._meta.model_name}', COUNT(*), SUM(CASE WHEN is_active THEN 1 ELSE 0 END), "
            f"MAX(id), MAX(updated_at) FROM {table}"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        rows = sorted(cursor.fetchall())
    return ";".join([f"format={EXPORT_FORMAT}", *(",".join(str(v) for v in row) for row in rows)])
