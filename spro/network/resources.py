"""The resources library and the news' attachments and digest, each step atomic and logged
(`NetworkLog`, subjects "ressource", "actualite", "lettre"). Views only call these functions and show
`Refused` / `UploadRefused` messages.

Publication of a resource (states in `ResourceState`):

| transition | by | from | to |
|---|---|---|---|
| publish | the Région's staff | (none) | publiee |
| publish | a structure's member | (none) | a-valider (`SPRO_RESOURCES_MODERATION`), else publiee |
| moderate | the Région's staff | a-valider | publiee or refusee |
| withdraw | the Région's staff, the publishing structure's members | publiee, a-valider | retiree |
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from spro.directory.models import Membership
from spro.network import emails, files
from spro.network.codes import ResourceState
from spro.network.models import DigestSubscription, NewsAttachment, NewsItem, Resource
from spro.network.workflow import Refused, log

DIGEST_EVERY = timedelta(days=7)  # the news digest goes at most once a week (spro echeances-reseau)
DIGEST_CONSENT_TEXT = (
    "J'accepte de recevoir chaque semaine par courriel la lettre des actualités du réseau. Je peux me "
    "désabonner à tout moment depuis la page des actualités."
)


def needs_moderation(structure) -> bool:
    return structure is not None and bool(getattr(settings, "SPRO_RESOURCES_MODERATION", True))


def may_publish_for(user, structure) -> bool:
    """The Région's staff publish for the Région (no structure) or any structure; members for theirs."""
    if user.is_region_staff:
        return True
    if structure is None:
        return False
    return Membership.objects.filter(user=user, structure=structure, structure__is_active=True).exists()


def may_withdraw(user, resource) -> bool:
    return user.is_region_staff or (
        resource.structure_id is not None
        and Membership.objects.filter(user=user, structure=resource.structure_id).exists()
    )


def publish(resource: Resource, by, uploaded=None, now=None) -> Resource:
    """Save a new resource with its link or its file (checked before anything is written)."""
    now = now or timezone.now()
    if not may_publish_for(by, resource.structure):
        raise Refused("Vous publiez pour la Région ou pour une structure dont vous êtes membre.")
    if uploaded is None and not resource.link:
        raise Refused("Joignez un fichier ou indiquez un lien vers le document.")
    if uploaded is not None:
        kind, digest = files.check(uploaded)  # raises UploadRefused, nothing written
        resource.file_kind, resource.sha256 = kind, digest
        resource.size = uploaded.size
        resource.original_name = uploaded.name[-200:]
        resource.link = ""
    with transaction.atomic():
        resource.state = (
            ResourceState.PENDING if needs_moderation(resource.structure) else ResourceState.PUBLISHED
        )
        resource.published_at = now if resource.state == ResourceState.PUBLISHED else None
        resource.created_by = by
        resource.created_at = now
        if uploaded is not None:
            resource.file.save(uploaded.name[-120:], uploaded, save=False)
        resource.save()
        log("ressource", resource.pk, "publication", by=by, to_state=resource.state)
    return resource


@transaction.atomic
def moderate(resource: Resource, approve: bool, by, reason: str = "", now=None) -> Resource:
    if not by.is_region_staff:
        raise Refused("Seuls les agents de la Région valident les ressources.")
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    if locked.state != ResourceState.PENDING:
        raise Refused("Cette ressource n'attend pas de validation.")
    before = locked.state
    locked.state = ResourceState.PUBLISHED if approve else ResourceState.REFUSED
    locked.published_at = (now or timezone.now()) if approve else None
    locked.refusal_reason = "" if approve else reason
    locked.save(update_fields=["state", "published_at", "refusal_reason"])
    log(
        "ressource",
        locked.pk,
        "validation" if approve else "refus",
        by=by,
        from_state=before,
        to_state=locked.state,
        reason=reason,
    )
    return locked


