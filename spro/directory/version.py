"""The directory's version: a fingerprint that moves whenever something its open-data exports show changes.

One query of aggregates over the exported tables: per table, the number of rows and of active rows, the
highest id and the latest `updated_at`. Every write of the directory moves one of them: the history
writer (`spro.directory.history`) and the imports set `updated_at`, a creation raises the count and
the highest id, a deletion lowers the count, a (de)activation changes the active count — even a bulk
`update(is_active=False)` that leaves `updated_at` alone. Reading it costs a scan of each table's
index-sized columns, not the building of an export.
"""

from django.db.models import Count, Max, Q

from spro.directory.models import Service, Site, Structure

# Bump when the columns or the format of an export change, so that files of the old format are rebuilt.
EXPORT_FORMAT = 2


def directory_version() -> str:
    parts = [f"format={EXPORT_FORMAT}"]
    # The exported tables: a site's row shows its structure, and the needs and publics of its services.
    for model in (Structure, Site, Service):
        row = model.objects.aggregate(
            rows=Count("pk"),
            active=Count("pk", filter=Q(is_active=True)),
            last_id=Max("pk"),
            last_update=Max("updated_at"),
        )
        last_update = row["last_update"].isoformat() if row["last_update"] else ""
        parts.append(f"{model._meta.model_name}={row['rows']},{row['active']},{row['last_id']},{last_update}")
    return ";".join(parts)
