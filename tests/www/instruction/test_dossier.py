"""A dossier as the Région's instructor sees it (/region/labellisation/dossiers/<pk>/): its answers by
section, attachments, history and messages; each action end to end — start, checklist, complement,
decision with its attestation, withdrawal. A refused action is the page again, 422, with the form in
error and nothing written; a double post writes once; only Région staff get in."""

import io
import re
from html import unescape

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from spro.core.guards import ALREADY_SENT_MESSAGE, issue_token
from spro.labels import workflow
from spro.labels.models import Application, ApplicationLog, Decision, Label
from tests.accounts import factories as accounts
from tests.forms import form_token
from tests.labels import factories as labels
from tests.www.instruction.conftest import deposited

pytestmark = pytest.mark.django_db


def dossier_url(application) -> str:
    return reverse("instruction:dossier", args=[application.pk])


def act(client, application, name, data=None, **kwargs):
    """Post one action of the dossier page, with a one-time token read from that page."""
    token = form_token(client, dossier_url(application))
    url = reverse(f"instruction:{name}", kwargs={"pk": application.pk, **kwargs})
    return client.post(url, {**(data or {}), "form_token": token})


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


def in_instruction(instructor, **answers):
    application, admin = deposited(**answers)
    workflow.start_instruction(application, instructor)
    application.refresh_from_db()
    return application, admin


def with_opinion(instructor, value="favorable"):
    application, admin = in_instruction(instructor)
    workflow.give_opinion(application, labels.session("76"), value, instructor, "Avis motivé du COPIL.")
    application.refresh_from_db()
    return application, admin


def text(response) -> str:
    """The page as a person reads it (entities decoded)."""
    return unescape(response.content.decode())


# --- reading ------------------------------------------------------------------------------------------


def test_the_dossier_shows_the_answers_by_section_the_attachments_and_the_history(region_client):
    application, admin = deposited("Cité des métiers de Toulouse", activite="Accueil de tous les publics")
    response = region_client.get(dossier_url(application))
    assert response.status_code == 200
    html = text(response)
    assert f"<h1>Dossier n° {application.pk} — Cité des métiers de Toulouse</h1>" in html
    assert "Présentation de la structure" in html  # a section of the Occitanie policy
    assert "Accueil de tous les publics" in html
    attachment = application.attachments.get(code="adhesion-signee")
    assert reverse("labellisation:download", args=[attachment.pk]) in html
    assert "Déposer le dossier : Brouillon → Déposé" in html
    assert "Commencer l'instruction" in html
    # The instructor downloads the document through the applicant's protected link.
    assert region_client.get(reverse("labellisation:download", args=[attachment.pk])).status_code == 200


def test_the_instructor_is_told_what_a_claimed_exception_asks_to_check(region_client, instructor):
    # Occitanie: a CFA applies to Information Métiers only if that activity is distinct (declared).
    structure, admin = labels.applicant("76", "CFA des métiers du bâtiment")
    application = workflow.start_application(structure, ["information-metiers"], admin, region_code="76")
    labels.fill(application, admin, nature="cfa", **{"activite-distincte": True})
    workflow.submit(application, admin)
    html = text(region_client.get(dossier_url(application)))
    assert "Point à vérifier" in html
    assert "distincte" in html


def test_a_dossier_of_another_region_is_not_found(region_client, settings):
    other, _ = labels.draft("84")
    assert region_client.get(dossier_url(other)).status_code == 404


# --- start --------------------------------------------------------------------------------------------


def test_the_instructor_starts_the_instruction_once(region_client, instructor):
    application, _ = deposited()
    token = form_token(region_client, dossier_url(application))
    url = reverse("instruction:start", args=[application.pk])
    response = region_client.post(url, {"form_token": token})
    assert response.status_code == 302
    assert response["Location"] == dossier_url(application) + "#grille"
    assert state_of(application) == "en-instruction"
    step = ApplicationLog.objects.get(application=application, transition="instruire")
    assert (step.from_state, step.to_state, step.by) == ("depose", "en-instruction", instructor)
    # The same form posted again (a double click): nothing more is written.
    again = region_client.post(url, {"form_token": token}, follow=True)
    assert ALREADY_SENT_MESSAGE in text(again)
    assert ApplicationLog.objects.filter(application=application, transition="instruire").count() == 1
    # From another tab, with a fresh token: refused in French, 422, nothing written.
    response = act(region_client, application, "start")
    assert response.status_code == 422
    assert "« Commencer l'instruction » n'est pas possible" in text(response)
    assert ApplicationLog.objects.filter(application=application, transition="instruire").count() == 1


