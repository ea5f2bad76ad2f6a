"""The applicant's dossier in the espace pro: started from the policy, answered step by step as a
draft, documents joined (checked on content), recap and submission; refusals in French, nothing
written; after a complement request only what the Région asked is editable."""

import re
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spro.core.guards import ALREADY_SENT_MESSAGE
from spro.labels import workflow
from spro.labels.models import Application, ApplicationLog, Attachment
from tests.accounts import factories as accounts
from tests.forms import TOKEN, form_token, post_form
from tests.labels import factories as labels

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client(client):
    structure, admin = labels.applicant("76")
    client.force_login(admin)
    return client, structure, admin


def step_url(application, section):
    return reverse("labellisation:step", args=[application.pk, section])


def recap_url(application):
    return reverse("labellisation:application", args=[application.pk])


def submit(client, application, data=None):
    token = form_token(client, recap_url(application))
    return client.post(
        reverse("labellisation:submit", args=[application.pk]),
        {"certify": "on", "form_token": token, **(data or {})},
    )


def test_the_administrator_starts_a_draft_prefilled_from_the_directory(admin_client):
    client, structure, admin = admin_client
    url = reverse("labellisation:start", args=[structure.pk])
    response = post_form(client, url, {"volets": ["spro"]})
    application = Application.objects.get(structure=structure)
    assert response.status_code == 302
    assert response["Location"] == step_url(application, "presentation")
    assert application.state == "brouillon"
    assert application.answers == {"territoire": ["31"]}  # the département of its site
    page = client.get(response["Location"])
    assert "Étape 1 sur 5" in page.content.decode()
    assert re.search(r'<input[^>]*value="31"[^>]*checked', page.content.decode())


def test_a_dossier_without_a_volet_is_refused_with_a_422_and_nothing_is_created(admin_client):
    client, structure, _ = admin_client
    response = post_form(client, reverse("labellisation:start", args=[structure.pk]), {})
    assert response.status_code == 422
    assert "Le formulaire contient 1 erreur" in response.content.decode()
    assert not Application.objects.exists()


