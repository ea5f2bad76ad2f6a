"""Membership of accounts in structures, managed by the structure's administrators (or the Région).

A structure keeps at least one active administrator. The check and the write happen under a lock on the
structure's row (`SELECT … FOR UPDATE`), so two changes made at the same time by two administrators wait
for each other instead of both seeing "one other administrator left" (PostgreSQL; SQLite writes one
transaction at a time anyway). New members come in through an invitation (`spro.accounts.invitations`).
"""

from django.db import transaction

from spro.directory import history
from spro.directory.models import ChangeRecord, Membership, Structure

LAST_ADMIN = "La structure doit garder au moins un administrateur."


class MembershipError(Exception):
    """A change refused for a reason the person can read (in French)."""


def label(membership: Membership) -> str:
    return f"{membership.user.email} ({membership.get_role_display()})"


def record(structure, by, before, after):
    history.record_change(
        structure, ChangeRecord.Action.UPDATE, by, {"membre": {"avant": before, "apres": after}}
    )


def lock_structure(structure_id) -> Structure:
    """The structure, its row locked until the end of the transaction: membership changes queue here."""
    return Structure.objects.select_for_update().get(pk=structure_id)


def _locked(membership: Membership) -> Membership:
    """Lock the structure, then read the membership as it is now (another change may have come first)."""
    lock_structure(membership.structure_id)
    current = Membership.objects.select_related("user", "structure").filter(pk=membership.pk).first()
    if current is None:
        raise MembershipError(f"{membership.user.email} ne fait déjà plus partie de la structure.")
    return current


def _other_active_admins(membership: Membership) -> int:
    return (
        Membership.objects.filter(
            structure_id=membership.structure_id, role=Membership.Role.ADMIN, user__is_active=True
        )
        .exclude(pk=membership.pk)
        .count()
    )


def _is_last_admin(membership: Membership) -> bool:
    return membership.role == Membership.Role.ADMIN and not _other_active_admins(membership)


@transaction.atomic
def change_role(membership: Membership, role: str, by) -> None:
    current = _locked(membership)
    if current.role == role:
        return
    if _is_last_admin(current):
        raise MembershipError(LAST_ADMIN)
    before = label(current)
    current.role = role
    current.save(update_fields=["role"])
    membership.role = role
    record(current.structure, by, before, label(current))


@transaction.atomic
def remove_member(membership: Membership, by) -> None:
    current = _locked(membership)
    if _is_last_admin(current):
        raise MembershipError(LAST_ADMIN)
    record(current.structure, by, label(current), None)
    current.delete()


def check_can_deactivate(user) -> None:
    """Refuse (MembershipError) to deactivate the last active administrator of a structure.

    Call it inside the transaction that deactivates: the structures stay locked until it commits."""
    structure_ids = sorted(
        user.memberships.filter(role=Membership.Role.ADMIN).values_list("structure_id", flat=True)
    )
    alone = []
    for structure_id in structure_ids:  # in id order, so that two deactivations never deadlock
        lock_structure(structure_id)
        membership = Membership.objects.select_related("structure").get(user=user, structure_id=structure_id)
        if membership.role == Membership.Role.ADMIN and not _other_active_admins(membership):
            alone.append(membership.structure.name)
    if alone:
        raise MembershipError(
            f"{user.email} est le seul administrateur de : {', '.join(alone)}. Nommez d'abord un autre "
            "administrateur de ces structures, puis désactivez le compte."
        )


@transaction.atomic
def deactivate_user(user) -> None:
    check_can_deactivate(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
