"""Every change to the directory goes through `record_change`, inside the caller's transaction.

A change record says who, when, which action, and for each field its value before and after
(`{"field": {"avant": old, "apres": new}}`). Values are stored in their JSON form (codes, ids, ISO
dates), so the history stays readable when a network or a commune is later renamed.

Writes made from views and commands use `save_with_history` / `create_with_history` / `confirm`, so
that the record, its `updated_at`/`updated_by` and its history are written together or not at all.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from spro.directory.models import ChangeRecord, Network, Service, Site, Structure

OBJECT_TYPES = {Network: "reseau", Structure: "structure", Site: "lieu", Service: "service"}
OBJECT_TYPE_LABELS = {
    "reseau": "Réseau",
    "structure": "Structure",
    "lieu": "Lieu d'accueil",
    "service": "Service",
}
# Bookkeeping and denormalised columns: never part of a change's field list.
IGNORED_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "updated_by",
    "network_code",
    "needs_index",
    "publics_index",
    "modes_index",
    "needs_mask",
    "publics_mask",
    "modes_mask",
    "search_text",
    "stale_notified_on",
}


def object_type(obj) -> str:
    return OBJECT_TYPES[type(obj)]


def _json_value(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def tracked_fields(obj) -> list[str]:
    return [
        f.attname
        for f in obj._meta.concrete_fields
        if f.attname not in IGNORED_FIELDS and f.name not in IGNORED_FIELDS
    ]


def snapshot(obj) -> dict:
    """The recorded fields of `obj` as JSON values (foreign keys as ids)."""
    return {name: _json_value(getattr(obj, name)) for name in tracked_fields(obj)}


def diff(before: dict, after: dict) -> dict:
    """Field-level changes between two snapshots: {field: {"avant": …, "apres": …}}."""
    changes = {}
    for name in after.keys() | before.keys():
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = {"avant": old, "apres": new}
    return changes


def record_change(obj, action: str, user=None, changes: dict | None = None) -> ChangeRecord:
    """Write one history entry for `obj`. Call it inside the transaction that changes `obj`."""
    return ChangeRecord.objects.create(
        object_type=object_type(obj),
        object_id=obj.pk,
        object_label=str(obj)[:255],
        action=action,
        changes=changes or {},
        user=user if user is not None and user.is_authenticated else None,
    )


def _after_write(obj):
    """Keep the search index of the sites in step with what was just written."""
    if isinstance(obj, Site):
        obj.reindex()
    elif isinstance(obj, Service):
        obj.site.reindex()
    elif isinstance(obj, Structure):
        for site in obj.sites.select_related("structure__network", "commune"):
            site.reindex()
    elif isinstance(obj, Network):
        # A network's label and short label are searched on each of its sites.
        for site in Site.objects.filter(structure__network=obj).select_related(
            "structure__network", "commune"
        ):
            site.reindex()


@transaction.atomic
def create_with_history(obj, user=None, action=ChangeRecord.Action.CREATE, reindex=True) -> ChangeRecord:
    """Save a new `obj` and record its creation. `reindex=False` leaves the search index to the
    caller (a bulk import reindexes each site once at the end)."""
    obj.touch(user)
    obj.save()
    if reindex:
        _after_write(obj)
    return record_change(obj, action, user, diff({}, snapshot(obj)))


@transaction.atomic
def save_with_history(
    obj, before: dict, user=None, action=ChangeRecord.Action.UPDATE, reindex=True
) -> ChangeRecord | None:
    """Save `obj` (changed in memory since `before = snapshot(obj)`) and record what changed.

    Saving without any change records nothing and leaves `updated_at` alone: use `confirm` to say a
    record is still accurate.
    """
    changes = diff(before, snapshot(obj))
    if not changes:
        return None
    obj.touch(user)
    obj.save()
    if reindex:
        _after_write(obj)
    return record_change(obj, action, user, changes)


# A second "Toujours exact" on the same record this soon is a double click, not a new check.
CONFIRM_AGAIN_AFTER = timedelta(minutes=10)


def recent_confirmation(obj) -> ChangeRecord | None:
    """The confirmation of `obj` made within CONFIRM_AGAIN_AFTER, if any. Call it inside the
    transaction that confirms, after locking the row (`select_for_update`), so concurrent clicks wait."""
    return (
        ChangeRecord.objects.filter(
            object_type=object_type(obj),
            object_id=obj.pk,
            action=ChangeRecord.Action.CONFIRM,
            at__gte=timezone.now() - CONFIRM_AGAIN_AFTER,
        )
        .order_by("-at")
        .first()
    )


@transaction.atomic
def confirm(obj, user) -> ChangeRecord:
    """ "Toujours exact": the record is checked as it is; its update date moves to now."""
    obj.touch(user)
    type(obj).objects.filter(pk=obj.pk).update(updated_at=obj.updated_at, updated_by=user)
    return record_change(obj, ChangeRecord.Action.CONFIRM, user, {})


MODELS_BY_TYPE = {code: model for model, code in OBJECT_TYPES.items()}


def change_lines(record: ChangeRecord) -> list[tuple[str, object, object]]:
    """(French field label, before, after) for each field of a change record."""
    model = MODELS_BY_TYPE.get(record.object_type)
    labels = {}
    if model is not None:
        labels = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
    lines = []
    for name, change in sorted((record.changes or {}).items()):
        if not isinstance(change, dict):
            continue
        label = labels.get(name, name)
        lines.append((label[:1].upper() + label[1:], change.get("avant"), change.get("apres")))
    return lines


def structure_history(structure):
    """Change records of a structure, its sites and their services, newest first."""
    site_ids = list(Site.objects.filter(structure=structure).values_list("pk", flat=True))
    service_ids = list(Service.objects.filter(site__structure=structure).values_list("pk", flat=True))
    return (
        ChangeRecord.objects.filter(
            models.Q(object_type="structure", object_id=structure.pk)
            | models.Q(object_type="lieu", object_id__in=site_ids)
            | models.Q(object_type="service", object_id__in=service_ids)
        )
        .select_related("user")
        .order_by("-at", "-pk")
    )