def test_an_action_posted_without_its_token_writes_nothing(region_client):
    application, _ = deposited()
    response = region_client.post(reverse("instruction:start", args=[application.pk]))
    assert response.status_code == 400
    assert "Ce formulaire a expiré" in text(response)
    assert state_of(application) == "depose"


# --- checklist ----------------------------------------------------------------------------------------


def test_the_instructor_records_each_criterion_of_the_policy_with_a_comment(region_client, instructor):
    application, _ = in_instruction(instructor)
    html = text(region_client.get(dossier_url(application)))
    # Occitanie, volet SPRO: its two criteria, not those of Information Métiers.
    assert "Accueil de toute personne quel que soit son âge ou son statut" in html
    assert "Services de premier niveau conformes au cahier des charges" in html
    assert "Activité régulière d'information sur les métiers" not in html
    response = act(
        region_client,
        application,
        "check",
        {
            "critere-tous-publics-met": "non-rempli",
            "critere-tous-publics-comment": "Accueil sur rendez-vous.",
        },
        criterion="tous-publics",
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#critere-tous-publics")
    application.refresh_from_db()
    assert application.checklist["tous-publics"] == {
        "met": False,
        "comment": "Accueil sur rendez-vous.",
        "by": instructor.pk,
    }
    html = text(region_client.get(dossier_url(application)))
    assert "<strong>Critère non rempli</strong> — « Accueil sur rendez-vous. »" in html
    # The verdict is changed later; the form shows the one recorded.
    assert re.search(r'value="non-rempli"[^>]*checked', html)
    act(region_client, application, "check", {"critere-tous-publics-met": "rempli"}, criterion="tous-publics")
    application.refresh_from_db()
    assert application.checklist["tous-publics"]["met"] is True


def test_a_criterion_without_a_verdict_is_refused_on_its_own_form(region_client, instructor):
    application, _ = in_instruction(instructor)
    response = act(region_client, application, "check", {}, criterion="premier-niveau")
    assert response.status_code == 422
    html = text(response)
    assert "Le formulaire contient 1 erreur" in html
    assert 'href="#id_critere-premier-niveau-met_0"' in html
    application.refresh_from_db()
    assert application.checklist == {}


def test_a_criterion_foreign_to_the_dossier_is_not_found(region_client, instructor):
    application, _ = in_instruction(instructor)
    data = {"critere-regularite-met": "rempli"}
    assert act(region_client, application, "check", data, criterion="regularite").status_code == 404
    assert act(region_client, application, "check", data, criterion="inconnu").status_code == 404


def test_the_checklist_is_filled_during_the_instruction_only(region_client):
    application, _ = deposited()
    data = {"critere-tous-publics-met": "rempli"}
    response = act(region_client, application, "check", data, criterion="tous-publics")
    assert response.status_code == 422
    assert "La grille se remplit pendant l'instruction." in text(response)
    application.refresh_from_db()
    assert application.checklist == {}


# --- complement ---------------------------------------------------------------------------------------


def test_a_complement_is_asked_the_applicant_is_emailed_and_sees_what_to_complete(region_client, instructor):
    application, admin = in_instruction(instructor)
    mail.outbox.clear()
    response = act(
        region_client,
        application,
        "complement",
        {
            "complement-items": ["personnes-recues", "adhesion-signee"],
            "complement-comment": "Précisez le nombre de personnes reçues en 2025 "
            "et joignez la déclaration signée.",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "complement-demande"
    assert application.requested_items == ["personnes-recues", "adhesion-signee"]
    step = application.log.get(transition="demander-complement")
    assert step.by == instructor
    assert step.comment.startswith("Précisez le nombre de personnes reçues")
    [message] = mail.outbox
    assert message.to == [admin.email]
    assert "Précisez le nombre de personnes reçues en 2025" in message.body
    assert (
        "Nombre de personnes reçues l'an dernier, Déclaration d'adhésion à la charte signée" in message.body
    )
    # The Région's page says the dossier waits for the structure.
    html = text(region_client.get(dossier_url(application)))
    assert "Complément demandé, en attente de la structure" in html
    # The applicant sees the request, what is reopened, and the message in the history.
    applicant = Client()
    applicant.force_login(admin)
    html = text(applicant.get(reverse("labellisation:application", args=[application.pk])))
    assert "La Région demande un complément" in html
    assert (
        "Éléments à compléter : Nombre de personnes reçues l'an dernier, "
        "Déclaration d'adhésion à la charte signée." in html
    )
    assert "Précisez le nombre de personnes reçues en 2025" in html
    # Only what was asked is editable.
    step = applicant.get(reverse("labellisation:step", args=[application.pk, "offre"]))
    assert re.search(r'name="personnes-recues"(?![^>]*disabled)', text(step))
    assert re.search(r'name="accueil-premier-niveau"[^>]*disabled', text(step))


@pytest.mark.parametrize(
    "data,error",
    [
        ({"complement-comment": "Précisez."}, "Cochez au moins une question ou une pièce à compléter."),
        ({"complement-items": ["personnes-recues"]}, "Expliquez au candidat ce qui manque."),
        ({"complement-items": ["personnes-recues"], "complement-comment": "   "}, "Expliquez au candidat"),
        (
            {"complement-items": ["inconnu"], "complement-comment": "Précisez."},
            "Sélectionnez un choix valide",
        ),
    ],
)
def test_an_incomplete_complement_request_is_refused_and_nothing_is_sent(
    region_client, instructor, data, error
):
    application, _ = in_instruction(instructor)
    mail.outbox.clear()
    response = act(region_client, application, "complement", data)
    assert response.status_code == 422
    assert error in text(response)
    assert "Le formulaire contient 1 erreur" in text(response)
    assert state_of(application) == "en-instruction"
    assert mail.outbox == []


# --- decision -----------------------------------------------------------------------------------------


def test_a_granting_decision_makes_the_label_and_sends_its_attestation(region_client, instructor):
    application, admin = with_opinion(instructor)
    html = text(region_client.get(dossier_url(application)))
    assert "COPIL SPRO" in html and "Avis favorable" in html
    mail.outbox.clear()
    response = act(region_client, application, "decision", {"decision-outcome": "accorde"})
    assert response.status_code == 302
    decision = Decision.objects.get(application=application)
    label = Label.objects.get(decision=decision)
    assert (decision.outcome, decision.recorded_by, label.state) == ("accorde", instructor, "actif")
    assert state_of(application) == "accorde"
    reference = decision.attestation_reference
    assert reference.startswith("SPRO-76-")
    [notice] = mail.outbox
    assert notice.to == [admin.email]
    filename, content, mimetype = notice.attachments[0]
    assert (filename, mimetype) == (f"attestation-{reference}.pdf", "application/pdf")
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert reference in pdf_text and "Maison de l'orientation" in pdf_text
    page = region_client.get(dossier_url(application), follow=True)
    html = text(page)
    assert reverse("attestations:check", args=[reference]) in html
    assert reverse("attestations:pdf", args=[reference]) in html
    assert "Retirer le label" in html
    assert "Enregistrer et notifier la décision" not in html
    # A second decision on the same dossier, from another tab: refused, nothing written.
    again = act(
        region_client, application, "decision", {"decision-outcome": "refuse", "decision-reasoning": "Non."}
    )
    assert again.status_code == 422
    assert Decision.objects.filter(application=application).count() == 1


@pytest.mark.parametrize("outcome", ["refuse", "ajourne"])
def test_a_refusal_or_a_postponement_must_be_reasoned(region_client, instructor, outcome):
    application, _ = with_opinion(instructor, "defavorable")
    response = act(region_client, application, "decision", {"decision-outcome": outcome})
    assert response.status_code == 422
    assert "Motivez un refus ou un ajournement." in text(response)
    assert not Decision.objects.exists()
    assert state_of(application) == "avis-rendu"
    reasoning = "L'accueil n'est pas ouvert à tous les publics."
    data = {"decision-outcome": outcome, "decision-reasoning": reasoning}
    assert act(region_client, application, "decision", data).status_code == 302
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.reasoning, decision.attestation_reference) == (
        outcome,
        reasoning,
        None,
    )
    assert not Label.objects.exists()
    assert reasoning in mail.outbox[-1].body


def test_no_decision_before_the_committee_has_given_its_opinion(region_client, instructor):
    application, _ = in_instruction(instructor)
    response = act(region_client, application, "decision", {"decision-outcome": "accorde"})
    assert response.status_code == 422
    assert "« Accorder » n'est pas possible" in text(response)
    assert not Decision.objects.exists()
    assert state_of(application) == "en-instruction"


# --- withdrawal ---------------------------------------------------------------------------------------


def test_the_region_withdraws_a_label_with_a_reason(region_client, instructor):
    application, admin = deposited()
    label = labels.grant(application, instructor).label
    response = act(region_client, application, "withdraw", {"retrait-reason": "  "})
    assert response.status_code == 422
    assert "Indiquez le motif du retrait." in text(response)
    label.refresh_from_db()
    assert label.state == "actif"
    mail.outbox.clear()
    reason = "La structure a cessé son activité d'accueil."
    response = act(region_client, application, "withdraw", {"retrait-reason": reason})
    assert response.status_code == 302
    label.refresh_from_db()
    assert (label.state, label.end_reason) == ("retire", reason)
    assert list(label.log.values_list("transition", "by")) == [
        ("accorder", instructor.pk),
        ("retirer", instructor.pk),
    ]
    assert reason in mail.outbox[-1].body
    assert mail.outbox[-1].to == [admin.email]
    html = text(region_client.get(dossier_url(application)))
    assert "Retiré" in html and reason in html
    assert "Retirer le label" not in html
    # Withdrawn already (from another tab): a second withdrawal is refused.
    url = reverse("instruction:withdraw", args=[application.pk])
    again = region_client.post(url, {"retrait-reason": reason, "form_token": issue_token()})
    assert again.status_code == 422
    assert label.log.count() == 2


def test_a_dossier_without_a_label_has_nothing_to_withdraw(region_client):
    application, _ = deposited()
    response = act(region_client, application, "withdraw", {"retrait-reason": "Sans objet."})
    assert response.status_code == 422
    assert "Ce dossier n'a pas de label en cours" in text(response)


# --- who may -------------------------------------------------------------------------------------------


def test_structures_and_anonymous_visitors_cannot_see_or_act(region_client, instructor):
    application, admin = deposited()
    other_structure, other_admin = labels.applicant("76", "Autre structure")
    adviser = accounts.member(application.structure, "conseiller@structure.test")
    queue = reverse("instruction:queue")
    start = reverse("instruction:start", args=[application.pk])
    for person in (admin, adviser, other_admin):
        client = Client()
        client.force_login(person)
        assert client.get(queue).status_code == 403
        assert client.get(dossier_url(application)).status_code == 403
        assert (
            client.post(
                start, {"form_token": form_token(region_client, dossier_url(application))}
            ).status_code
            == 403
        )
    anonymous = Client()
    for url in (queue, dossier_url(application)):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert state_of(application) == "depose"


def test_an_instructor_without_a_verified_second_factor_is_sent_to_it(instructor):
    client = Client()
    client.force_login(instructor)
    response = client.get(reverse("instruction:queue"))
    assert response.status_code == 302
    assert "double-authentification" in response["Location"]


# --- hostile input --------------------------------------------------------------------------------------


HOSTILE_TEXTS = ["un commentaire\x00", "a" * 100_000]


@pytest.mark.parametrize("comment", HOSTILE_TEXTS)
def test_a_complement_message_that_cannot_be_kept_is_refused(region_client, instructor, comment):
    application, _ = in_instruction(instructor)
    mail.outbox.clear()
    data = {"complement-items": ["personnes-recues"], "complement-comment": comment}
    response = act(region_client, application, "complement", data)
    assert response.status_code == 422
    assert "Le formulaire contient 1 erreur" in text(response)
    assert state_of(application) == "en-instruction"
    assert mail.outbox == []


@pytest.mark.parametrize("comment", HOSTILE_TEXTS)
def test_a_checklist_comment_that_cannot_be_kept_is_refused(region_client, instructor, comment):
    application, _ = in_instruction(instructor)
    data = {"critere-tous-publics-met": "rempli", "critere-tous-publics-comment": comment}
    response = act(region_client, application, "check", data, criterion="tous-publics")
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.checklist == {}


@pytest.mark.parametrize("verdict", ["rempli\x00", "nan", "inf", "true", "x" * 100_000])
def test_an_unknown_verdict_is_refused(region_client, instructor, verdict):
    application, _ = in_instruction(instructor)
    response = act(
        region_client, application, "check", {"critere-tous-publics-met": verdict}, criterion="tous-publics"
    )
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.checklist == {}


@pytest.mark.parametrize(
    "data",
    [
        {"decision-outcome": "accorde\x00"},
        {"decision-outcome": "refuse", "decision-reasoning": "motif\x00"},
        {"decision-outcome": "ajourne", "decision-reasoning": "a" * 100_000},
        {"decision-outcome": "nan"},
    ],
)
def test_a_decision_that_cannot_be_kept_is_refused(region_client, instructor, data):
    application, _ = with_opinion(instructor)
    response = act(region_client, application, "decision", data)
    assert response.status_code == 422
    assert not Decision.objects.exists()


@pytest.mark.parametrize("reason", HOSTILE_TEXTS)
def test_a_withdrawal_reason_that_cannot_be_kept_is_refused(region_client, instructor, reason):
    application, _ = deposited()
    label = labels.grant(application, instructor).label
    response = act(region_client, application, "withdraw", {"retrait-reason": reason})
    assert response.status_code == 422
    label.refresh_from_db()
    assert label.state == "actif"
