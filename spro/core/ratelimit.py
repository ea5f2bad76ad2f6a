"""Rate limit of public forms, per client address and per browser session, counted in the database.

Each post adds one to a counter row per (form, client, fixed window) with a single atomic upsert, so
every server process and every machine share the count. A client is identified twice: by its address
(IPv6 by its /64 network, which one subscriber usually holds whole) and by its browser session (the
session if it has one, else the CSRF cookie that every form post carries). Both are stored as keyed
hashes: the table holds no address.
"""

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from spro.core.models import RateCounter


def client_ip(request) -> str | None:
    """The client's address; behind a proxy (SPRO_BEHIND_PROXY), the one it put in X-Forwarded-For.

    The proxy appends the address it received the request from: the last entry is the only one it
    vouches for, the entries before it are whatever the client sent.
    """
    if settings.SPRO_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        address = _valid_ip(forwarded)
        if address:
            return address
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _address_key(ip: str) -> str:
    address = ipaddress.ip_address(ip)
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def _hash(value: str) -> str:
    key = f"spro.core.ratelimit:{settings.SECRET_KEY}".encode()
    return hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:40]


def client_keys(request) -> list[tuple[str, int]]:
    """(hashed client key, limit) pairs of the request: its address, then its browser session."""
    keys = []
    ip = client_ip(request)
    if ip:
        keys.append((f"ip:{_hash(_address_key(ip))}", settings.SPRO_FORM_MAX_PER_ADDRESS))
    session = getattr(request, "session", None)
    browser = (session.session_key if session is not None else None) or request.COOKIES.get(
        settings.CSRF_COOKIE_NAME
    )
    if browser:
        keys.append((f"session:{_hash(browser)}", settings.SPRO_FORM_MAX_PER_SESSION))
    return keys


def window_seconds() -> int:
    return max(1, settings.SPRO_FORM_WINDOW_MINUTES) * 60


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds until the window ends

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def hit(scope: str, request) -> Refusal | None:
    """Count one post of `scope` for the request's clients; a Refusal if one of them is over its limit.

    The address is counted first: a client past it is refused before its session is counted, so a
    flood from one address with a new session each time adds one row per window, not one per post.
    """
    window = window_seconds()
    now = timezone.now().timestamp()
    start = int(now) // window * window
    for client, limit in client_keys(request):
        if limit <= 0:  # 0 switches this limit off
            continue
        if _increment(scope, client, start) > limit:
            return Refusal(retry_after=max(1, start + window - math.floor(now)))
    return None


def _increment(scope: str, client: str, start: int) -> int:
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    # One statement, atomic on SQLite and PostgreSQL alike: concurrent posts each get their own count.
    sql = (
        f"INSERT INTO {table} (scope, client, window_start, hits) VALUES (%s, %s, %s, 1) "
        f"ON CONFLICT (scope, client, window_start) DO UPDATE SET hits = {table}.hits + 1 "
        "RETURNING hits"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, client, start])
        hits = cursor.fetchone()[0]
    if hits == 1:  # first post of this client in the window: forget the windows that are over
        RateCounter.objects.filter(window_start__lt=start).delete()
    return hits
