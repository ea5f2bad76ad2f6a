"""The stored coverage goes stale when the directory changes what it is computed from: a site created,
moved, closed, reopened, turned into a permanence or given other hours; a structure closed or moved to
another network; a network closed; a SPRO status gained or lost. Then the latest CoverageRun gets
`stale_since`; the page says a new computation is due, and `spro calculer-couverture --si-perimee`
(cron, every few minutes) makes it, while the nightly run recomputes anyway.

Each instance keeps, from when it was loaded (post_init, no query), the values the coverage reads; a
save compares them (post_save). Only the model's own `save()` and `delete()` are seen: bulk writes
(`QuerySet.update`, `bulk_create` of the demo) are followed by a computation of their own.
"""

from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

WATCHED = {
    "directory.Site": ("latitude", "longitude", "is_active", "kind", "opening_hours", "structure_id"),
    "directory.Structure": ("is_active", "network_id"),
    "directory.Network": ("is_active",),
    "labels.SproStatus": ("status",),
}
SNAPSHOT = "_coverage_snapshot"


def mark_stale(when=None) -> bool:
    """Mark the latest computation stale (once: the first change is the one that matters)."""
    from spro.activity.models import CoverageRun

    latest = CoverageRun.objects.values_list("pk", flat=True).first()
    if latest is None:
        return False
    return bool(
        CoverageRun.objects.filter(pk=latest, stale_since=None).update(stale_since=when or timezone.now())
    )


def _values(instance, fields):
    # __dict__, not getattr: a deferred field must not cost a query.
    return tuple(instance.__dict__.get(name) for name in fields)


def connect():
    for label, fields in WATCHED.items():

        def loaded(sender, instance, fields=fields, **kwargs):
            setattr(instance, SNAPSHOT, _values(instance, fields) if instance.pk else None)

        def saved(sender, instance, created, raw=False, fields=fields, **kwargs):
            if raw:
                return
            now = _values(instance, fields)
            if created or getattr(instance, SNAPSHOT, None) != now:
                mark_stale()
            setattr(instance, SNAPSHOT, now)

        def deleted(sender, instance, **kwargs):
            mark_stale()

        uid = f"activity_coverage_{label}"
        post_init.connect(loaded, sender=label, weak=False, dispatch_uid=f"{uid}_init")
        post_save.connect(saved, sender=label, weak=False, dispatch_uid=f"{uid}_save")
        post_delete.connect(deleted, sender=label, weak=False, dispatch_uid=f"{uid}_delete")
