"""Emails of the referrals app, in French, sent after the transaction commits.

No email carries a person's name, phone, email or free text: only that something is waiting, the
networks and need, and a link to the professional space where reading the details is logged.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

from spro.core.emails import render_subject, render_text
from spro.directory.models import Network
from spro.referrals.models import ContactRequest, Referral
from spro.routing.codes import BESOINS


def on_commit(function, *args):
    """Send after commit; a mail server failure is logged, never turned into an error for what was saved."""
    transaction.on_commit(lambda: function(*args), robust=True)


def absolute(path: str) -> str:
    return f"{settings.SPRO_BASE_URL}{path}"


def _addresses(structure_ids) -> list[str]:
    users = (
        get_user_model()
        .objects.filter(is_active=True, memberships__structure_id__in=list(structure_ids))
        .distinct()
    )
    return sorted({u.email for u in users if u.email})


def has_active_member(structure_id) -> bool:
    return get_user_model().objects.filter(is_active=True, memberships__structure_id=structure_id).exists()


def _contact_addresses(site) -> list[str]:
    """The structure's contact address: the site's own, else its other active sites'."""
    if site.email:
        return [site.email.lower()]
    others = site.structure.sites.filter(is_active=True).exclude(email="").order_by("kind", "pk")
    return sorted({address.lower() for address in others.values_list("email", flat=True)})[:1]


def _region_addresses() -> list[str]:
    return sorted({u.email for u in get_user_model().objects.region_staff() if u.email})


def _receiving_addresses(site) -> tuple[list[str], bool]:
    """(recipients, offline): members; with no active member, the contact address, else Région staff."""
    members = _addresses([site.structure_id])
    if members:
        return members, False
    return _contact_addresses(site) or _region_addresses(), True


def _tell_region(site, what: str, url: str) -> int:
    context = {"site": site, "structure": site.structure, "what": what, "url": url}
    return send("structure_sans_membre", context, _region_addresses())


def render_email(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) as plain text: a name with `'`, `&` or `<` reaches the mailbox unchanged."""
    subject = render_subject(f"referrals/emails/{template}_subject.txt", context)
    body = render_text(f"referrals/emails/{template}.txt", context)
    return subject, body


def send(template: str, context: dict, recipients: list[str]) -> int:
    """One message per recipient, so that nobody sees the others' addresses."""
    if not recipients:
        return 0
    subject, body = render_email(template, context)
    messages = [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]
    return get_connection().send_messages(messages) or 0


def referral_context(referral) -> dict:
    labels = dict(
        Network.objects.filter(code__in=[referral.from_network, referral.to_network]).values_list(
            "code", "label"
        )
    )
    return {
        "referral": referral,
        "from_label": labels.get(referral.from_network, referral.from_network),
        "to_label": labels.get(referral.to_network, referral.to_network),
        "need_label": BESOINS.get(referral.need, referral.need),
        "url": absolute(reverse("orientations:detail", args=[referral.pk])),
        "reminder_days": settings.SPRO_REFERRAL_REMINDER_DAYS,
        "expiry_days": settings.SPRO_REFERRAL_EXPIRY_DAYS,
    }


# Who is told of what: the receiving side of new referrals and reminders, the sending side of answers.
RECEIVING_SIDE = {"envoyee", "relance"}


def referral_email(referral_id: int, template: str) -> int:
    referral = Referral.objects.select_related("to_site", "to_structure", "sender_structure").get(
        pk=referral_id
    )
    if template in RECEIVING_SIDE:
        recipients, offline = _receiving_addresses(referral.to_site)
        context = {**referral_context(referral), "offline": offline}
        sent = send(template, context, recipients)
        if offline and template == "envoyee":
            sent += _tell_region(referral.to_site, f"l'orientation n° {referral.pk}", context["url"])
        return sent
    else:
        recipients = _addresses([referral.sender_structure_id])
        if referral.sender_user_id and referral.sender_user.is_active:
            recipients = sorted(set(recipients) | {referral.sender_user.email})
    return send(template, referral_context(referral), recipients)


def contact_request_email(contact_request_id: int) -> int:
    request = ContactRequest.objects.select_related("site__structure").get(pk=contact_request_id)
    context = {
        "contact_request": request,
        "site": request.site,
        "url": absolute(reverse("orientations:contact_request", args=[request.pk])),
    }
    recipients, offline = _receiving_addresses(request.site)
    context["offline"] = offline
    sent = send("demande_contact", context, recipients)
    if offline:
        sent += _tell_region(request.site, f"la demande de contact n° {request.pk}", context["url"])
    return sent
