"""Personas and directory records for the professional space and the Région back office.

Two structures, A (Mission Locale, Toulouse) and B (CIO, Albi); Alice administers A, Bob advises at B;
Irène instructs files at the Région, Rémi administers the Région. "Bob should have no access to
Alice's structure."
"""

from dataclasses import dataclass

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from spro.accounts.models import User
from spro.directory.models import Membership, Network, Service, Site, Structure
from spro.territories.models import Commune

TOULOUSE = "31555"
ALBI = "81004"


def network(code: str) -> Network:
    return Network.objects.get_or_create(code=code, defaults={"label": code.replace("-", " ").title()})[0]


def structure(name: str, network_code: str = "mission-locale", **fields) -> Structure:
    net = network(network_code)
    fields.setdefault("membership_kind", net.membership_kind)
    return Structure.objects.create(name=name, network=net, **fields)


def site(owner: Structure, name: str = "Accueil principal", commune_code: str = TOULOUSE, **fields) -> Site:
    commune = Commune.objects.get(code=commune_code)
    fields.setdefault("address", "1 place du Capitole")
    fields.setdefault("postal_code", commune.postal_code_list[0])
    fields.setdefault("latitude", commune.latitude)
    fields.setdefault("longitude", commune.longitude)
    new = Site.objects.create(structure=owner, name=name, commune=commune, **fields)
    new.reindex()
    return new


def service(where: Site, name: str = "Premier accueil", **fields) -> Service:
    fields.setdefault("needs", ["choisir-un-metier"])
    fields.setdefault("publics", ["tous-publics"])
    new = Service.objects.create(site=where, name=name, **fields)
    where.reindex()
    return new


def user(email: str, **fields) -> User:
    """Sessions are opened with `login`: no password, so no slow hashing."""
    return User.objects.create_user(email, None, **fields)


def member(of: Structure, email: str, role=Membership.Role.ADVISER) -> User:
    person = user(email)
    Membership.objects.create(user=person, structure=of, role=role)
    return person


def login(client, person: User) -> None:
    """A session as `person`, second factor verified when the account needs one."""
    client.force_login(person)
    if person.is_region_staff or person.is_staff:
        device = TOTPDevice.objects.create(user=person, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@dataclass
class World:
    a: Structure
    b: Structure
    site_a: Site
    site_b: Site
    service_a: Service
    service_b: Service
    alice: User  # administrator of A
    bob: User  # adviser at B
    irene: User  # Région instructor
    remi: User  # Région administrator


def world() -> World:
    a = structure("Mission Locale de Toulouse", "mission-locale", siret="13000548100010")
    b = structure("CIO d'Albi", "cio")
    site_a = site(a, "Mission Locale — Capitole")
    site_b = site(b, "CIO d'Albi — centre", commune_code=ALBI, address="2 rue de l'École")
    return World(
        a=a,
        b=b,
        site_a=site_a,
        site_b=site_b,
        service_a=service(site_a),
        service_b=service(site_b, "Conseil en orientation", needs=["orientation-scolaire"]),
        alice=member(a, "alice@ml-toulouse.test", Membership.Role.ADMIN),
        bob=member(b, "bob@cio-albi.test", Membership.Role.ADVISER),
        irene=user("irene@region.test", region_role=User.RegionRole.INSTRUCTOR),
        remi=user("remi@region.test", region_role=User.RegionRole.ADMIN),
    )
