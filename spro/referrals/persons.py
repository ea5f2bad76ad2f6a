"""Requests of one person about their data (RGPD): find their records, export them, erase them.

Used by a Région administrator on request. The search value (email or phone) is never stored, not even
in the audit log, which names the records only.
"""

import re

from django.db import transaction
from django.utils import timezone

from spro.referrals.models import ContactRequest, PersonalDataAccess, Referral


def phone_digits(phone: str) -> str:
    """Comparable form of a French phone number: digits only, +33 / 0033 turned into 0."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def find_person(email: str = "", phone: str = "") -> dict:
    """Referrals and contact requests still holding this email or phone number."""
    email = (email or "").strip().lower()
    digits = phone_digits(phone)
    referrals, requests = [], []
    if email:
        referrals += Referral.objects.filter(person_email__iexact=email)
        requests += ContactRequest.objects.filter(email__iexact=email)
    if len(digits) >= 6:
        # Phones are typed in many forms: compare digits, among the few records that still hold one.
        referrals += [
            r for r in Referral.objects.exclude(person_phone="") if phone_digits(r.person_phone) == digits
        ]
        requests += [c for c in ContactRequest.objects.exclude(phone="") if phone_digits(c.phone) == digits]
    return {
        "referrals": sorted({r.pk: r for r in referrals}.values(), key=lambda r: r.pk),
        "contact_requests": sorted({c.pk: c for c in requests}.values(), key=lambda c: c.pk),
    }


def record_refs(found: dict) -> list[str]:
    return [f"orientation:{r.pk}" for r in found["referrals"]] + [
        f"demande-de-contact:{c.pk}" for c in found["contact_requests"]
    ]


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def export_person(found: dict) -> dict:
    """Everything held about the person, in French field names, for a JSON download."""
    return {
        "exporte_le": _iso(timezone.now()),
        "orientations": [
            {
                "numero": r.pk,
                "etat": r.get_state_display(),
                "envoyee_le": _iso(r.created_at),
                "structure_qui_oriente": r.sender_structure.name,
                "lieu_d_accueil": r.to_site.name,
                "structure_qui_recoit": r.to_structure.name,
                "besoin": r.need,
                "situation": r.situation,
                "modalite": r.get_mode_display(),
                "consentement": {"donne": r.get_consent_kind_display(), "le": _iso(r.consent_at)},
                "nom": r.person_name,
                "telephone": r.person_phone,
                "courriel": r.person_email,
                "precisions": r.message,
                "historique": [
                    {"action": t.name, "de": t.from_state, "vers": t.to_state, "le": _iso(t.at)}
                    for t in r.transitions.all()
                ],
            }
            for r in found["referrals"]
        ],
        "demandes_de_contact": [
            {
                "numero": c.pk,
                "statut": c.get_status_display(),
                "recue_le": _iso(c.created_at),
                "lieu_d_accueil": c.site.name,
                "structure": c.site.structure.name,
                "nom": c.name,
                "telephone": c.phone,
                "courriel": c.email,
                "situation": c.situation,
                "consentement": {
                    "le": _iso(c.consent_at),
                    "texte": c.consent_text,
                    "finalite": c.purpose,
                    "duree_de_conservation_jours": c.retention_days,
                    "effacement_au_plus_tard_le": _iso(c.erase_after),
                },
                "note": c.note,
            }
            for c in found["contact_requests"]
        ],
    }


def erase_person(found: dict, user, reason: str) -> int:
    """Erase the person's data in every record found; one audit row. Returns the number of records."""
    with transaction.atomic():
        count = sum(r.erase_personal_data() for r in found["referrals"])
        count += sum(c.erase_personal_data() for c in found["contact_requests"])
        PersonalDataAccess.record(
            user,
            PersonalDataAccess.RecordType.PERSON,
            reason=reason,
            action=PersonalDataAccess.Action.ERASE,
            records=record_refs(found),
        )
    return count
