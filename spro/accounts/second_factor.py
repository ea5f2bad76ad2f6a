"""Two-step login: the password opens a *pending* login kept in the session; the session becomes a real
login only once the second factor is given (or enrolled, for Région staff who have none yet)."""

import math
import time

from django.contrib import auth
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from spro.accounts.models import RecoveryCodeDevice, User

PENDING_KEY = "spro_pending_login"
PENDING_SECONDS = 10 * 60


def must_give_second_factor(user) -> bool:
    return user.requires_second_factor or user.has_second_factor


def start_pending_login(request, user, backend: str, extra: dict | None = None) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user": user.pk, "backend": backend, "at": time.time(), **(extra or {})}


def pending_login(request) -> dict | None:
    data = request.session.get(PENDING_KEY)
    if not data or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None
    return data


def pending_user(request) -> User | None:
    data = pending_login(request)
    if not data:
        return None
    return User.objects.filter(pk=data["user"], is_active=True).first()


def user_to_verify(request) -> User | None:
    """Who is giving a second factor: a pending login, or a session opened elsewhere and not verified."""
    if request.user.is_authenticated:
        return None if request.user.is_verified() else request.user
    return pending_user(request)


def finish_login(request, user, device) -> None:
    """Turn the pending login (if any) into a session verified by `device`."""
    data = request.session.pop(PENDING_KEY, None)
    if not request.user.is_authenticated:
        auth.login(request, user, backend=data["backend"])
        for key, value in data.items():
            if key.startswith("proconnect_"):
                request.session[key] = value
    otp_login(request, device)


def verify(user, code: str):
    """The device (TOTP or recovery codes) that accepts `code`, or None. Wrong codes are throttled."""
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        else:
            device = RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device and device.verify_token(code):
            return device
    return None


def throttled_seconds(user) -> int:
    """Seconds to wait before another code is accepted (0 when allowed)."""
    from django.utils import timezone

    waits = []
    for model in (TOTPDevice, RecoveryCodeDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            allowed, data = device.verify_is_allowed()
            if not allowed and data and data.get("locked_until"):
                waits.append((data["locked_until"] - timezone.now()).total_seconds())
    return max([0, *[math.ceil(w) for w in waits]])


@transaction.atomic
def confirm_totp(user, device: TOTPDevice) -> list[str]:
    """Confirm a new TOTP device, remove any other, and create fresh recovery codes (returned in clear)."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery, _ = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Codes de secours", "confirmed": True}
    )
    return recovery.regenerate()


@transaction.atomic
def disable(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
