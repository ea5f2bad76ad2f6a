"""The private feed of the professional calendar (issue 20: "the same feed behind their login token").

A member makes a link holding a random token (`issue`); calendar clients read it without a session.
Only its SHA-256 is kept; making a new one replaces it (the old link answers 404 at once) and `revoke`
removes it. The feed answers only while its owner may still read the professional calendar: an active
account with a structure, or of the Région. The token sits in the path, which the request log never
writes (it logs URL patterns), and the feed is plain iCalendar: no page, no link, no referer.
"""

import hashlib
import secrets

from django.db import transaction

from spro.events.models import FeedToken


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def may_subscribe(user) -> bool:
    return bool(user.is_active and (user.is_region_staff or user.memberships.exists()))


@transaction.atomic
def issue(user) -> str:
    """A new token for `user` (the previous link stops working); returns it, the only time it is known."""
    token = secrets.token_urlsafe(32)
    FeedToken.objects.update_or_create(user=user, defaults={"token_hash": _hash(token)})
    return token


def revoke(user) -> bool:
    deleted, _ = FeedToken.objects.filter(user=user).delete()
    return bool(deleted)


def owner(token: str):
    """The user whose feed this token opens, or None (unknown, revoked, or no longer allowed)."""
    if not token or len(token) > 100:
        return None
    found = FeedToken.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if found is None or not may_subscribe(found.user):
        return None
    return found.user
