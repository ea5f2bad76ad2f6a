"""Invitations to join a structure: the only way a person becomes a member.

An administrator of the structure (or of the Région) invites an address with a role. The answer is the same
whether the address has an account or not, so the form tells nothing about who has one. The person receives
a link, valid `INVITATION_DAYS` days and usable once (only its SHA-256 is stored: the token carries 256
random bits, a fast hash is enough); with an account they log in and accept, without one they choose their
name and password from the link. Each transition (sent, sent again, accepted, cancelled, expired) is
written to `InvitationEvent`; e-mails leave once the transaction commits.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from spro.accounts.members import MembershipError, label, lock_structure, record
from spro.accounts.models import INVITATION_DAYS, Invitation, InvitationEvent, User
from spro.core.emails import one_line, render_text
from spro.directory.models import Membership

Status, Action = Invitation.Status, InvitationEvent.Action

NO_LONGER_VALID = (
    "Cette invitation n'est plus valable : elle a déjà été utilisée, annulée, ou elle a expiré. "
    "Demandez une nouvelle invitation à l'administrateur de la structure."
)


class InvitationError(MembershipError):
    """A refused step, with a French reason."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _log(invitation, action, by=None):
    InvitationEvent.objects.create(invitation=invitation, action=action, by=by)


def _issue(invitation: Invitation, action: str, by) -> Invitation:
    """Give the invitation a new token and validity, save it, and send the link after commit."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = hash_token(token)
    invitation.status = Status.SENT
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
    invitation.closed_at = None
    invitation.save()
    _log(invitation, action, by)
    transaction.on_commit(lambda: _send(invitation, token, by))
    return invitation


def _send(invitation: Invitation, token: str, by) -> None:
    structure = invitation.structure
    body = render_text(
        "accounts/emails/invitation.txt",
        {
            "invitation": invitation,
            "structure": structure,
            "role": invitation.get_role_display().lower(),
            "inviter": by.get_full_name() or by.email if by else "",
            "url": settings.SPRO_BASE_URL + reverse("accounts:invitation", args=[token]),
            "days": INVITATION_DAYS,
            "expires_at": timezone.localtime(invitation.expires_at),
            "region_name": settings.SPRO_REGION_NAME,
        },
    )
    subject = one_line(f"Invitation à rejoindre « {structure.name} » dans l'espace professionnel")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def expire_due(structure=None) -> int:
    """Mark the invitations whose validity has passed as expired (each one logged); how many."""
    due = Invitation.objects.filter(status=Status.SENT, expires_at__lte=timezone.now())
    if structure is not None:
        due = due.filter(structure=structure)
    expired = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Claimed by a conditional UPDATE: two requests expiring it at once log it once.
            if Invitation.objects.filter(pk=pk, status=Status.SENT).update(
                status=Status.EXPIRED, closed_at=timezone.now()
            ):
                _log(Invitation(pk=pk), Action.EXPIRED)
                expired += 1
    return expired


@transaction.atomic
def invite(structure, email: str, role: str, by) -> Invitation:
    """Invite `email` to `structure`; an address already invited gets a new link (same answer)."""
    email = normalize_email(email)
    lock_structure(structure.pk)
    if Membership.objects.filter(structure=structure, user__email__iexact=email).exists():
        raise InvitationError(f"{email} est déjà membre de cette structure.")
    expire_due(structure)
    pending = (
        Invitation.objects.filter(structure=structure, email=email, status__in=[Status.SENT, Status.EXPIRED])
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        pending.role = role
        return _issue(pending, Action.RESENT, by)
    return _issue(Invitation(structure=structure, email=email, role=role, invited_by=by), Action.SENT, by)


@transaction.atomic
def resend(invitation: Invitation, by) -> Invitation:
    """A new link (the previous one stops working) and a new validity, for a pending or expired invitation."""
    lock_structure(invitation.structure_id)
    current = Invitation.objects.select_related("structure").get(pk=invitation.pk)
    if current.status not in {Status.SENT, Status.EXPIRED}:
        raise InvitationError(f"L'invitation de {current.email} est {current.get_status_display().lower()}.")
    if Membership.objects.filter(
        structure_id=current.structure_id, user__email__iexact=current.email
    ).exists():
        raise InvitationError(f"{current.email} est déjà membre de cette structure.")
    other = Invitation.objects.filter(
        structure_id=current.structure_id, email=current.email, status=Status.SENT
    ).exclude(pk=current.pk)
    if other.exists():
        raise InvitationError(f"Une autre invitation de {current.email} est en cours.")
    return _issue(current, Action.RESENT, by)


@transaction.atomic
def cancel(invitation: Invitation, by) -> None:
    if not Invitation.objects.filter(pk=invitation.pk, status=Status.SENT).update(
        status=Status.CANCELLED, closed_at=timezone.now()
    ):
        raise InvitationError(f"L'invitation de {invitation.email} n'est plus en cours.")
    _log(invitation, Action.CANCELLED, by)


def find(token: str) -> Invitation | None:
    """The invitation of a link's token, whatever its state (expired ones are marked so on the way)."""
    if not token or len(token) > 200:
        return None
    invitation = Invitation.objects.select_related("structure").filter(token_hash=hash_token(token)).first()
    if invitation is not None and invitation.status == Status.SENT and not invitation.is_pending:
        expire_due(invitation.structure)
        invitation.refresh_from_db()
    return invitation


def account_for(invitation: Invitation) -> User | None:
    """The account of the invited address, active or not."""
    return User.objects.filter(email__iexact=invitation.email).first()


@transaction.atomic
def accept(invitation: Invitation, user: User) -> Membership:
    """`user` (the account of the invited address) accepts: they become a member with the invited role."""
    if normalize_email(user.email) != invitation.email or not user.is_active:
        raise InvitationError("Cette invitation est adressée à une autre adresse électronique.")
    structure = lock_structure(invitation.structure_id)
    now = timezone.now()
    # Single use: the UPDATE claims the invitation only while it is still pending.
    claimed = Invitation.objects.filter(pk=invitation.pk, status=Status.SENT, expires_at__gt=now).update(
        status=Status.ACCEPTED, closed_at=now, accepted_by=user
    )
    if not claimed:
        raise InvitationError(NO_LONGER_VALID)
    _log(invitation, Action.ACCEPTED, user)
    membership = Membership.objects.filter(structure=structure, user=user).first()
    if membership is None:
        membership = Membership.objects.create(structure=structure, user=user, role=invitation.role)
        record(structure, user, None, label(membership))
    return membership


@transaction.atomic
def accept_with_new_account(invitation: Invitation, first_name: str, last_name: str, password: str) -> User:
    """The invited address has no account: create it with the name and password chosen, then accept."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError("Un compte existe déjà pour cette adresse : connectez-vous pour accepter.")
    if not Invitation.objects.filter(pk=invitation.pk, status=Status.SENT, expires_at__gt=timezone.now()):
        raise InvitationError(NO_LONGER_VALID)
    user = User.objects.create_user(
        invitation.email, password, first_name=first_name.strip(), last_name=last_name.strip()
    )
    accept(invitation, user)
    return user


def pending_for(structure):
    """Invitations the structure's administrators still manage: pending and expired ones."""
    return (
        Invitation.objects.filter(structure=structure)
        .filter(Q(status=Status.SENT) | Q(status=Status.EXPIRED))
        .order_by("email", "-created_at")
    )