@transaction.atomic
def withdraw(resource: Resource, by, reason: str = "") -> Resource:
    if not may_withdraw(by, resource):
        raise Refused("Seuls la Région et la structure qui l'a publiée retirent une ressource.")
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    if locked.state not in (ResourceState.PUBLISHED, ResourceState.PENDING):
        raise Refused("Cette ressource n'est pas en ligne.")
    before = locked.state
    locked.state = ResourceState.WITHDRAWN
    locked.refusal_reason = reason
    locked.save(update_fields=["state", "refusal_reason"])
    log("ressource", locked.pk, "retrait", by=by, from_state=before, to_state=locked.state, reason=reason)
    return locked


# --- news: attachments and the weekly digest -------------------------------------------------------------


def publish_news(item: NewsItem, by, uploaded=None) -> NewsItem:
    """Publish a news item of the Région, with its attachment (checked first: a refused file writes
    nothing)."""
    if not by.is_region_staff:
        raise Refused("Les actualités du réseau sont publiées par la Région.")
    checked = files.check(uploaded) if uploaded is not None else None
    with transaction.atomic():
        item.author = by
        item.save()
        if checked is not None:
            kind, digest = checked
            attachment = NewsAttachment(
                news=item,
                original_name=uploaded.name[-200:],
                kind=kind,
                size=uploaded.size,
                sha256=digest,
                uploaded_by=by,
            )
            attachment.file.save(uploaded.name[-120:], uploaded, save=False)
            attachment.save()
        log("actualite", item.pk, "publication", by=by, attachments=1 if checked else 0)
    return item


@transaction.atomic
def subscribe_digest(user, now=None) -> DigestSubscription:
    """Consent to the weekly digest: items published from now on (never the older ones)."""
    now = now or timezone.now()
    subscription = DigestSubscription.objects.select_for_update().filter(user=user).first()
    if subscription and subscription.is_active:
        return subscription
    subscription = subscription or DigestSubscription(user=user)
    subscription.consented_at = now
    subscription.consent_text = DIGEST_CONSENT_TEXT
    subscription.revoked_at = None
    subscription.sent_until = now
    subscription.save()
    log("lettre", subscription.pk, "accord", by=user)
    return subscription


@transaction.atomic
def unsubscribe_digest(user, now=None) -> DigestSubscription | None:
    subscription = DigestSubscription.objects.select_for_update().filter(user=user).first()
    if subscription is None or not subscription.is_active:
        return subscription
    subscription.revoked_at = now or timezone.now()
    subscription.save(update_fields=["revoked_at"])
    log("lettre", subscription.pk, "retrait", by=user)
    return subscription


def send_digests(now=None) -> int:
    """Send the weekly digest to each subscriber who has news since their last one, at most once every
    DIGEST_EVERY; idempotent (each digest claims its items by moving `sent_until`: a second run, or a
    concurrent one, finds nothing more to send). Returns how many digests were sent."""
    from spro.network.access import is_network_member

    now = now or timezone.now()
    sent = 0
    due = DigestSubscription.objects.filter(
        consented_at__isnull=False, revoked_at__isnull=True
    ).select_related("user")
    news_url = f"{settings.SPRO_BASE_URL}{reverse('actualites:index')}"
    for subscription in list(due):
        if subscription.last_sent_at and now - subscription.last_sent_at < DIGEST_EVERY:
            continue
        if not is_network_member(subscription.user) or not subscription.user.email:
            continue
        items = list(
            NewsItem.objects.filter(published_at__gt=subscription.sent_until, published_at__lte=now).order_by(
                "published_at", "pk"
            )
        )
        if not items:
            continue
        with transaction.atomic():
            claimed = DigestSubscription.objects.filter(
                pk=subscription.pk, sent_until=subscription.sent_until
            ).update(sent_until=items[-1].published_at, last_sent_at=now)
            if not claimed:
                continue
            emails.send(
                "digest",
                [subscription.user.email],
                {"person": subscription.user, "items": items, "url": news_url, "count": len(items)},
            )
            log("lettre", subscription.pk, "envoi", items=[item.pk for item in items])
            sent += 1
    return sent
