"""Attestations of a label: a reference anyone can check on `/attestations/<reference>/`, and the PDF
sent with the decision (reportlab: pure Python wheels, no system library)."""

import io
import secrets

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

# Crockford's base 32 without the letters read as digits: a reference read aloud or retyped stays exact.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(region_code: str, year: int) -> str:
    """ "SPRO-76-2026-7K3D9QXA": Région, year of the decision, 40 random bits (not guessable)."""
    token = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"SPRO-{region_code}-{year}-{token}"


def normalise_reference(text: str) -> str:
    return text.strip().upper()


def validity_text(label) -> str:
    if label.valid_until is None:
        return f"à compter du {label.valid_from:%d/%m/%Y}, sans date de fin"
    return f"du {label.valid_from:%d/%m/%Y} au {label.valid_until:%d/%m/%Y}"


def render_pdf(label, check_url: str) -> bytes:
    """The attestation of `label` as a one-page PDF (structure, volets, validity, reference)."""
    policy = label.policy.policy
    volets = [policy.volets.get(code, code) for code in label.volets]
    region = settings.SPRO_REGION_NAME or f"Région {label.region_code}"
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle(f"Attestation {label.reference}")
    pdf.setAuthor(region)
    pdf.setSubject(policy.name)
    width, height = A4
    y = height - 3 * cm

    def line(text, size=11, bold=False, gap=0.7):
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawString(2.5 * cm, y, text)
        y -= gap * cm

    line(region, 12, bold=True)
    line("Service public régional de l'orientation", 10, gap=1.5)
    line("Attestation de labellisation", 18, bold=True, gap=1.2)
    line(policy.name, 12, gap=1.2)
    line(f"{region} atteste que la structure", gap=0.8)
    line(label.structure.name, 14, bold=True, gap=1.0)
    line("est labellisée pour :", gap=0.8)
    for volet in volets:
        line(f"– {volet}", gap=0.7)
    y -= 0.3 * cm
    line(f"Validité : {validity_text(label)}.", gap=0.8)
    decision = label.decision
    line(f"Décision du {decision.decided_on:%d/%m/%Y} ({decision.decided_by_body}).", gap=1.4)
    line(f"Référence : {label.reference}", 12, bold=True, gap=0.8)
    line("Vérifier l'authenticité et la validité de cette attestation à ce jour :", 10, gap=0.6)
    line(check_url, 10, gap=0.6)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
