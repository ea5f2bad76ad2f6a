"""What happens in the network's life, each step atomic and logged (`NetworkLog`), mail sent after
commit. Views only call these functions and show `Refused` messages.

Registration to a training (states in `RegistrationState`):

| transition | from | to |
|---|---|---|
| register | (none), annule | inscrit, or attente when every place is taken |
| promote | attente | inscrit (the first of the waiting list, when a place frees up) |
| cancel | inscrit, attente | annule (a place freed promotes the first waiting) |
| attendance | inscrit (session started) | inscrit, with `attended` true or false |
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from spro.directory.models import Membership
from spro.network import emails
from spro.network.codes import RegistrationState, TrainingState
from spro.network.models import (
    CONSENT_TEXT,
    NetworkLog,
    ProfessionalProfile,
    SproReferent,
    Training,
    TrainingRegistration,
)

REMINDER_DAYS = 2  # training reminders go this many days ahead (spro echeances-reseau)


class Refused(Exception):
    """A step refused, with the French sentence to show."""


def log(subject: str, object_id: int, action: str, by=None, from_state="", to_state="", **detail):
    NetworkLog.objects.create(
        subject=subject,
        object_id=object_id,
        action=action,
        by=by,
        from_state=from_state,
        to_state=to_state,
        detail=detail,
    )


# --- profiles and référents ---------------------------------------------------------------------------


@transaction.atomic
def save_profile(profile: ProfessionalProfile, consent: bool, user, sites=None) -> ProfessionalProfile:
    """Save the person's own profile: consent given (listed) or withdrawn (hidden again)."""
    was_listed = profile.consented_at is not None
    if consent and not was_listed:
        profile.consented_at = timezone.now()
        profile.consent_text = CONSENT_TEXT
    elif not consent:
        profile.consented_at = None
        profile.consent_text = ""
    profile.updated_at = timezone.now()
    profile.save()
    if sites is not None:
        profile.sites.set(sites)
    profile.reindex()
    if consent != was_listed:
        log("profil", profile.pk, "accord" if consent else "retrait", by=user)
    else:
        log("profil", profile.pk, "modification", by=user, shown=sorted(profile.shown))
    return profile


@transaction.atomic
def designate_referent(structure, person, email: str, phone: str, by) -> SproReferent:
    if not Membership.objects.filter(structure=structure, user=person, user__is_active=True).exists():
        raise Refused("Le référent SPRO doit être membre de la structure.")
    before = SproReferent.objects.filter(structure=structure).select_for_update().first()
    referent = before or SproReferent(structure=structure)
    previous = referent.user_id if before else None
    referent.user = person
    referent.email = email
    referent.phone = phone
    referent.designated_by = by
    referent.designated_at = timezone.now()
    referent.save()
    log("referent", structure.pk, "designation", by=by, user=person.pk, previous=previous)
    return referent


# --- trainings -------------------------------------------------------------------------------------------


def may_register_for(actor, structure) -> bool:
    """Someone registers themselves for one of their structures; its administrators register colleagues."""
    return Membership.objects.filter(user=actor, structure=structure, role=Membership.Role.ADMIN).exists()


@transaction.atomic
def publish(training: Training, by) -> Training:
    training.created_by = by
    training.save()
    log("formation", training.pk, "publication", by=by, to_state=training.state)
    return training


def _waiting_position(registration) -> int:
    return (
        TrainingRegistration.objects.filter(
            training=registration.training_id,
            state=RegistrationState.WAITING,
            waiting_since__lte=registration.waiting_since,
        ).count()
        if registration.waiting_since
        else 0
    )


def register(training: Training, person, structure, by, now=None) -> TrainingRegistration:
    """Register `person` (for `structure`) to the session: a place if one is left, else the waiting list."""
    now = now or timezone.now()
    if not Membership.objects.filter(user=person, structure=structure, user__is_active=True).exists():
        raise Refused("Cette personne n'est pas membre de cette structure.")
    if by.pk != person.pk and not may_register_for(by, structure):
        raise Refused("Seuls les administrateurs de la structure inscrivent leurs collègues.")
    with transaction.atomic():
        # Lock the session so that two last registrations cannot both take the last place.
        locked = Training.objects.select_for_update().get(pk=training.pk)
        if locked.state != TrainingState.PUBLISHED:
            raise Refused("Cette formation est annulée : elle ne prend plus d'inscription.")
        if locked.start <= now:
            raise Refused("Cette formation a commencé : elle ne prend plus d'inscription.")
        registration = (
            TrainingRegistration.objects.select_for_update().filter(training=locked, user=person).first()
        )
        if registration and registration.state != RegistrationState.CANCELLED:
            if registration.state == RegistrationState.WAITING:
                raise Refused("Cette personne est déjà sur la liste d'attente de cette formation.")
            raise Refused("Cette personne est déjà inscrite à cette formation.")
        before = registration.state if registration else ""
        full = locked.registered_count() >= locked.capacity
        registration = registration or TrainingRegistration(training=locked, user=person)
        registration.structure = structure
        registration.registered_by = by
        registration.created_at = now
        registration.state = RegistrationState.WAITING if full else RegistrationState.REGISTERED
        registration.waiting_since = now if full else None
        registration.save()
        log(
            "inscription",
            registration.pk,
            "inscription",
            by=by,
            from_state=before,
            to_state=registration.state,
            training=locked.pk,
        )
        if full:
            emails.registration_mail("waiting", registration, position=_waiting_position(registration))
        else:
            emails.registration_mail("registered", registration)
        return registration


