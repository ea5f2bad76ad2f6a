"""A structure's SPRO status: labelled while a label is valid, else what the Région set, else membre
de droit when its network is one by law (CIO, SUIO, France Travail, Missions Locales…), else none.

`refresh_status` recomputes it after anything that may change it and logs each change.
"""

from django.utils import timezone

from spro.directory.codes import MembershipKind
from spro.labels.models import Label, RegionStatusChoice, SproStatus, SproStatusChange
from spro.labels.states import SproStatusCode


def compute(structure, region_status: str, day) -> dict:
    labels = list(Label.objects.valid_on(day).filter(structure=structure).select_related("decision"))
    if labels:
        volets = sorted({v for label in labels for v in label.volets})
        ends = [label.valid_until for label in labels]
        return {
            "status": SproStatusCode.LABELLISE,
            "volets": volets,
            "valid_from": min(label.valid_from for label in labels),
            "valid_until": None if None in ends else max(ends),
            "attestation": labels[0].decision.attestation_reference or "",
        }
    empty = {"volets": [], "valid_from": None, "valid_until": None, "attestation": ""}
    if region_status == RegionStatusChoice.NONE:
        return {"status": "", **empty}
    if region_status:
        return {"status": region_status, **empty}
    if structure.network.membership_kind == MembershipKind.DE_DROIT:
        return {"status": SproStatusCode.MEMBRE_DE_DROIT, **empty}
    return {"status": "", **empty}


def refresh_status(structure, user=None, reason: str = "", day=None) -> SproStatus:
    """Bring the structure's SPRO status up to date; a change is written to its history."""
    day = day or timezone.localdate()
    current, _ = SproStatus.objects.get_or_create(structure=structure)
    values = compute(structure, current.region_status, day)
    fields = ("status", "volets", "valid_from", "valid_until", "attestation")
    if all(getattr(current, name) == values[name] for name in fields):
        return current
    for name in fields:
        setattr(current, name, values[name])
    current.updated_at = timezone.now()
    current.save()
    SproStatusChange.objects.create(
        structure=structure,
        status=values["status"],
        volets=values["volets"],
        valid_from=values["valid_from"],
        valid_until=values["valid_until"],
        reason=reason[:300],
        by=user,
    )
    return current


def set_region_status(structure, region_status: str, user, reason: str) -> SproStatus:
    """The Région sets (or clears, with "") a structure's status by hand; a reason is required."""
    if region_status not in RegionStatusChoice.values:
        raise ValueError(f"Statut « {region_status} » inconnu.")
    if not reason.strip():
        raise ValueError("Indiquez pourquoi le statut change.")
    current, _ = SproStatus.objects.get_or_create(structure=structure)
    SproStatus.objects.filter(pk=current.pk).update(region_status=region_status)
    current.region_status = region_status
    return refresh_status(structure, user=user, reason=reason)
