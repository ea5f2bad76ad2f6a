"""Who may see the network's life: the members of a structure of the directory and the Région's staff;
never the public (anonymous people are sent to the login page)."""

from spro.directory.models import Membership


def is_network_member(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_region_staff:
        return True
    return Membership.objects.filter(user=user, structure__is_active=True).exists()


def organises(user, training) -> bool:
    """The organiser of a session: its structure's members, or the Région's staff for the Région's."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if training.organiser_id is None:
        return user.is_region_staff
    return (
        user.is_region_admin or Membership.objects.filter(user=user, structure=training.organiser_id).exists()
    )
