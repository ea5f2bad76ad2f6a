"""The structure's labelling overview (status, labels, dossiers with their messages, charter, annual
reports), the déclaration d'adhésion and the annual report, as the structure's administrator uses them."""

import re
from datetime import UTC, date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from spro.core.guards import ALREADY_SENT_MESSAGE
from spro.events import workflow as events_workflow
from spro.events.models import Event, State
from spro.labels import workflow
from spro.labels.models import Adhesion, AnnualReport, Charter
from spro.referrals.models import Referral
from tests.accounts import factories as accounts
from tests.directory import factories as directory
from tests.events.factories import event, paris
from tests.forms import form_token, post_form
from tests.labels import factories as labels

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def labelled(client):
    """A structure of Occitanie labelled on 12 May 2026, its administrator logged in."""
    with time_machine.travel(date(2026, 5, 12)):
        application, admin = labels.draft("76")
        workflow.submit(application, admin)
        agent = labels.instructor()
        decision = labels.grant(application, agent)
    client.force_login(admin)
    return client, application.structure, admin, decision.label


@pytest.fixture
def charter():
    return Charter.objects.create(
        region_code="76", version=2, title="Charte Occitanie Orientation", adopted_on=date(2026, 1, 15)
    )


def test_the_overview_shows_status_labels_dossiers_and_their_messages(labelled):
    client, structure, admin, label = labelled
    with time_machine.travel(date(2026, 6, 1)):
        html = client.get(reverse("labellisation:overview", args=[structure.pk])).content.decode()
    assert "Labellisé SPRO" in html
    assert "12/05/2026" in html and "31/12/2027" in html  # validity of the first label
    assert label.decision.attestation_reference in html
    assert f"Dossier n° {label.decision.application_id}" in html
    assert "Déposé → En instruction" in html
    assert "Aucune charte à signer." in html


def test_the_overview_is_hidden_from_other_structures_and_asks_to_log_in(labelled, client):
    _, structure, _, _ = labelled
    url = reverse("labellisation:overview", args=[structure.pk])
    _, other_admin = labels.applicant("76", name="Autre structure")
    client.force_login(other_admin)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))


def test_a_late_report_is_flagged_on_the_overview(labelled):
    client, structure, admin, label = labelled
    AnnualReport.objects.create(label=label, year=2026, due_on=date(2027, 3, 31))
    with time_machine.travel(date(2027, 4, 2)):
        client.force_login(admin)  # a session does not last a year
        html = client.get(reverse("labellisation:overview", args=[structure.pk])).content.decode()
    assert "Bilan 2026" in html
    assert "<strong>en retard</strong> : attendu le 31/03/2027" in html


def test_the_administrator_accepts_the_charter_in_spro_once(labelled, charter):
    client, structure, admin, _ = labelled
    overview = client.get(reverse("labellisation:overview", args=[structure.pk])).content.decode()
    assert "pas encore signée" in overview, overview[overview.find("charte-titre") :][:800]
    url = reverse("labellisation:adhesion", args=[structure.pk, charter.pk])
    token = form_token(client, url)
    data = {
        "signatory_name": "Camille Martin",
        "signatory_function": "Directrice",
        "signed_on": timezone.localdate().isoformat(),
        "mode": "en-ligne",
        "form_token": token,
    }
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    assert first.status_code == 302
    assert ALREADY_SENT_MESSAGE.replace("'", "&#x27;") in second.content.decode()
    adhesion = Adhesion.objects.get()
    assert (adhesion.signatory_name, adhesion.signatory_function, adhesion.accepted_by) == (
        "Camille Martin",
        "Directrice",
        admin,
    )
    assert not adhesion.document


def test_the_signature_date_is_prefilled_with_today_in_the_date_input_s_own_format(labelled, charter):
    client, structure, _, _ = labelled
    url = reverse("labellisation:adhesion", args=[structure.pk, charter.pk])
    page = client.get(url).content.decode()
    # An <input type="date"> only takes an ISO date: a French one would leave it empty.
    today = timezone.localdate().isoformat()
    assert re.search(rf'<input type="date" name="signed_on" value="{today}"', page)


def test_a_signed_declaration_is_joined_when_it_is_a_real_document(labelled, charter):
    client, structure, _, _ = labelled
    url = reverse("labellisation:adhesion", args=[structure.pk, charter.pk])
    data = {"signatory_name": "Camille Martin", "signatory_function": "Directrice", "mode": "document"}
    data["signed_on"] = timezone.localdate().isoformat()
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("declaration.pdf", b"<html>not a pdf</html>")
    refused = post_form(client, url, {**data, "document": fake})
    assert refused.status_code == 422
    assert "Ce type de fichier n&#x27;est pas accepté" in refused.content.decode()
    assert not Adhesion.objects.exists()
    missing = post_form(client, url, data)
    assert missing.status_code == 422
    assert "Joignez la déclaration signée" in missing.content.decode()
    assert post_form(client, url, {**data, "document": labels.pdf_file("declaration.pdf")}).status_code == 302
    adhesion = Adhesion.objects.get()
    assert adhesion.accepted_by is None
    assert adhesion.document.read().startswith(b"%PDF-")


