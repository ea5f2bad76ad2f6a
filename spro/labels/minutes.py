"""The minutes of a committee session as a PDF (reportlab, like the attestation): the committee, the
date and place, the members present, each dossier on the agenda with its structure, volets and the
opinion given with its reasoning, then the record of decisions."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from spro.labels.models import CommitteeSession, Opinion
from spro.labels.workflow import volets_text

NO_OPINION = "Pas d'avis enregistré lors de cette séance."


def _text(value: str) -> str:
    """Free text as a reportlab paragraph: markup escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def agenda_rows(session: CommitteeSession) -> list[tuple]:
    """(application, volets as text, the session's opinion or None), in the order of the agenda."""
    opinions = {o.application_id: o for o in Opinion.objects.filter(session=session)}
    items = session.agenda_items.select_related("application__structure", "application__policy")
    return [
        (item.application, volets_text(item.application.policy.policy, item.application.volets),
         opinions.get(item.application_id))
        for item in items
    ]  # fmt: skip


def render_minutes(session: CommitteeSession) -> bytes:
    region = settings.SPRO_REGION_NAME or f"Région {session.committee.region_code}"
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"Procès-verbal — {session}",
        author=region,
        subject="Service public régional de l'orientation",
    )
    story = [
        Paragraph(_text(region), styles["Heading3"]),
        Paragraph("Service public régional de l'orientation", body),
        Paragraph(f"Procès-verbal de la séance — {_text(session.committee.name)}", styles["Title"]),
        Paragraph(f"<b>Date :</b> {session.held_on:%d/%m/%Y}", body),
        Paragraph(f"<b>Lieu :</b> {_text(session.place or 'non précisé')}", body),
        Paragraph("Membres présents", heading),
        Paragraph(_text(session.members_present or "Non renseignés."), body),
        Paragraph("Dossiers examinés", heading),
    ]
    rows = agenda_rows(session)
    if not rows:
        story.append(Paragraph("Aucun dossier n'était inscrit à l'ordre du jour.", body))
    for number, (application, volets, opinion) in enumerate(rows, start=1):
        story += [
            Spacer(1, 0.2 * cm),
            Paragraph(
                f"<b>{number}. {_text(application.structure.name)}</b> (dossier n° {application.pk})", body
            ),
            Paragraph(f"Volets : {_text(volets)}", body),
        ]
        if opinion is None:
            story.append(Paragraph(NO_OPINION, body))
        else:
            story.append(Paragraph(f"<b>Avis :</b> {_text(opinion.get_value_display())}", body))
            story.append(Paragraph(f"Motivation : {_text(opinion.reasoning or 'aucune')}", body))
    story += [
        Paragraph("Relevé de décisions", heading),
        Paragraph(_text(session.minutes or "Non renseigné."), body),
    ]
    document.build(story)
    return buffer.getvalue()
