"""E-mails of labelling, in French, sent after the transaction commits (templates in
`templates/labels/emails/`: `<name>_subject.txt` and `<name>.txt`)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.transaction import on_commit
from django.urls import reverse

from spro.core.emails import render_subject, render_text


def structure_addresses(structure) -> list[str]:
    """The structure's administrators, else all its active members."""
    users = get_user_model().objects.filter(is_active=True, memberships__structure=structure)
    admins = users.filter(memberships__role="administrateur")
    return sorted({u.email for u in (admins if admins.exists() else users) if u.email})


def region_addresses() -> list[str]:
    return sorted({u.email for u in get_user_model().objects.region_staff() if u.email})


def attestation_url(reference: str) -> str:
    return f"{settings.SPRO_BASE_URL}{reverse('attestations:check', args=[reference])}"


def send(name: str, recipients: list[str], context: dict, attachments=()) -> None:
    """Send e-mail `name` after commit (a mail server failure never undoes what was saved)."""
    if not recipients:
        return
    context = {"region_name": settings.SPRO_REGION_NAME or "la Région", **context}

    def deliver():
        message = EmailMessage(
            render_subject(f"labels/emails/{name}_subject.txt", context),
            render_text(f"labels/emails/{name}.txt", context),
            to=recipients,
        )
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        message.send()

    on_commit(deliver, robust=True)
