"""Membership of accounts in structures, managed by the structure's administrators (or the Région)."""

from django.db import transaction

from spro.accounts.models import User
from spro.directory import history
from spro.directory.models import ChangeRecord, Membership


class MembershipError(Exception):
    """A change refused for a reason the person can read (in French)."""


def _label(membership: Membership) -> str:
    return f"{membership.user.email} ({membership.get_role_display()})"


def _record(structure, by, before, after):
    history.record_change(
        structure, ChangeRecord.Action.UPDATE, by, {"membre": {"avant": before, "apres": after}}
    )


def _admins_left(structure, excluding: Membership) -> int:
    return structure.memberships.filter(role=Membership.Role.ADMIN).exclude(pk=excluding.pk).count()


@transaction.atomic
def add_member(structure, email: str, role: str, by) -> Membership:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise MembershipError(
            f"Aucun compte actif n'existe pour {email.strip()} : la personne doit d'abord avoir un compte "
            "dans l'espace professionnel (demandez-le à la Région)."
        )
    if Membership.objects.filter(user=user, structure=structure).exists():
        raise MembershipError(f"{user.email} est déjà membre de cette structure.")
    membership = Membership.objects.create(user=user, structure=structure, role=role)
    _record(structure, by, None, _label(membership))
    return membership


@transaction.atomic
def change_role(membership: Membership, role: str, by) -> None:
    if membership.role == role:
        return
    if membership.role == Membership.Role.ADMIN and not _admins_left(membership.structure, membership):
        raise MembershipError("La structure doit garder au moins un administrateur.")
    before = _label(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    _record(membership.structure, by, before, _label(membership))


@transaction.atomic
def remove_member(membership: Membership, by) -> None:
    if membership.role == Membership.Role.ADMIN and not _admins_left(membership.structure, membership):
        raise MembershipError("La structure doit garder au moins un administrateur.")
    _record(membership.structure, by, _label(membership), None)
    membership.delete()
