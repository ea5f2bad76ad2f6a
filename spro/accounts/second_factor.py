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


# Enrolment also proves control of the mailbox: a password alone (stolen before the person enrolled) must
# not be enough to attach an attacker's application. The code is kept in the session as a keyed hash, for
# ENROL_CODE_SECONDS, ENROL_CODE_ATTEMPTS tries, and a new one is sent at most every ENROL_RESEND_SECONDS.
ENROL_CODE_KEY = "spro_enrol_email_code"
ENROL_CODE_SECONDS = 15 * 60
ENROL_CODE_ATTEMPTS = 5
ENROL_RESEND_SECONDS = 60


def _enrol_hash(user, code: str) -> str:
    from django.utils.crypto import salted_hmac

    return salted_hmac("spro.accounts.enrolment", f"{user.pk}:{code}").hexdigest()


def enrolment_code_pending(request, user) -> bool:
    data = request.session.get(ENROL_CODE_KEY)
    return bool(
        data
        and data.get("user") == user.pk
        and time.time() - data.get("sent", 0) < ENROL_CODE_SECONDS
        and data.get("attempts", 0) < ENROL_CODE_ATTEMPTS
    )


def send_enrolment_code(request, user) -> bool:
    """E-mail a new 6-digit code to the person; False when one was sent less than a minute ago."""
    import secrets

    from django.conf import settings
    from django.core.mail import send_mail

    data = request.session.get(ENROL_CODE_KEY)
    if data and data.get("user") == user.pk and time.time() - data.get("sent", 0) < ENROL_RESEND_SECONDS:
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    request.session[ENROL_CODE_KEY] = {
        "user": user.pk,
        "hash": _enrol_hash(user, code),
        "sent": time.time(),
        "attempts": 0,
    }
    body = (
        "Bonjour,\n\n"
        f"Voici le code qui confirme l'activation de la double authentification sur votre compte : {code}\n\n"
        f"Il est valable {ENROL_CODE_SECONDS // 60} minutes. Si vous n'êtes pas en train de l'activer, "
        "quelqu'un connaît votre mot de passe : changez-le sans attendre et prévenez la Région."
    )
    send_mail(
        "Code d'activation de la double authentification", body, settings.DEFAULT_FROM_EMAIL, [user.email]
    )
    return True


def check_enrolment_code(request, user, code: str) -> bool:
    """True for the right code; every wrong try counts, and the code is used up after five."""
    import hmac

    if not enrolment_code_pending(request, user):
        return False
    data = dict(request.session[ENROL_CODE_KEY])
    if hmac.compare_digest(data["hash"], _enrol_hash(user, code)):
        return True  # forgotten once the enrolment succeeds (`finish_enrolment`), not on a TOTP typo
    data["attempts"] = data.get("attempts", 0) + 1
    request.session[ENROL_CODE_KEY] = data
    return False


def finish_enrolment(request) -> None:
    request.session.pop(ENROL_CODE_KEY, None)
