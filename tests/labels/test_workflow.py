"""The application workflow: what submission refuses (with French messages, nothing written), the
complement round trip, opinions, decisions, withdrawal; every transition logged."""

from datetime import date

import pytest
import time_machine
from django.core import mail

from spro.labels import workflow
from spro.labels.deadlines import run as run_deadlines
from spro.labels.models import Application, ApplicationLog, Label
from spro.labels.states import InvalidTransition
from spro.labels.workflow import SubmissionRefused
from tests.labels import factories

pytestmark = pytest.mark.django_db


def messages(raised) -> list[str]:
    return [problem.message for problem in raised.value.problems]


def test_a_complete_dossier_is_submitted_logged_and_announced_to_the_region():
    agent = factories.instructor()
    application, admin = factories.draft("76")
    workflow.submit(application, admin)
    application.refresh_from_db()
    assert application.state == "depose"
    assert application.submitted_at is not None
    steps = list(application.log.values_list("transition", "from_state", "to_state", "by"))
    assert steps == [
        ("creer", "brouillon", "brouillon", admin.pk),
        ("deposer", "brouillon", "depose", admin.pk),
    ]
    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert "Maison de l'orientation a déposé son dossier" in mail.outbox[0].body


def test_the_dossier_is_prefilled_with_the_departements_of_the_structure_sites():
    application, _ = factories.draft("84")
    assert application.answers["territoire"] == ["69"]


def test_a_remote_only_entry_of_the_structure_adds_no_departement_to_the_prefill():
    from spro.directory.codes import SiteKind
    from spro.directory.models import Site

    structure, admin = factories.applicant("84")
    line = Site(
        structure=structure,
        name="Ligne d'information",
        kind=SiteKind.A_DISTANCE,
        served_region="84",
        phone="0 800 222 100",
        opening_hours="Mo-Fr 09:00-18:00",
        reception_modes=["telephone"],
    )
    line.full_clean()
    line.save()
    application = workflow.start_application(structure, ["spro"], admin, region_code="84")
    assert application.answers["territoire"] == ["69"]


def test_submission_lists_each_missing_answer_and_attachment_and_writes_nothing():
    application, admin = factories.draft("84", skip=("locaux", "statuts"))
    with pytest.raises(SubmissionRefused) as raised:
        workflow.submit(application, admin, day=date(2026, 9, 15))
    assert messages(raised) == [
        "Répondez à « Descriptif des locaux ».",
        "Joignez la pièce « Statuts de la structure ».",
    ]
    application.refresh_from_db()
    assert application.state == "brouillon"
    assert not application.log.filter(transition="deposer").exists()


def test_auvergne_rhone_alpes_refuses_a_submission_outside_a_campaign_window():
    application, admin = factories.draft("84")
    run_deadlines(date(2026, 6, 1))  # creates the campaigns of 2026 and 2027
    with pytest.raises(SubmissionRefused) as raised:
        workflow.submit(application, admin, day=date(2026, 6, 1))
    assert messages(raised) == [
        "Aucune campagne de candidature n'est ouverte aujourd'hui. La prochaine ouvre le 01/09/2026."
    ]
    workflow.submit(application, admin, day=date(2026, 9, 15))
    application.refresh_from_db()
    assert application.campaign.entry_on == date(2027, 1, 1)


def test_auvergne_rhone_alpes_refuses_an_application_beyond_one_departement():
    application, admin = factories.draft("84", territoire=["69", "01"])
    run_deadlines(date(2026, 9, 15))
    with pytest.raises(SubmissionRefused) as raised:
        workflow.submit(application, admin, day=date(2026, 9, 15))
    assert messages(raised) == [
        "Une candidature couvre au plus 1 département : celle-ci en couvre 2. "
        "Déposez une candidature par département."
    ]


def test_occitanie_tells_a_cfa_why_it_cannot_apply_to_the_volet_spro():
    application, admin = factories.draft("76", nature="cfa")
    with pytest.raises(SubmissionRefused) as raised:
        workflow.submit(application, admin)
    assert messages(raised) == [
        "Les organismes de formation et les centres de formation d'apprentis sont exclus du volet SPRO du "
        "label (cahier des charges, article 2)."
    ]


def test_occitanie_accepts_a_cfa_on_information_metiers_once_it_declares_a_distinct_activity():
    application, admin = factories.draft(
        "76", volets=["information-metiers"], nature="cfa", **{"activite-distincte": False}
    )
    with pytest.raises(SubmissionRefused):
        workflow.submit(application, admin)
    workflow.save_answers(application, {"activite-distincte": True}, admin)
    application.refresh_from_db()
    workflow.submit(application, admin)
    assert application.state == "depose"


def test_a_second_submission_is_refused():
    application, admin = factories.draft("76")
    workflow.submit(application, admin)
    stale = Application.objects.get(pk=application.pk)
    stale.state = "brouillon"  # a second tab still showing the draft
    with pytest.raises(InvalidTransition, match="déjà été déposé"):
        workflow.submit(stale, admin)
    assert ApplicationLog.objects.filter(application=application, transition="deposer").count() == 1