def test_an_adviser_cannot_sign_for_the_structure(labelled, charter):
    client, structure, _, _ = labelled
    client.force_login(accounts.member(structure, "conseiller@structure.test"))
    assert client.get(reverse("labellisation:adhesion", args=[structure.pk, charter.pk])).status_code == 403


def test_the_annual_report_shows_what_spro_knows_then_is_signed_and_submitted(labelled):
    client, structure, admin, label = labelled
    sender = directory.structure("mission-locale", name="Mission locale voisine")
    Referral.objects.create(
        sender_structure=sender,
        from_network="mission-locale",
        to_site=structure.sites.get(),
        to_structure=structure,
        to_network=structure.network.code,
        need="orientation-scolaire",
        mode=Referral.Mode.APPOINTMENT,
        consent_kind=Referral.Consent.ORAL,
        consent_at=timezone.now(),
        created_at=timezone.now().replace(year=2026, month=6, day=3),
        person_name="Personne",
        person_phone="06 00 00 00 00",
    )
    report = AnnualReport.objects.create(label=label, year=2026, due_on=date(2027, 3, 31))
    url = reverse("labellisation:report", args=[report.pk])
    page = client.get(url).content.decode()
    assert "Orientations reçues : 1" in page
    assert escape(structure.sites.get().name) in page
    refused = post_form(client, url, {"signatory_name": "Camille Martin", "signatory_function": "Directrice"})
    assert refused.status_code == 422
    assert "Le formulaire contient" in refused.content.decode()
    report.refresh_from_db()
    assert report.submitted_at is None
    response = post_form(
        client,
        url,
        {
            "spro.personnes-recues": "412",
            "spro.actions": "Forum des métiers ; Lycées ; 120 ; Élèves",
            "signatory_name": "Camille Martin",
            "signatory_function": "Directrice",
            "certify": "on",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.submitted_by == admin
    assert report.answers["spro.personnes-recues"] == 412
    assert report.answers["spro.actions"] == [["Forum des métiers", "Lycées", "120", "Élèves"]]
    assert report.answers["signature"]["nom"] == "Camille Martin"
    assert report.answers["connu-par-spro"]["orientations_recues"] == 1
    page = client.get(url).content.decode()
    assert "Signer et remettre le bilan" not in page
    assert "Remis le" in page


def test_a_submitted_report_is_not_submitted_again(labelled):
    client, structure, admin, label = labelled
    report = AnnualReport.objects.create(
        label=label, year=2026, due_on=date(2027, 3, 31), submitted_at=timezone.now() - timedelta(days=1)
    )
    response = post_form(client, reverse("labellisation:report", args=[report.pk]), {"certify": "on"})
    assert response.status_code == 403


def test_the_annual_report_counts_the_structure_s_events_of_the_year(labelled, settings):
    client, structure, admin, label = labelled
    settings.SPRO_EVENTS_MODERATION = False
    new_year = event(
        "Nuit de l'orientation", owner=structure, start=paris(2026, 1, 1, 0, 30), end=paris(2026, 1, 1, 2)
    )
    event("Forum des métiers", owner=structure, start=paris(2026, 3, 10, 14), end=paris(2026, 3, 10, 17))
    cancelled = event(
        "Atelier CV", owner=structure, kind="atelier", start=paris(2026, 6, 2, 9), end=paris(2026, 6, 2, 11)
    )
    events_workflow.cancel(cancelled, reason="Intervenant malade")
    refused = event("Salon refusé", owner=structure, start=paris(2026, 9, 1, 9), end=paris(2026, 9, 1, 12))
    Event.objects.filter(pk=refused.pk).update(state=State.REFUSED)
    event("Réveillon", owner=structure, start=paris(2025, 12, 31, 22), end=paris(2025, 12, 31, 23))
    event("Forum 2027", owner=structure, start=paris(2027, 1, 8, 9), end=paris(2027, 1, 8, 12))
    event("Forum d'une autre structure", start=paris(2026, 4, 1, 9), end=paris(2026, 4, 1, 12))
    new_year.refresh_from_db()
    assert new_year.start.astimezone(UTC).year == 2025  # 31 December at 23:30 in UTC: the year is Paris's
    report = AnnualReport.objects.create(label=label, year=2026, due_on=date(2027, 3, 31))
    url = reverse("labellisation:report", args=[report.pk])
    page = client.get(url).content.decode()
    assert "Événements publiés dans l'agenda : 2 (et 1 annulé)" in page
    assert "01/01/2026 — Nuit de l&#x27;orientation (Forum ou salon)" in page
    assert "10/03/2026 — Forum des métiers (Forum ou salon)" in page
    assert "Salon refusé" not in page and "Réveillon" not in page and "Forum 2027" not in page
    response = post_form(
        client,
        url,
        {
            "spro.personnes-recues": "412",
            "spro.actions": "Forum des métiers ; Lycées ; 120 ; Élèves",
            "signatory_name": "Camille Martin",
            "signatory_function": "Directrice",
            "certify": "on",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    known = report.answers["connu-par-spro"]
    assert (known["evenements"], known["evenements_annules"]) == (2, 1)
    assert len(known["evenements_liste"]) == 2
