"""Anonymous public pages kept in the cache shared by every server process (README, « Monter en charge »).

A page is served from the cache only to a request that carries neither a session nor a messages cookie
nor an Authorization header, for a GET of one of `CACHED_VIEWS`. It is stored only when it is a plain
200 that sets no cookie (a page whose form uses the CSRF token sets one, so it is never stored), asks
for no private caching, and was not drawn for a signed-in person.

The key holds the full address (scheme, host, path and query string), the current minute — "ouvert
maintenant" and the next events change with it — and the date of the accessibility audit file. Each
stored page carries the *generation* of the data it was drawn from, kept in the cache: any write of a
model (but the few below that no public page shows) moves it once its transaction commits, and so does
the end of every `spro` command (imports and bulk updates that send no signal). A page is served only
when its generation is the current one, both read in one round trip to the cache (`get_many`: the
profile of the load test showed the two reads, generation then page, as a fifth of a served page's
time). A page drawn while data changed is stored with the generation read before it was drawn, which
is no longer the current one: an edit is never served stale, whichever server process drew the page.

The cache holds only copies: losing it (a Redis restart, a culled table) costs a page drawn again. When
the cache does not answer, pages are drawn as if it were empty.
"""

import hashlib
import logging
import os
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve

log = logging.getLogger("spro.operations")

# The public pages and API reads whose answer depends only on the address, the data and the minute.
CACHED_VIEWS = frozenset(
    {
        "portal:home",
        "portal:accessibility",
        "portal:privacy",
        "portal:legal",
        "portal:commune_suggestions",
        "annuaire:search",
        "annuaire:site",
        "api:list_lieux",
        "api:get_lieu",
        "api:list_communes",
    }
)
# Writes that no public page shows and that happen often (sessions, counters, login attempts, second
# factor devices): they do not move the generation.
NOT_SHOWN = frozenset(
    {
        "sessions.session",
        "core.ratecounter",
        "core.usedformtoken",
        "accounts.loginattempt",
        "accounts.recoverycode",
        "accounts.recoverycodedevice",
        "otp_totp.totpdevice",
        "admin.logentry",
    }
)
GENERATION_KEY = "spro:pages:generation"
HEADER = "X-Cache"
# Headers of the stored page that belong to one response only.
NOT_STORED = {"content-length", "x-request-id", "content-security-policy", "date"}
# True while `migrate` runs (spro.core.apps): the cache table may not exist yet.
suspended = False
# Moved by every change of settings (tests only), part of the key.
settings_epoch = 0
# The generation the page being drawn was read with (None outside a page the cache may keep), and the
# values `remembered` under it.
_drawing_generation: ContextVar[str | None] = ContextVar("spro_drawing_generation", default=None)
_remembered: dict[tuple[int, str], tuple[str, object]] = {}


def generation() -> str:
    """The current generation of the data shown by cached pages (made when the cache has none)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        value = cache.get(GENERATION_KEY)
    return value


def bump() -> None:
    """A new generation: every page stored so far is no longer read."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 (a cache that does not answer serves no page either)
        log.warning("cache : la génération des pages n'a pas pu être renouvelée")


def _bump_after_commit() -> None:
    bump()
    # Under a test's transaction (captureOnCommitCallbacks), the callback stays listed once run.
    conn = connections[DEFAULT_DB_ALIAS]
    conn.run_on_commit = [entry for entry in conn.run_on_commit if entry[1] is not _bump_after_commit]


def change_pending() -> bool:
    """Whether this thread's transaction wrote data that is not committed yet (its pages are not cached)."""
    conn = connections[DEFAULT_DB_ALIAS]
    return conn.in_atomic_block and any(entry[1] is _bump_after_commit for entry in conn.run_on_commit)


def data_changed() -> None:
    """Moves the generation once the current transaction commits (at once outside a transaction)."""
    conn = connections[DEFAULT_DB_ALIAS]
    if not conn.in_atomic_block:
        bump()
    elif not change_pending():
        transaction.on_commit(_bump_after_commit)


def model_changed(sender, **kwargs) -> None:
    """post_save, post_delete and m2m_changed of every model (spro.core.apps)."""
    if suspended or kwargs.get("raw") or sender.__module__ == "__fake__":  # migrations, fixtures
        return
    if sender._meta.label_lower in NOT_SHOWN:
        return
    data_changed()


