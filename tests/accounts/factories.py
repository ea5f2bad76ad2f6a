"""Accounts for tests: personas, and a client session whose second factor is verified."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from spro.accounts.models import User
from spro.directory.models import Membership

PASSWORD = "un mot de passe assez long"


def user(email: str, **fields) -> User:
    return User.objects.create_user(email, PASSWORD, **fields)


def region_admin(email: str = "admin.region@region.test", **fields) -> User:
    return user(email, region_role=User.RegionRole.ADMIN, **fields)


def region_instructor(email: str = "instructeur@region.test", **fields) -> User:
    return user(email, region_role=User.RegionRole.INSTRUCTOR, **fields)


def member(structure, email: str, role: str = Membership.Role.ADVISER, **fields) -> User:
    person = user(email, **fields)
    Membership.objects.create(user=person, structure=structure, role=role)
    return person


def totp_device(person: User, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="test", confirmed=confirmed)


def current_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code the person's application shows now (or `offset_steps` steps later)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset_steps):06d}"


def login_verified(client, person: User) -> None:
    """Open a session as `person`, with a second factor verified when they have (or need) one."""
    client.force_login(person)
    if person.requires_second_factor or person.has_second_factor:
        device = person.totp_device() or totp_device(person)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
