"""Contact requests from the public path: the only place where the portal stores a person's data."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from spro.directory.validators import PHONE_MESSAGE, is_valid_phone, normalize_phone
from spro.referrals import emails
from spro.referrals.models import ContactRequest, ContactRequestEvent
from spro.referrals.workflow import ContactStatus

__all__ = ["ContactRequest", "create_contact_request"]

MAX_RETENTION_DAYS = 365


def _check(site, name, phone, email, consent_text, purpose, retention_days) -> dict:
    errors = {}
    if site is None or not site.is_active or not site.structure.is_active:
        errors["site"] = "Ce lieu d'accueil n'accepte pas de demande de contact."
    if not name:
        errors["name"] = "Indiquez votre nom ou votre prénom."
    elif len(name) > 100:
        errors["name"] = "Le nom ne doit pas dépasser 100 caractères."
    if phone and not is_valid_phone(phone):
        errors["phone"] = PHONE_MESSAGE
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."
    if not phone and not email and "phone" not in errors and "email" not in errors:
        errors["phone"] = "Indiquez un numéro de téléphone ou une adresse électronique."
    if not consent_text:
        errors["consent_text"] = "Le texte du consentement doit être enregistré avec la demande."
    if not purpose:
        errors["purpose"] = "La finalité de la demande doit être enregistrée."
    if not isinstance(retention_days, int) or not 1 <= retention_days <= MAX_RETENTION_DAYS:
        errors["retention_days"] = (
            f"La durée de conservation doit être comprise entre 1 et {MAX_RETENTION_DAYS} jours."
        )
    return errors


def create_contact_request(
    site, name, phone, email, consent_text, purpose, retention_days, situation
) -> ContactRequest:
    """Record the request and the consent given now; the site's structure is emailed after commit.

    Raises `ValidationError` (French messages, nothing written) when something is missing or wrong.
    """
    name, phone, email = (name or "").strip(), (phone or "").strip(), (email or "").strip().lower()
    consent_text, purpose = (consent_text or "").strip(), (purpose or "").strip()
    errors = _check(site, name, phone, email, consent_text, purpose, retention_days)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        request = ContactRequest.objects.create(
            site=site,
            network=site.network_code or site.structure.network.code,
            name=name,
            phone=normalize_phone(phone),
            email=email,
            situation=dict(situation or {}),
            consent_at=now,
            consent_text=consent_text,
            purpose=purpose,
            retention_days=retention_days,
            erase_after=now + timedelta(days=retention_days),
            created_at=now,
        )
        ContactRequestEvent.objects.create(
            contact_request=request, name="creation", from_status="", to_status=ContactStatus.NEW, at=now
        )
        emails.on_commit(emails.contact_request_email, request.pk)
    return request