def remembered(name: str, compute: Callable[[], object]):
    """`compute()`, kept by this process for as long as the generation of the data it was read from is
    current: a list that every public page draws from the database (the search form's networks and
    label volets: two queries and their building, a tenth of an /annuaire/ page, py-spy of bench.search).
    It is known only while a page the cache may keep is drawn (the generation was read to look the page
    up); elsewhere, and when data changed in the current transaction, `compute()` runs each time. The
    value must not be changed by its users (a tuple, a frozen mapping)."""
    current = _drawing_generation.get()
    if current is None:
        return compute()
    key = (settings_epoch, name)
    found = _remembered.get(key)
    if found is not None and found[0] == current:
        return found[1]
    value = compute()
    _remembered[key] = (current, value)
    return value


def settings_changed(**kwargs) -> None:
    """Settings change only in tests (override_settings): pages drawn before are not served after. Kept
    in the process, not written to the cache, which a test's open transaction would hold locked."""
    global settings_epoch
    settings_epoch += 1
    _resolve.cache_clear()  # ROOT_URLCONF may be one of them


def _minute() -> int:
    return int(time.time() // 60)


@lru_cache(maxsize=2048)
def _resolve(path: str):
    """The route of an address, None when there is none: resolved once per address and process (the
    URL patterns do not change while it runs), since every anonymous GET asks it before the cache is read
    (a twentieth of a page served from the cache, py-spy of the load test). Only read, never handed to a
    view: on a miss Django resolves the request itself."""
    try:
        return resolve(path)
    except Resolver404:
        return None


def _cacheable_view(request) -> str | None:
    if request.method != "GET" or settings.SPRO_PAGE_CACHE_SECONDS <= 0:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    match = _resolve(request.path_info)
    if match is None or match.view_name not in CACHED_VIEWS:
        return None
    request.resolver_match = match  # the request log names the route of a page served from the cache
    return match.view_name


def _audit_version() -> str:
    """Every footer shows the accessibility state read from the Région's audit file, which may change
    without a restart (README, « Déclaration d'accessibilité »): its modification time is in the key."""
    path = settings.SPRO_ACCESSIBILITY_AUDIT
    if not path:
        return ""
    try:
        return str(os.stat(path).st_mtime_ns)
    except OSError:
        return "absent"


def _key(request, minute: int) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{_audit_version()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()
    return f"spro:page:{settings_epoch}:{minute}:{digest}"


def _lookup(key: str) -> tuple[str, dict | None]:
    """(current generation, the page stored under `key` if it was drawn from that generation)."""
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if current is None:
        return generation(), None
    entry = found.get(key)
    if entry is None or entry.get("generation") != current:
        return current, None
    return current, entry


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or "Content-Security-Policy" in response:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _store(key: str, entry: dict, minute: int) -> None:
    if _minute() != minute:  # drawn in the minute before: nobody reads that key any more
        return
    try:
        getattr(cache, "set_copy", cache.set)(key, entry, settings.SPRO_PAGE_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        log.warning("cache : écriture impossible, page servie sans être gardée")


class AnonymousPageCacheMiddleware:
    """Serves and stores the anonymous pages above (placed after the content security policy, which
    gives each response its nonce: a stored page gets the nonce of the response that replays it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _cacheable_view(request) is None or change_pending():
            return self.get_response(request)
        minute = _minute()
        try:
            key = _key(request, minute)
            current, entry = _lookup(key)
        except DisallowedHost:
            return self.get_response(request)
        except Exception:  # noqa: BLE001 (the page is drawn as if the cache were empty)
            log.warning("cache : lecture impossible, page dessinée sans le cache")
            return self.get_response(request)
        if entry is not None:
            return self._replay(request, entry)
        drawing = _drawing_generation.set(current)
        try:
            response = self.get_response(request)
        finally:
            _drawing_generation.reset(drawing)
        if _storable(request, response) and _minute() == minute:
            entry = self._entry(request, response, current)
            response[HEADER] = "MISS"
            # Stored once the page is sent (the server closes the response after writing it, Django
            # runs its closers then, before `request_finished`): the person does not wait for the
            # cache's write, a quarter of a drawn API answer with Django's database cache (COUNT,
            # SELECT, then INSERT; spro.core.dbcache now writes in one statement).
            closers = getattr(response, "_resource_closers", None)
            if closers is None:
                _store(key, entry, minute)
            else:
                closers.append(lambda: _store(key, entry, minute))
        return response

    @staticmethod
    def _entry(request, response, current: str) -> dict:
        headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_STORED]
        return {
            "generation": current,
            "status": response.status_code,
            "headers": headers,
            "body": response.content,
            "nonce": getattr(request, "csp_nonce", ""),
        }

    @staticmethod
    def _replay(request, entry) -> HttpResponse:
        body = entry["body"]
        nonce = getattr(request, "csp_nonce", "")
        if entry["nonce"] and nonce:
            body = body.replace(entry["nonce"].encode(), nonce.encode())
        response = HttpResponse(body, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["Content-Length"] = str(len(body))
        response[HEADER] = "HIT"
        return response
