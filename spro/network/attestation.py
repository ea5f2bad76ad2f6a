"""Attestation of attendance at a training session: a one-page PDF (reportlab, like the label
attestations of spro.labels.attestation, whose unambiguous reference alphabet it shares)."""

import io
import secrets

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from spro.labels.attestation import ALPHABET
from spro.network.codes import Axis


def new_reference(year: int) -> str:
    """ "FORM-76-2026-7K3D9QXA": Région, year of the session, 40 random bits."""
    token = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"FORM-{settings.SPRO_REGION}-{year}-{token}"


def render_pdf(registration) -> bytes:
    training = registration.training
    region = settings.SPRO_REGION_NAME or f"Région {settings.SPRO_REGION}"
    person = registration.user.get_full_name() or registration.user.email
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle(f"Attestation de formation {registration.attestation_reference}")
    pdf.setAuthor(region)
    pdf.setSubject(training.title)
    _, height = A4
    y = height - 3 * cm

    def line(text, size=11, bold=False, gap=0.7):
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawString(2.5 * cm, y, text)
        y -= gap * cm

    start, end = training.start_local, training.end_local
    line(region, 12, bold=True)
    line("Service public régional de l'orientation — plan de professionnalisation", 10, gap=1.5)
    line("Attestation de formation", 18, bold=True, gap=1.2)
    line(f"{training.organiser_label} atteste que", gap=0.8)
    line(person, 14, bold=True, gap=0.8)
    line(f"({registration.structure.name})", gap=1.0)
    line("a suivi la session de formation :", gap=0.8)
    line(training.title[:90], 13, bold=True, gap=0.9)
    if start.date() == end.date():
        line(f"le {start:%d/%m/%Y}, de {start:%H:%M} à {end:%H:%M}.", gap=0.8)
    else:
        line(f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}.", gap=0.8)
    line(f"Axe du SPRO : {dict(Axis.choices).get(training.axis, training.axis)}.", gap=0.8)
    if training.label_obligation:
        line("Cette session compte pour l'obligation de professionnalisation du label.", gap=0.8)
    y -= 0.5 * cm
    line(f"Référence : {registration.attestation_reference}", 12, bold=True, gap=0.8)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
