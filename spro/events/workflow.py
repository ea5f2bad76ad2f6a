"""What happens to an event: publication (held for the Région when the structure is not a SPRO member
and `SPRO_EVENTS_MODERATION` is on), moderation, cancellation, registration and purge. Every step is
written to the event's history (`EventChange`)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from spro.events.models import Attendee, Event, EventChange, Registration, State


class Refused(Exception):
    """A step refused, with the French sentence to show."""


def is_member(structure) -> bool:
    from spro.labels.models import SproStatus

    return SproStatus.objects.members().filter(structure=structure).exists()


def needs_moderation(structure) -> bool:
    return bool(getattr(settings, "SPRO_EVENTS_MODERATION", False)) and not is_member(structure)


def record(event, action: str, user=None, **detail):
    EventChange.objects.create(event=event, user=user, action=action, detail=detail)


@transaction.atomic
def publish(event: Event, user=None) -> Event:
    """Save a new event: published at once, or waiting for the Région."""
    event.locate()
    event.state = State.PENDING if needs_moderation(event.structure) else State.PUBLISHED
    event.save()
    record(event, "creation", user, state=event.state)
    return event


@transaction.atomic
def update(event: Event, changed: dict, user=None) -> Event:
    """Record the fields changed (name → [before, after], as strings) and save. An event of a structure
    that is not a SPRO member goes back to the Région when moderation is on: a published or refused
    event edited waits for approval again (a cancelled one is not edited)."""
    event.locate()
    detail = {"changes": changed}
    if event.state in (State.PUBLISHED, State.REFUSED) and needs_moderation(event.structure):
        detail["state"] = [event.state, State.PENDING]
        event.state = State.PENDING
    event.save()
    record(event, "modification", user, **detail)
    return event


@transaction.atomic
def moderate(event: Event, approve: bool, user, reason: str = "") -> Event:
    if event.state != State.PENDING:
        raise Refused("Cet événement n'attend pas de validation.")
    event.state = State.PUBLISHED if approve else State.REFUSED
    event.save(update_fields=["state", "updated_at"])
    record(event, "validation" if approve else "refus", user, reason=reason)
    return event


@transaction.atomic
def cancel(event: Event, user=None, reason: str = "") -> Event:
    if event.state == State.CANCELLED:
        raise Refused("Cet événement est déjà annulé.")
    event.state = State.CANCELLED
    event.save(update_fields=["state", "updated_at"])
    record(event, "annulation", user, reason=reason)
    return event


def register(event: Event, name: str, email: str, consent: bool, now=None) -> Attendee:
    """Register a person on spro; refused in French when the event is full, over, cancelled,
    not open to spro registration, or without consent."""
    now = now or timezone.now()
    if event.registration != Registration.SPRO:
        raise Refused("Cet événement ne prend pas d'inscription sur ce site.")
    if event.state != State.PUBLISHED:
        raise Refused("Cet événement n'est pas ouvert aux inscriptions.")
    if event.end <= now:
        raise Refused("Cet événement est terminé.")
    if not consent:
        raise Refused("Pour vous inscrire, acceptez que l'organisateur reçoive votre nom et votre courriel.")
    with transaction.atomic():
        # Lock the event so that two last registrations cannot both take the last place.
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.attendees.count() >= (locked.capacity or 0):
            raise Refused("Cet événement est complet : il n'y a plus de place.")
        try:
            with transaction.atomic():
                return Attendee.objects.create(event=locked, name=name, email=email.lower(), consented_at=now)
        except IntegrityError as error:
            raise Refused("Vous êtes déjà inscrit à cet événement avec ce courriel.") from error


def purge(now=None) -> int:
    """Delete the registrations of events over (idempotent); returns how many were deleted."""
    now = now or timezone.now()
    total = 0
    for event in Event.objects.filter(end__lte=now, attendees__isnull=False).distinct():
        count, _ = event.attendees.all().delete()
        record(event, "purge-inscriptions", None, count=count)
        total += count
    return total