def test_a_step_is_saved_as_a_draft_and_leads_to_the_next(admin_client):
    client, structure, admin = admin_client
    application = workflow.start_application(structure, ["spro"], admin)
    response = client.post(
        step_url(application, "presentation"),
        {
            "nature": "association",
            "activite": "Accueil de tous publics",
            "territoire": ["31"],
            "continuer": "oui",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == step_url(application, "offre")
    application.refresh_from_db()
    assert application.answers["nature"] == "association"
    assert application.answers["activite"] == "Accueil de tous publics"
    # A partial answer is kept as a draft: nothing is required before the submission.
    response = client.post(step_url(application, "offre"), {"personnes-recues": "340", "brouillon": "oui"})
    assert response["Location"] == step_url(application, "offre")
    application.refresh_from_db()
    assert application.answers["personnes-recues"] == 340
    assert application.state == "brouillon"


def test_a_wrong_answer_is_shown_on_the_form_and_nothing_is_written(admin_client):
    client, structure, admin = admin_client
    application = workflow.start_application(structure, ["spro"], admin)
    response = client.post(step_url(application, "offre"), {"personnes-recues": "-4", "continuer": "oui"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Le formulaire contient 1 erreur" in html
    assert 'aria-invalid="true"' in html
    application.refresh_from_db()
    assert "personnes-recues" not in application.answers


def test_an_adviser_reads_the_dossier_but_cannot_change_it(admin_client):
    client, structure, admin = admin_client
    application = workflow.start_application(structure, ["spro"], admin)
    adviser = accounts.member(structure, "conseiller@structure.test")
    client.force_login(adviser)
    page = client.get(step_url(application, "presentation"))
    assert page.status_code == 200
    assert "Enregistrer le brouillon" not in page.content.decode()
    assert client.post(step_url(application, "presentation"), {"activite": "Autre"}).status_code == 403
    application.refresh_from_db()
    assert "activite" not in application.answers


def test_a_document_is_checked_on_its_content_then_joined(admin_client):
    client, structure, admin = admin_client
    application = workflow.start_application(structure, ["spro"], admin)
    url = reverse("labellisation:attachments", args=[application.pk])
    fake = SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post_form(client, url, {"code": "adhesion-signee", "file": fake})
    assert response.status_code == 422
    assert "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()
    assert not Attachment.objects.exists()
    response = post_form(client, url, {"code": "adhesion-signee", "file": labels.pdf_file("adhesion.pdf")})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.code, attachment.kind, attachment.original_name) == (
        "adhesion-signee",
        "pdf",
        "adhesion.pdf",
    )
    assert "adhesion.pdf" in client.get(url).content.decode()


def test_a_document_is_downloaded_by_the_applicant_and_the_region_only(admin_client):
    client, structure, admin = admin_client
    application = workflow.start_application(structure, ["spro"], admin)
    attachment = workflow.attach(
        application, "adhesion-signee", labels.pdf_file("adhésion signée.pdf"), admin
    )
    url = reverse("labellisation:download", args=[attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == labels.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    other_structure, other_admin = labels.applicant("76", name="Autre structure")
    client.force_login(other_admin)
    assert client.get(url).status_code == 404
    agent = labels.instructor()
    accounts.login_verified(client, agent)
    assert client.get(url).status_code == 200


def test_submission_lists_what_is_missing_in_french_and_writes_nothing(admin_client):
    client, structure, admin = admin_client
    application = workflow.start_application(structure, ["spro"], admin)
    response = submit(client, application)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Répondez à « Activité principale de la structure »" in html
    assert "Joignez la pièce « Déclaration d&#x27;adhésion à la charte signée »" in html
    application.refresh_from_db()
    assert application.state == "brouillon"
    assert not application.log.filter(transition="deposer").exists()


def test_what_is_left_to_do_links_to_the_question_or_to_the_attachments(admin_client):
    client, structure, admin = admin_client
    application = workflow.start_application(structure, ["spro"], admin)
    recap = client.get(recap_url(application)).content.decode()
    question = f'<a href="{step_url(application, "presentation")}#question-activite">'
    assert f"{question}Répondez à « Activité principale de la structure ».</a>" in recap
    attachments = reverse("labellisation:attachments", args=[application.pk])
    assert f'<a href="{attachments}">Joignez la pièce' in recap
    # The link's target holds the question, so that the next Tab reaches its input.
    step = client.get(step_url(application, "presentation")).content.decode()
    assert re.search(r'<div id="question-activite">\s*<div class="fr-input-group[^"]*">\s*<label', step)


def test_a_complete_dossier_is_submitted_once_even_on_a_double_click(admin_client):
    client, structure, admin = admin_client
    application = labels.fill(workflow.start_application(structure, ["spro"], admin), admin)
    token = form_token(client, recap_url(application))
    url = reverse("labellisation:submit", args=[application.pk])
    first = client.post(url, {"certify": "on", "form_token": token})
    second = client.post(url, {"certify": "on", "form_token": token}, follow=True)
    assert first.status_code == 302
    assert ALREADY_SENT_MESSAGE.replace("'", "&#x27;") in second.content.decode()
    application.refresh_from_db()
    assert application.state == "depose"
    assert ApplicationLog.objects.filter(application=application, transition="deposer").count() == 1
    page = client.get(recap_url(application)).content.decode()
    assert "Déposé" in page
    assert TOKEN.search(page) is None  # no form left to submit


def test_the_certification_box_is_required(admin_client):
    client, structure, admin = admin_client
    application = labels.fill(workflow.start_application(structure, ["spro"], admin), admin)
    token = form_token(client, recap_url(application))
    response = client.post(reverse("labellisation:submit", args=[application.pk]), {"form_token": token})
    assert response.status_code == 422
    assert "Cochez la case pour certifier le dossier" in response.content.decode()
    application.refresh_from_db()
    assert application.state == "brouillon"


def test_an_excluded_kind_of_structure_is_told_why(admin_client):
    client, structure, admin = admin_client
    application = labels.fill(
        workflow.start_application(structure, ["spro"], admin), admin, nature="organisme-formation"
    )
    response = submit(client, application)
    assert "Les organismes de formation et les centres de formation d&#x27;apprentis sont exclus" in (
        response.content.decode()
    )
    application.refresh_from_db()
    assert application.state == "brouillon"


@pytest.fixture
def ara(settings, client):
    settings.SPRO_REGION = "84"
    structure, admin = labels.applicant("84")
    client.force_login(admin)
    return client, structure, admin


def test_outside_a_campaign_the_submission_is_refused(ara):
    client, structure, admin = ara
    with time_machine.travel(date(2026, 6, 15)):
        application = labels.fill(workflow.start_application(structure, ["spro"], admin), admin)
        response = submit(client, application)
    assert response.status_code == 422
    assert (
        "Aucune campagne de candidature n&#x27;est ouverte aujourd&#x27;hui. "
        "La prochaine ouvre le 01/09/2026." in (response.content.decode())
    )
    application.refresh_from_db()
    assert application.state == "brouillon"


def test_beyond_the_territory_limit_the_submission_is_refused(ara):
    client, structure, admin = ara
    with time_machine.travel(date(2026, 9, 15)):
        application = labels.fill(
            workflow.start_application(structure, ["spro"], admin), admin, territoire=["69", "38"]
        )
        response = submit(client, application)
        application.refresh_from_db()
    assert response.status_code == 422
    assert "Une candidature couvre au plus 1 département : celle-ci en couvre 2." in response.content.decode()
    assert application.state == "brouillon"


def test_after_a_complement_request_only_the_asked_items_are_editable(admin_client):
    client, structure, admin = admin_client
    application = labels.fill(workflow.start_application(structure, ["spro"], admin), admin)
    workflow.submit(application, admin)
    agent = labels.instructor()
    workflow.start_instruction(application, agent)
    workflow.request_complement(application, agent, "Précisez votre activité.", ["activite"])
    page = client.get(step_url(application, "presentation")).content.decode()
    assert "Non rouvert par la Région" in page
    before = dict(Application.objects.get(pk=application.pk).answers)
    response = client.post(
        step_url(application, "presentation"),
        {"activite": "Activité précisée", "nature": "autre", "brouillon": "oui"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["activite"] == "Activité précisée"
    assert application.answers["nature"] == before["nature"]  # not reopened: unchanged
    # The attachments were not asked: no upload form.
    assert (
        "Joindre la pièce"
        not in client.get(reverse("labellisation:attachments", args=[application.pk])).content.decode()
    )
    recap = client.get(recap_url(application)).content.decode()
    assert "Précisez votre activité." in recap
    response = client.post(
        reverse("labellisation:complete", args=[application.pk]),
        {"comment": "Voici la précision.", "form_token": TOKEN.search(recap).group(1)},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "complete"
    assert application.log.filter(transition="completer", comment="Voici la précision.").exists()
