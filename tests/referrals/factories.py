"""Personas and records for referral tests.

Structure A (Mission Locale de Toulouse) is a first door; its administrator Alice sends referrals.
Structure B (France Travail de Toulouse) is a second door; its adviser Bob receives them.
Carole is an adviser of a third structure C that sees nothing of A's and B's referrals.
Région: Iris the instructor and Rémi the administrator.
"""

from dataclasses import dataclass

from django.utils import timezone

from spro.accounts.models import User
from spro.directory.models import Membership, Site, Structure
from spro.referrals.actions import create_referral
from spro.referrals.contact import create_contact_request
from spro.referrals.models import Referral, RefusalReason
from tests.routing.factories import site

PASSWORD = "un mot de passe assez long pour les tests"

PERSON = {
    "person_name": "Camille Dupont-Testeur",
    "person_phone": "06 98 76 54 32",
    "person_email": "camille.dupont@personne.test",
}


def user(email: str, **fields) -> User:
    return User.objects.create_user(email, PASSWORD, **fields)


def member(structure: Structure, email: str, role=Membership.Role.ADVISER, **fields) -> User:
    person = user(email, **fields)
    Membership.objects.create(user=person, structure=structure, role=role)
    return person


def login(client, person: User):
    """Log in; Région staff (or anyone with a second factor) get a verified second factor too."""
    client.force_login(person)
    if getattr(person, "requires_second_factor", False) or getattr(person, "has_second_factor", False):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=person).first() or TOTPDevice.objects.create(
            user=person, name="test", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return person


@dataclass
class World:
    site_a: Site
    site_b: Site
    site_c: Site
    alice: User
    bob: User
    carole: User
    iris: User
    remi: User

    @property
    def structure_a(self) -> Structure:
        return self.site_a.structure

    @property
    def structure_b(self) -> Structure:
        return self.site_b.structure

    @property
    def structure_c(self) -> Structure:
        return self.site_c.structure


def world() -> World:
    site_a = site("mission-locale", needs=["trouver-un-emploi", "orientation"], offset_km=0.5)
    site_b = site("france-travail", needs=["trouver-un-emploi"], offset_km=1)
    site_c = site("cio", needs=["orientation"], offset_km=2)
    return World(
        site_a=site_a,
        site_b=site_b,
        site_c=site_c,
        alice=member(
            site_a.structure, "alice@mission-locale.test", Membership.Role.ADMIN, first_name="Alice"
        ),
        bob=member(site_b.structure, "bob@france-travail.test", first_name="Bob"),
        carole=member(site_c.structure, "carole@cio.test", first_name="Carole"),
        iris=user("iris@region.test", region_role=User.RegionRole.INSTRUCTOR),
        remi=user("remi@region.test", region_role=User.RegionRole.ADMIN),
    )


def referral(w: World, mode=Referral.Mode.APPOINTMENT, **fields) -> Referral:
    """A referral from A (Alice) to B's site, with the person's details when an appointment is asked."""
    values = {
        "sender_structure": w.structure_a,
        "user": w.alice,
        "to_site": w.site_b,
        "situation": {
            "age": 22,
            "statut": "demandeur-emploi",
            "besoin": "trouver-emploi",
            "commune": "31555",
        },
        "need": "trouver-emploi",
        "mode": mode,
        "consent_kind": Referral.Consent.ORAL,
        **(PERSON if mode == Referral.Mode.APPOINTMENT else {}),
        **fields,
    }
    return create_referral(**values)


def refusal_reason() -> RefusalReason:
    return RefusalReason.objects.get(code="hors-champ")


def contact_request(place: Site, **fields):
    values = {
        "site": place,
        "name": "Dominique Martin-Testeur",
        "phone": "07 11 22 33 44",
        "email": "dominique.martin@personne.test",
        "consent_text": "J'accepte que mon nom et mes coordonnées soient transmis au lieu.",
        "purpose": "Être recontacté par le lieu d'accueil",
        "retention_days": 90,
        "situation": {"age": 19, "besoin": "trouver-emploi", "commune": "31555"},
        **fields,
    }
    return create_contact_request(**values)


def now():
    return timezone.now()