def may_cancel(actor, registration) -> bool:
    return actor.pk == registration.user_id or may_register_for(actor, registration.structure)


def cancel_registration(registration: TrainingRegistration, by, now=None) -> TrainingRegistration:
    """Cancel a registration (or leave the waiting list); a freed place goes to the first waiting."""
    now = now or timezone.now()
    if not may_cancel(by, registration):
        raise Refused("Seuls la personne inscrite et les administrateurs de sa structure annulent.")
    with transaction.atomic():
        locked_training = Training.objects.select_for_update().get(pk=registration.training_id)
        registration = TrainingRegistration.objects.select_for_update().get(pk=registration.pk)
        if registration.state == RegistrationState.CANCELLED:
            raise Refused("Cette inscription est déjà annulée.")
        if locked_training.start <= now:
            raise Refused("La formation a commencé : l'inscription ne s'annule plus.")
        before = registration.state
        registration.state = RegistrationState.CANCELLED
        registration.waiting_since = None
        registration.save(update_fields=["state", "waiting_since"])
        log(
            "inscription",
            registration.pk,
            "annulation",
            by=by,
            from_state=before,
            to_state=registration.state,
            training=locked_training.pk,
        )
        by_other = str(by) if by.pk != registration.user_id else ""
        emails.registration_mail("registration_cancelled", registration, by_other=by_other)
        if before == RegistrationState.REGISTERED:
            promote_waiting(locked_training, by)
        return registration


def promote_waiting(training: Training, by=None) -> list[TrainingRegistration]:
    """Give each free place to the first waiting (in the caller's transaction, training locked)."""
    promoted = []
    free = training.capacity - training.registered_count()
    waiting = training.registrations.filter(state=RegistrationState.WAITING).order_by("waiting_since", "pk")
    for registration in list(waiting[: max(free, 0)]):
        registration.state = RegistrationState.REGISTERED
        registration.waiting_since = None
        registration.save(update_fields=["state", "waiting_since"])
        log(
            "inscription",
            registration.pk,
            "promotion",
            by=by,
            from_state=RegistrationState.WAITING,
            to_state=RegistrationState.REGISTERED,
            training=training.pk,
        )
        emails.registration_mail("promoted", registration)
        promoted.append(registration)
    return promoted


@transaction.atomic
def cancel_training(training: Training, by, reason: str = "") -> Training:
    training = Training.objects.select_for_update().get(pk=training.pk)
    if training.state == TrainingState.CANCELLED:
        raise Refused("Cette formation est déjà annulée.")
    training.state = TrainingState.CANCELLED
    training.cancel_reason = reason
    training.save(update_fields=["state", "cancel_reason"])
    log("formation", training.pk, "annulation", by=by, from_state="publiee", to_state=training.state)
    catalogue_url = f"{settings.SPRO_BASE_URL}{reverse('formations:catalogue')}"
    for registration in training.registrations.exclude(state=RegistrationState.CANCELLED).select_related(
        "user", "registered_by"
    ):
        emails.registration_mail(
            "training_cancelled", registration, reason=reason, catalogue_url=catalogue_url
        )
    return training


@transaction.atomic
def record_attendance(training: Training, present_ids: set[int], by, now=None) -> int:
    """The organiser ticks who came: every registered person is marked present or absent; an attendee
    gets an attestation reference. Returns how many are present."""
    from spro.network.attestation import new_reference

    now = now or timezone.now()
    if training.is_cancelled:
        raise Refused("Cette formation est annulée.")
    if training.start > now:
        raise Refused("La présence s'enregistre une fois la session commencée.")
    present = 0
    for registration in training.registrations.select_for_update().filter(state=RegistrationState.REGISTERED):
        attended = registration.pk in present_ids
        present += attended
        if registration.attended == attended:
            continue
        registration.attended = attended
        registration.attendance_recorded_at = now
        if attended and not registration.attestation_reference:
            registration.attestation_reference = new_reference(now.year)
        registration.save(update_fields=["attended", "attendance_recorded_at", "attestation_reference"])
        log(
            "inscription",
            registration.pk,
            "presence" if attended else "absence",
            by=by,
            from_state=registration.state,
            to_state=registration.state,
            training=training.pk,
        )
    return present


def send_reminders(now=None) -> int:
    """Remind registered people of sessions starting within REMINDER_DAYS (once each: idempotent)."""
    from datetime import timedelta

    now = now or timezone.now()
    sent = 0
    due = TrainingRegistration.objects.filter(
        state=RegistrationState.REGISTERED,
        reminded_at__isnull=True,
        training__state=TrainingState.PUBLISHED,
        training__start__gt=now,
        training__start__lte=now + timedelta(days=REMINDER_DAYS),
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            # Claim the row: a second run (or a concurrent one) that got there first wins.
            claimed = TrainingRegistration.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            registration = TrainingRegistration.objects.select_related(
                "training", "user", "registered_by"
            ).get(pk=pk)
            registration.registered_by = None  # the reminder goes to the person only
            emails.registration_mail("reminder", registration)
            log("inscription", pk, "rappel", training=registration.training_id)
            sent += 1
    return sent
