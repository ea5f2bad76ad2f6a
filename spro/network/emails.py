"""E-mails of the network's life, in French, sent after the transaction commits (templates in
`templates/network/emails/`: `<name>_subject.txt` and `<name>.txt`)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.transaction import on_commit
from django.urls import reverse

from spro.core.emails import render_subject, render_text


def training_url(training) -> str:
    return f"{settings.SPRO_BASE_URL}{reverse('formations:detail', args=[training.pk])}"


def send(name: str, recipients: list[str], context: dict, attachments=()) -> None:
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    context = {"region_name": settings.SPRO_REGION_NAME or "la Région", **context}

    def deliver():
        message = EmailMessage(
            render_subject(f"network/emails/{name}_subject.txt", context),
            render_text(f"network/emails/{name}.txt", context),
            to=recipients,
        )
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        message.send()

    on_commit(deliver, robust=True)


def registration_mail(name: str, registration, **context) -> None:
    """Mail `name` to the registered person (and to whoever registered them, if someone else)."""
    training = registration.training
    recipients = [registration.user.email]
    if registration.registered_by_id and registration.registered_by_id != registration.user_id:
        recipients.append(registration.registered_by.email)
    send(
        name,
        recipients,
        {
            "person": registration.user,
            "training": training,
            "when": when_text(training),
            "url": training_url(training),
            **context,
        },
    )


def when_text(training) -> str:
    start, end = training.start_local, training.end_local
    if start.date() == end.date():
        return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"
    return f"du {start:%d/%m/%Y %H:%M} au {end:%d/%m/%Y %H:%M}"
