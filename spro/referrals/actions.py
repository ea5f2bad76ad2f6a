"""Writes that span several records or send mail: recording a referral, its transitions, reminders and
expiry, the purge.

Each is atomic; emails leave after commit. The cron commands call `remind_and_expire()` and
`purge_personal_data()`, which claim each row with a conditional UPDATE, so running them twice, or
twice at once, does each thing once.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from spro.directory.validators import normalize_phone
from spro.referrals import emails
from spro.referrals.models import (
    ContactRequest,
    PersonalDataAccess,
    Referral,
    ReferralTransition,
    retention_limit,
)
from spro.referrals.workflow import CLOSED_STATES, InvalidTransition, ReferralState


def is_third_door(sender_structure, previous_door: str = "", previous_referral=None) -> bool:
    """True when the sending structure is not the person's first door: sending on makes a third one."""
    if previous_referral is not None:
        return True
    return bool(previous_door) and previous_door != sender_structure.network.code


def create_referral(
    *,
    sender_structure,
    user,
    to_site,
    situation,
    need,
    mode,
    consent_kind,
    consent_at=None,
    person_name="",
    person_phone="",
    person_email="",
    message="",
    previous_door="",
    previous_referral=None,
    third_door_reason="",
) -> Referral:
    """Record a referral sent now (state `envoyee`), log it, and tell the receiving structure after commit.

    Raises `ValidationError` in French when a rule is broken (same structure, missing contact details for
    an appointment, third door without a reason); nothing is written then.
    """
    if not user.memberships.filter(structure=sender_structure).exists():
        raise ValidationError("Vous n'êtes pas membre de la structure qui oriente.")
    if not to_site.is_active or not to_site.structure.is_active:
        raise ValidationError({"to_site": "Ce lieu d'accueil n'est plus actif."})
    appointment = mode == Referral.Mode.APPOINTMENT
    now = timezone.now()
    if previous_referral is not None and not previous_door:
        previous_door = previous_referral.from_network
    referral = Referral(
        sender_structure=sender_structure,
        sender_user=user,
        from_network=sender_structure.network.code,
        to_site=to_site,
        to_structure=to_site.structure,
        to_network=to_site.structure.network.code,
        situation=dict(situation or {}),
        need=need,
        mode=mode,
        consent_kind=consent_kind,
        consent_at=consent_at or now,
        consent_recorded_by=user,
        # "Coordonnées remises": the person calls the second door; only an anonymous trace is kept.
        person_name=person_name.strip() if appointment else "",
        person_phone=normalize_phone(person_phone) if appointment else "",
        person_email=person_email.strip().lower() if appointment else "",
        message=message.strip(),
        previous_door=previous_door,
        previous_referral=previous_referral,
        is_third_door=is_third_door(sender_structure, previous_door, previous_referral),
        third_door_reason=third_door_reason.strip(),
        created_at=now,
    )
    if not referral.is_third_door:
        referral.third_door_reason = ""
    referral.full_clean()
    with transaction.atomic():
        referral.save()
        ReferralTransition.objects.create(
            referral=referral,
            name="envoyer",
            from_state="",
            to_state=ReferralState.SENT,
            user=user,
            at=now,
            reason=referral.third_door_reason,
        )
        emails.on_commit(emails.referral_email, referral.pk, "envoyee")
    return referral


def process_referral(referral: Referral, name: str, *, user=None, reason: str = "", refusal_reason=None):
    """Fire the transition `name` of the referral (`Referral.process`: checks, claim, log) and send its
    email after commit. Raises `InvalidTransition` (French message) when it cannot happen now."""
    with transaction.atomic():
        transition = referral.process(name, user=user, reason=reason, refusal_reason=refusal_reason)
        if transition.email:
            emails.on_commit(emails.referral_email, referral.pk, transition.email)
    return transition


@dataclass
class CronReport:
    reminded: int = 0
    expired: int = 0


def remind_and_expire(now=None) -> CronReport:
    """Remind the receiving structure once after N days without answer; expire after M days."""
    now = now or timezone.now()
    report = CronReport()
    expire_before = now - timedelta(days=settings.SPRO_REFERRAL_EXPIRY_DAYS)
    for referral in Referral.objects.filter(state=ReferralState.SENT, created_at__lte=expire_before):
        try:
            process_referral(referral, "expirer")
        except InvalidTransition:  # answered meanwhile, or claimed by a concurrent run
            continue
        report.expired += 1
    remind_before = now - timedelta(days=settings.SPRO_REFERRAL_REMINDER_DAYS)
    due = Referral.objects.filter(state=ReferralState.SENT, reminded_at=None, created_at__lte=remind_before)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Referral.objects.filter(pk=pk, state=ReferralState.SENT, reminded_at=None).update(
                reminded_at=now
            )
            if not claimed:
                continue
            ReferralTransition.objects.create(
                referral_id=pk,
                name="relancer",
                from_state=ReferralState.SENT,
                to_state=ReferralState.SENT,
                at=now,
            )
            emails.on_commit(emails.referral_email, pk, "relance")
        report.reminded += 1
    return report


@dataclass
class PurgeReport:
    referrals: int = 0
    contact_requests: int = 0
    access_reasons: int = 0
    access_rows: int = 0


def purge_personal_data(now=None) -> PurgeReport:
    """Erase the person's data of referrals closed, and contact requests made, past the retention period.

    A referral still open that long after it was sent is erased too (it is closed in all but name). The
    access log's "why" goes after the same period, who read after the log's own (see `PersonalDataAccess`).
    """
    now = now or timezone.now()
    report = PurgeReport()
    limit = retention_limit(now)
    # Closed past the retention period; or left open (accepted, never closed) as long after sending,
    # so that a forgotten referral does not keep a person's data for ever.
    referrals = Referral.objects.filter(personal_data_erased_at=None).filter(
        Q(state__in=CLOSED_STATES, closed_at__lte=limit) | Q(created_at__lte=limit)
    )
    for referral in referrals.iterator():
        report.referrals += referral.erase_personal_data(now)
    requests = ContactRequest.objects.filter(personal_data_erased_at=None).filter(
        Q(erase_after__lte=now) | Q(created_at__lte=limit)
    )
    for request in requests.iterator():
        report.contact_requests += request.erase_personal_data(now)
    report.access_rows = PersonalDataAccess.objects.anonymise(now)
    report.access_reasons = PersonalDataAccess.objects.blank_reasons(now)
    return report
