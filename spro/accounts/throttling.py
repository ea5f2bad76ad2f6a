"""Brute-force protection: too many failed logins for an email, or from one address, lock it for a while."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from spro.accounts.models import LoginAttempt
from spro.core import ratelimit
from spro.core.text import text_problem

# An address may try more emails than one person has; it is locked later than an email.
IP_FACTOR = 4


def lockout_minutes() -> int:
    return settings.SPRO_LOGIN_LOCKOUT_MINUTES


def client_ip(request) -> str | None:
    # Behind a proxy (SPRO_BEHIND_PROXY), the client's address, not the proxy's: else one person's
    # failures would lock everyone behind it.
    return ratelimit.client_ip(request)


def _window_start():
    return timezone.now() - timedelta(minutes=lockout_minutes())


def _readable(email: str) -> bool:
    # An address PostgreSQL cannot hold (NUL byte) names no account: never looked up, never recorded.
    return bool(email) and text_problem(email) is None


def is_locked(email: str, ip: str | None) -> bool:
    if not _readable(email):
        return False
    recent = LoginAttempt.objects.filter(attempted_at__gte=_window_start())
    limit = settings.SPRO_LOGIN_MAX_FAILURES
    if recent.filter(email=email).count() >= limit:
        return True
    return bool(ip) and recent.filter(ip_address=ip).count() >= limit * IP_FACTOR


def record_failure(email: str, ip: str | None) -> None:
    if not _readable(email):
        return
    purge_old()  # an indexed delete: keeps the table to the failures of the current window
    LoginAttempt.objects.create(email=email, ip_address=ip)


def clear(email: str) -> None:
    if not _readable(email):
        return
    LoginAttempt.objects.filter(email=email).delete()


def purge_old() -> int:
    """Forget failures older than the window (they no longer count)."""
    deleted, _ = LoginAttempt.objects.filter(~Q(attempted_at__gte=_window_start())).delete()
    return deleted
