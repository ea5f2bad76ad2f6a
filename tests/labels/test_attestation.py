"""The attestation PDF sent with a decision, and its public check at /attestations/<reference>/."""

import io
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from spro.labels import workflow
from spro.labels.attestation import render_pdf
from tests.labels import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def label():
    agent = factories.instructor()
    application, admin = factories.draft(
        "76", volets=["spro", "information-metiers"], name="Cité des métiers d'Albi"
    )
    with time_machine.travel(date(2026, 5, 12), tick=False):
        workflow.submit(application, admin)
        return factories.grant(application, agent, day=date(2026, 5, 12)).label


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_names_the_structure_volets_validity_and_reference(label):
    text = text_of(render_pdf(label, f"https://spro.test/attestations/{label.reference}/"))
    assert "Attestation de labellisation" in text
    assert "Cité des métiers d'Albi" in text
    assert "Volet SPRO (premier niveau d'accueil)" in text
    assert "Volet Information Métiers" in text
    assert "Validité : du 12/05/2026 au 31/12/2027." in text
    assert f"Référence : {label.reference}" in text
    assert f"https://spro.test/attestations/{label.reference}/" in text


def test_the_pdf_sent_by_email_is_the_attestation(label, mailoutbox):
    filename, content, mimetype = mailoutbox[-1].attachments[0]
    assert mimetype == "application/pdf"
    assert f"Référence : {label.reference}" in text_of(content)


def test_the_public_page_says_the_label_is_valid_today(client, label):
    with time_machine.travel(date(2027, 6, 1), tick=False):
        response = client.get(f"/attestations/{label.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Attestation authentique et valide" in html
    assert "Cité des métiers d&#x27;Albi" in html
    assert "du 12/05/2026 au 31/12/2027" in html


def test_the_public_page_says_when_the_label_is_no_longer_valid(client, label):
    agent = factories.instructor("autre@region.test")
    workflow.withdraw(label, agent, "Activité d'accueil arrêtée.", day=date(2026, 9, 1))
    with time_machine.travel(date(2026, 9, 2), tick=False):
        html = client.get(f"/attestations/{label.reference}/").content.decode()
    assert "label non valide à ce jour" in html
    assert "Activité d&#x27;accueil arrêtée." in html


def test_a_reference_typed_in_lower_case_is_found(client, label):
    assert client.get(f"/attestations/{label.reference.lower()}/").status_code == 200


def test_the_pdf_is_downloaded_from_the_public_page(client, label):
    response = client.get(f"/attestations/{label.reference}/attestation.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert label.reference in text_of(response.content)


@pytest.mark.parametrize(
    "reference", ["SPRO-76-2026-AAAAAAAA", "inconnue", "SPRO-76-2026-%3Cscript%3E", "x" * 300]
)
def test_an_unknown_reference_is_a_french_404(client, label, reference):
    response = client.get(f"/attestations/{reference}/")
    assert response.status_code == 404
    assert "introuvable" in response.content.decode().lower() or "n'existe pas" in response.content.decode()