def test_only_an_administrator_of_the_structure_submits():
    application, _ = factories.draft("76")
    with pytest.raises(InvalidTransition, match="administrateur de la structure"):
        workflow.submit(application, factories.instructor())


def test_a_structure_has_one_application_in_progress_at_a_time():
    application, admin = factories.draft("76")
    with pytest.raises(InvalidTransition, match="déjà un dossier en cours"):
        workflow.start_application(application.structure, ["spro"], admin, region_code="76")


def test_a_complement_reopens_only_what_was_asked():
    agent = factories.instructor()
    application, admin = factories.draft("76")
    workflow.submit(application, admin)
    workflow.start_instruction(application, agent)
    with pytest.raises(InvalidTransition, match="ne se modifie plus"):
        workflow.save_answers(application, {"activite": "Autre chose"}, admin)
    workflow.request_complement(
        application, agent, "Précisez le nombre de personnes reçues.", ["personnes-recues"]
    )
    assert (
        "Le dossier vous est rouvert pour ces seuls éléments : Nombre de personnes reçues"
        in mail.outbox[-1].body
    )
    with pytest.raises(InvalidTransition, match="n'a pas été rouvert"):
        workflow.save_answers(application, {"activite": "Autre chose"}, admin)
    workflow.save_answers(application, {"personnes-recues": 340}, admin)
    application.refresh_from_db()
    workflow.complete(application, admin, comment="Voici le chiffre.")
    application.refresh_from_db()
    assert application.state == "complete"
    assert application.answers["personnes-recues"] == 340
    assert application.requested_items == []
    assert list(application.log.values_list("to_state", flat=True)) == [
        "brouillon",
        "depose",
        "en-instruction",
        "complement-demande",
        "complete",
    ]
    assert application.log.get(transition="demander-complement").comment == (
        "Précisez le nombre de personnes reçues."
    )


def test_the_instructor_comments_each_criterion_of_the_policy():
    agent = factories.instructor()
    application, admin = factories.draft("76")
    workflow.submit(application, admin)
    workflow.start_instruction(application, agent)
    workflow.record_check(application, agent, "tous-publics", True, "Accueil sans condition.")
    with pytest.raises(InvalidTransition, match="Critère « regularite » inconnu"):
        workflow.record_check(application, agent, "regularite", True)  # a criterion of the other volet
    application.refresh_from_db()
    assert application.checklist["tous-publics"]["comment"] == "Accueil sans condition."


def test_a_refusal_must_be_reasoned_and_creates_no_label():
    agent = factories.instructor()
    application, admin = factories.draft("76")
    workflow.submit(application, admin)
    workflow.start_instruction(application, agent)
    workflow.give_opinion(application, factories.session("76"), "defavorable", agent, "Accueil réservé.")
    with pytest.raises(InvalidTransition, match="Motivez"):
        workflow.decide(application, "refuse", agent)
    decision = workflow.decide(application, "refuse", agent, reasoning="L'accueil n'est pas ouvert à tous.")
    assert decision.attestation_reference is None
    assert not Label.objects.exists()
    assert application.structure.spro_status.status == ""
    assert "Label refusé" in mail.outbox[-1].subject


def test_a_granted_label_makes_the_structure_labelled_with_an_attestation():
    agent = factories.instructor()
    application, admin = factories.draft("76", volets=["spro", "information-metiers"])
    workflow.submit(application, admin)
    with time_machine.travel(date(2026, 5, 12)):
        decision = factories.grant(application, agent, day=date(2026, 5, 12))
    label = decision.label
    assert (label.valid_from, label.valid_until) == (date(2026, 5, 12), date(2027, 12, 31))
    status = application.structure.spro_status
    assert (status.status, status.volets, status.attestation) == (
        "labellise",
        ["information-metiers", "spro"],
        decision.attestation_reference,
    )
    assert decision.attestation_reference.startswith("SPRO-76-2026-")
    notice = mail.outbox[-1]
    assert notice.to == [admin.email]
    assert notice.attachments[0][0] == f"attestation-{decision.attestation_reference}.pdf"
    assert f"/attestations/{decision.attestation_reference}/" in notice.body


def test_the_region_withdraws_a_label_with_a_reason():
    agent = factories.instructor()
    application, admin = factories.draft("52")
    workflow.submit(application, admin)
    label = factories.grant(application, agent).label
    with pytest.raises(InvalidTransition, match="motif"):
        workflow.withdraw(label, agent, " ")
    workflow.withdraw(label, agent, "La structure a cessé son activité d'accueil.")
    label.refresh_from_db()
    assert label.state == "retire"
    assert label.end_reason == "La structure a cessé son activité d'accueil."
    assert application.structure.spro_status.status == ""
    assert list(label.log.values_list("transition", flat=True)) == ["accorder", "retirer"]
