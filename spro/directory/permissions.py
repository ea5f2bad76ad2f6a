"""Who may read and edit what in the directory.

- adviser (conseiller) of a structure: reads the structure, its sites, services and history; edits its
  sites and services and confirms them "toujours exact";
- administrator of a structure: the same, plus the structure's own record (name, SIRET, network…);
- Région instructor: reads every structure, network and history (back office); edits nothing;
- Région administrator: reads and edits everything, networks included.

Anybody else sees none of it: views answer 404 for a structure one cannot read (its existence is not
revealed) and 403 for an action one may not do on a structure one can read.
"""

from spro.directory.models import Membership, Service, Site, Structure


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def structures_visible_to(user):
    if not _active(user):
        return Structure.objects.none()
    if user.is_region_staff:
        return Structure.objects.all()
    return Structure.objects.filter(memberships__user=user).distinct()


def structures_editable_by(user):
    """Structures whose sites and services `user` may edit."""
    if not _active(user):
        return Structure.objects.none()
    if user.is_region_admin:
        return Structure.objects.all()
    return Structure.objects.filter(memberships__user=user).distinct()


def member_role(user, structure) -> str | None:
    if not _active(user):
        return None
    return Membership.objects.filter(user=user, structure=structure).values_list("role", flat=True).first()


def can_view_structure(user, structure) -> bool:
    if not _active(user):
        return False
    return user.is_region_staff or member_role(user, structure) is not None


def can_edit_content(user, structure) -> bool:
    """Sites and services of the structure, and the "toujours exact" confirmations."""
    if not _active(user):
        return False
    return user.is_region_admin or member_role(user, structure) is not None


def can_edit_structure(user, structure) -> bool:
    """The structure's own record (name, SIRET, network, parent…)."""
    if not _active(user):
        return False
    return user.is_region_admin or member_role(user, structure) == Membership.Role.ADMIN


def can_use_back_office(user) -> bool:
    return _active(user) and user.is_region_staff


def can_edit_networks(user) -> bool:
    return _active(user) and user.is_region_admin


def structure_of(obj) -> Structure:
    if isinstance(obj, Structure):
        return obj
    if isinstance(obj, Site):
        return obj.structure
    if isinstance(obj, Service):
        return obj.site.structure
    raise TypeError(f"no structure for {type(obj).__name__}")


def can_confirm(user, obj) -> bool:
    """ "Toujours exact" needs the right to edit the record: the structure's own record is its
    administrators' (and the Région's), sites and services are every member's."""
    structure = structure_of(obj)
    if isinstance(obj, Structure):
        return can_edit_structure(user, structure)
    return can_edit_content(user, structure)


def mark_confirmable(records, user):
    """Set `record.can_confirm` on stale records (one membership query per structure)."""
    cache = {}
    for record in records:
        key = (record.kind == "structure", record.structure.pk)
        if key not in cache:
            cache[key] = can_confirm(user, record.obj)
        record.can_confirm = cache[key]
    return records
