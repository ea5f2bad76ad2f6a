"""Emails telling each structure's members which of their records have gone stale.

Run daily by cron (`spro signaler-fiches-anciennes`). A structure is claimed for the day with one
conditional UPDATE on `Structure.stale_notified_on` before its emails are queued, so a second run the
same day — or two runs at once — sends nothing twice. Mail leaves after the transaction commits.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from spro.core.emails import one_line, render_text
from spro.directory.models import Membership, Structure
from spro.directory.stale import stale_records


def notify_stale_records(today=None) -> tuple[int, int]:
    """Email every member of each structure that has stale records; return (structures, emails)."""
    today = today or timezone.localdate()
    structures = Structure.objects.filter(is_active=True, memberships__user__is_active=True).distinct()
    by_structure = defaultdict(list)
    for record in stale_records(structures):
        by_structure[record.structure.pk].append(record)
    notified = sent = 0
    for structure_pk, records in by_structure.items():
        with transaction.atomic():
            claimed = (
                Structure.objects.filter(pk=structure_pk)
                .exclude(stale_notified_on=today)
                .update(stale_notified_on=today)
            )
            if not claimed:
                continue
            structure = records[0].structure
            recipients = list(
                Membership.objects.filter(structure_id=structure_pk, user__is_active=True)
                .values_list("user__email", flat=True)
                .order_by("user__email")
            )
            subject, body = _message(structure, records)
            for email in recipients:
                transaction.on_commit(lambda s=subject, b=body, e=email: _send(s, b, e))
            notified += 1
            sent += len(recipients)
    return notified, sent


def _send(subject, body, email):
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])


def _message(structure, records) -> tuple[str, str]:
    count = len(records)
    subject = one_line(f"{count} fiche{'s' if count > 1 else ''} à vérifier pour {structure.name}")
    body = render_text(
        "directory/emails/stale_records.txt",
        {
            "structure": structure,
            "records": records,
            "count": count,
            "url": settings.SPRO_BASE_URL + reverse("structures:detail", args=[structure.pk]),
            "region_name": getattr(settings, "SPRO_REGION_NAME", ""),
        },
    )
    return subject, body
