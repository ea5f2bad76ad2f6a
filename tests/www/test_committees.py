"""Committee sessions in the Région's back office (/region/comites/): the sessions of each committee
the policy names, past and coming; a session planned with the shared form; its agenda, which takes the
dossiers an opinion may be given on; an opinion per dossier through the workflow (the dossier moves to
« avis rendu », the transition is logged); the minutes, and their PDF read back with pypdf. Refusals are
French, answered 422, and write nothing; a double submit writes one opinion."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from spro.core.guards import ALREADY_SENT_MESSAGE, EXPIRED_MESSAGE
from spro.labels import committees, workflow
from spro.labels.minutes import render_minutes
from spro.labels.models import AgendaItem, ApplicationLog, Committee, CommitteeSession, Opinion
from spro.labels.states import InvalidTransition
from tests.accounts import factories as accounts
from tests.forms import TOKEN, form_token, post_form
from tests.labels import factories as labels

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SPRO_REGION = "76"


@pytest.fixture
def agent():
    return labels.instructor()


@pytest.fixture
def staff(client, agent):
    accounts.login_verified(client, agent)
    return client


def dossier(agent, name, stage="en-instruction"):
    """A dossier of the Occitanie policy walked to `stage`."""
    application, admin = labels.draft("76", name=name)
    if stage == "brouillon":
        return application
    workflow.submit(application, admin)
    if stage == "depose":
        return application
    workflow.start_instruction(application, agent)
    if stage == "en-instruction":
        return application
    workflow.request_complement(application, agent, "Précisez.", ["activite"])
    if stage == "complement-demande":
        return application
    workflow.save_answers(application, {"activite": "Précisée"}, admin)
    application.refresh_from_db()
    workflow.complete(application, admin)
    return application


def copil(held_on=None, **fields):
    committee = committees.committee("76", "copil-spro")
    return CommitteeSession.objects.create(
        committee=committee, held_on=held_on or timezone.localdate(), **fields
    )


def session_url(session):
    return reverse("comites:session", args=[session.pk])


def opinion_url(session, application):
    return reverse("comites:opinion", args=[session.pk, application.pk])


def post_opinion(client, session, application, value, reasoning="", token=None):
    prefix = f"dossier-{application.pk}"
    return client.post(
        opinion_url(session, application),
        {
            f"{prefix}-value": value,
            f"{prefix}-reasoning": reasoning,
            "form_token": form_token(client, session_url(session)) if token is None else token,
        },
    )


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


# --- the sessions ------------------------------------------------------------------------------------


def test_the_list_shows_each_committee_of_the_policy_with_its_coming_and_past_sessions(staff):
    today = timezone.localdate()
    coming = copil(today + timedelta(days=20), place="Montpellier")
    past = copil(today - timedelta(days=40), place="Toulouse")
    page = staff.get(reverse("comites:index")).content.decode()
    assert "<h2>COPIL SPRO</h2>" in page
    coming_at = page.index("Séances à venir")
    past_at = page.index("Séances passées")
    assert (
        coming_at
        < page.index(f"{coming.held_on:%d/%m/%Y}")
        < past_at
        < page.index(f"{past.held_on:%d/%m/%Y}")
    )
    assert session_url(coming) in page and session_url(past) in page


def test_a_session_of_another_region_is_not_found(staff):
    other = Committee.objects.create(region_code="84", code="gt-orientation", name="GT Orientation")
    session = CommitteeSession.objects.create(committee=other, held_on=date(2026, 6, 1))
    assert staff.get(session_url(session)).status_code == 404
    assert staff.get(reverse("comites:minutes_pdf", args=[session.pk])).status_code == 404


def test_a_session_is_planned_with_its_committee_date_place_and_members(staff, agent):
    response = post_form(
        staff,
        reverse("comites:create"),
        {
            "committee": "copil-spro",
            "held_on": "2026-06-04",
            "place": "Hôtel de Région, Toulouse",
            "members_present": "Région (présidence)\nÉtat — DRAJES\nCARIF-OREF",
        },
    )
    session = CommitteeSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session_url(session)
    assert (session.committee.code, session.committee.name) == ("copil-spro", "COPIL SPRO")
    assert session.held_on == date(2026, 6, 4)
    assert session.place == "Hôtel de Région, Toulouse"
    assert session.created_by == agent
    page = staff.get(session_url(session)).content.decode()
    assert "<h1>Séance COPIL SPRO du 04/06/2026</h1>" in page
    assert "<li>État — DRAJES</li>" in page


def test_the_committees_offered_are_those_the_policy_names(staff, settings):
    settings.SPRO_REGION = "84"
    page = staff.get(reverse("comites:create")).content.decode()
    assert '<option value="gt-orientation">Groupe de travail Orientation</option>' in page
    assert '<option value="commission-omspp">Commission OMSPP du CREFOP</option>' in page


@pytest.mark.parametrize(
    "data,message",
    [
        ({"committee": "copil-spro", "held_on": ""}, "Ce champ est obligatoire."),
        ({"committee": "inconnue", "held_on": "2026-06-04"}, "Sélectionnez un choix valide."),
        ({"committee": "copil-spro", "held_on": "1e999"}, "Saisissez une date valide."),
        ({"committee": "copil-spro", "held_on": "3026-06-04"}, "Indiquez une date entre l&#x27;an 2000"),
        ({"committee": "copil-spro", "held_on": "2026-06-04", "place": "Salle\x00 1"}, "caractère nul"),
        ({"committee": "copil-spro", "held_on": "2026-06-04", "members_present": "a" * 100_000}, "au plus"),
    ],
)
def test_a_refused_session_is_redisplayed_in_french_and_nothing_is_written(staff, data, message):
    response = post_form(staff, reverse("comites:create"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CommitteeSession.objects.exists()


# --- the agenda --------------------------------------------------------------------------------------


def test_the_agenda_offers_the_dossiers_an_opinion_may_be_given_on(staff, agent):
    session, earlier = copil(), copil(date(2026, 1, 15))
    ready = {
        dossier(agent, "En instruction"),
        dossier(agent, "Complété", "complete"),
    }
    examined = dossier(agent, "Déjà examiné")
    workflow.give_opinion(examined, earlier, "favorable", agent)
    for stage in ("brouillon", "depose", "complement-demande"):
        dossier(agent, f"Étape {stage}", stage)
    offered = set(committees.agenda_candidates(session))
    assert offered == ready | {examined}
    page = staff.get(session_url(session)).content.decode()
    assert "Déjà examiné — dossier n°" in page and "Étape brouillon" not in page


def test_a_dossier_is_put_on_the_agenda_and_gets_an_opinion_form(staff, agent):
    session = copil()
    application = dossier(agent, "Cité des métiers")
    token = form_token(staff, session_url(session))
    response = staff.post(
        reverse("comites:agenda_add", args=[session.pk]), {"application": application.pk, "form_token": token}
    )
    assert response.status_code == 302
    assert AgendaItem.objects.get().application == application
    page = staff.get(response["Location"]).content.decode()
    assert f'id="dossier-{application.pk}"' in page
    assert f'name="dossier-{application.pk}-value"' in page
    assert "Aucun autre dossier n'attend d'avis" in page


def test_a_dossier_not_ready_for_an_opinion_is_refused_on_the_agenda(agent):
    session = copil()
    draft = dossier(agent, "Brouillon", "brouillon")
    with pytest.raises(InvalidTransition, match="ne peut pas recevoir d'avis"):
        committees.add_to_agenda(session, draft, agent)
    application = dossier(agent, "Prêt")
    committees.add_to_agenda(session, application, agent)
    with pytest.raises(InvalidTransition, match="déjà à l'ordre du jour"):
        committees.add_to_agenda(session, application, agent)
    assert AgendaItem.objects.count() == 1


@pytest.mark.parametrize("value", ["", "\x00", "9" * 5000, "1e999", "NaN", "a" * 100_000])
def test_a_hostile_dossier_id_is_refused_in_french(staff, agent, value):
    session = copil()
    dossier(agent, "Prêt")
    token = form_token(staff, session_url(session))
    response = staff.post(
        reverse("comites:agenda_add", args=[session.pk]), {"application": value, "form_token": token}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        "Sélectionnez un choix valide" in page
        or "Ce champ est obligatoire." in page
        or "caractère nul" in page
    )
    assert not AgendaItem.objects.exists()


# --- opinions ----------------------------------------------------------------------------------------


def test_an_opinion_moves_the_dossier_to_avis_rendu_and_logs_the_transition(staff, agent):
    session = copil(place="Toulouse")
    application = dossier(agent, "Maison de l'emploi")
    committees.add_to_agenda(session, application, agent)
    response = post_opinion(
        staff, session, application, "favorable", "Dossier complet et partenariats solides."
    )
    assert response.status_code == 302
    assert response["Location"] == f"{session_url(session)}#dossier-{application.pk}"
    application.refresh_from_db()
    assert application.state == "avis-rendu"
    log = ApplicationLog.objects.filter(application=application).last()
    assert (log.transition, log.from_state, log.to_state, log.by) == (
        "rendre-avis",
        "en-instruction",
        "avis-rendu",
        agent,
    )
    assert log.comment == f"{session} : Avis favorable"
    opinion = Opinion.objects.get()
    assert (opinion.session, opinion.value, opinion.given_by) == (session, "favorable", agent)
    assert opinion.reasoning == "Dossier complet et partenariats solides."
    page = staff.get(session_url(session)).content.decode()
    assert "Avis favorable" in page and "Dossier complet et partenariats solides." in page
    assert f'name="dossier-{application.pk}-value"' not in page


def test_a_second_session_gives_its_own_opinion_on_a_dossier_already_examined(staff, agent):
    first, second = copil(date(2026, 3, 1)), copil(date(2026, 4, 1))
    application = dossier(agent, "Examiné deux fois")
    workflow.give_opinion(application, first, "ajournement", agent, "Pièces à préciser.")
    committees.add_to_agenda(second, application, agent)
    response = post_opinion(staff, second, application, "favorable")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "avis-rendu"
    assert application.log.filter(transition="rendre-avis").count() == 1
    assert list(application.opinions.values_list("session", "value")) == [
        (first.pk, "ajournement"),
        (second.pk, "favorable"),
    ]


@pytest.mark.parametrize(
    "value,reasoning,message",
    [
        ("defavorable", "", "Motivez un avis défavorable ou une proposition d&#x27;ajournement."),
        ("ajournement", "   ", "Motivez un avis défavorable ou une proposition d&#x27;ajournement."),
        ("", "Motif", "Ce champ est obligatoire."),
        ("accorde", "Motif", "Sélectionnez un choix valide."),
        ("\x00", "Motif", "Sélectionnez un choix valide."),
        ("NaN", "Motif", "Sélectionnez un choix valide."),
        ("favorable", "ab\x00cd", "caractère nul"),
        ("favorable", "a" * 100_000, "au plus"),
    ],
)
def test_a_refused_opinion_is_shown_in_french_and_nothing_is_written(staff, agent, value, reasoning, message):
    session = copil()
    application = dossier(agent, "Refus")
    committees.add_to_agenda(session, application, agent)
    response = post_opinion(staff, session, application, value, reasoning)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "<title>Erreur" in page
    application.refresh_from_db()
    assert application.state == "en-instruction"
    assert not Opinion.objects.exists()
    assert not application.log.filter(transition="rendre-avis").exists()


def test_an_opinion_on_a_dossier_that_is_no_longer_ready_is_refused_in_french(staff, agent):
    session = copil()
    application = dossier(agent, "Complément en cours")
    committees.add_to_agenda(session, application, agent)
    workflow.request_complement(application, agent, "Une pièce manque.", ["adhesion-signee"])
    response = post_opinion(staff, session, application, "favorable")
    assert response.status_code == 422
    assert (
        "« Enregistrer l&#x27;avis de l&#x27;instance » n&#x27;est pas possible" in response.content.decode()
    )
    assert not Opinion.objects.exists()


def test_an_opinion_on_a_dossier_not_on_the_agenda_is_not_found(staff, agent):
    session = copil()
    application = dossier(agent, "Hors ordre du jour")
    assert post_opinion(staff, session, application, "favorable").status_code == 404
    assert not Opinion.objects.exists()


def test_a_double_submit_writes_one_opinion(staff, agent):
    session = copil()
    application = dossier(agent, "Double clic")
    committees.add_to_agenda(session, application, agent)
    token = form_token(staff, session_url(session))
    first = post_opinion(staff, session, application, "favorable", token=token)
    again = post_opinion(staff, session, application, "favorable", token=token)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert ALREADY_SENT_MESSAGE.replace("'", "&#x27;") in staff.get(again["Location"]).content.decode()
    assert Opinion.objects.count() == 1
    assert application.log.filter(transition="rendre-avis").count() == 1


def test_a_second_tab_posting_another_opinion_is_refused(staff, agent):
    session = copil()
    application = dossier(agent, "Deux onglets")
    committees.add_to_agenda(session, application, agent)
    page = staff.get(session_url(session)).content.decode()
    second_tab_token = TOKEN.findall(page)[0]
    assert post_opinion(staff, session, application, "favorable").status_code == 302
    response = post_opinion(staff, session, application, "defavorable", "Non.", token=second_tab_token)
    assert response.status_code == 302
    assert (
        "Cette séance a déjà rendu son avis sur ce dossier."
        in staff.get(response["Location"]).content.decode()
    )
    assert list(Opinion.objects.values_list("value", flat=True)) == ["favorable"]


# --- minutes -----------------------------------------------------------------------------------------


def test_the_minutes_are_saved_and_a_hostile_text_is_refused(staff, agent):
    session = copil()
    token = form_token(staff, session_url(session))
    response = staff.post(
        reverse("comites:minutes", args=[session.pk]),
        {"minutes": "Trois dossiers examinés.", "form_token": token},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.minutes == "Trois dossiers examinés."
    token = form_token(staff, session_url(session))
    response = staff.post(
        reverse("comites:minutes", args=[session.pk]), {"minutes": "x\x00y", "form_token": token}
    )
    assert response.status_code == 422
    assert "caractère nul" in response.content.decode()
    session.refresh_from_db()
    assert session.minutes == "Trois dossiers examinés."


def test_the_minutes_pdf_names_the_session_its_members_and_each_dossier_with_its_opinion(staff, agent):
    session = copil(
        date(2026, 6, 4),
        place="Hôtel de Région, Toulouse",
        members_present="Région (présidence)\nÉtat — DRAJES",
        minutes="Deux dossiers examinés ; un en attente.",
    )
    favourable = dossier(agent, "Cité des métiers d'Albi")
    unfavourable = dossier(agent, "Maison <b>& de l'emploi", "complete")
    waiting = dossier(agent, "Point information jeunesse")
    workflow.give_opinion(favourable, session, "favorable", agent, "Dossier complet.")
    workflow.give_opinion(
        unfavourable, session, "defavorable", agent, "Activité d'orientation non distincte."
    )
    committees.add_to_agenda(session, waiting, agent)
    response = staff.get(reverse("comites:minutes_pdf", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "proces-verbal-copil-spro-2026-06-04.pdf" in response["Content-Disposition"]
    text = text_of(response.content)
    for expected in (
        "Procès-verbal de la séance — COPIL SPRO",
        "Date : 04/06/2026",
        "Lieu : Hôtel de Région, Toulouse",
        "Région (présidence)",
        "État — DRAJES",
        f"1. Cité des métiers d'Albi (dossier n° {favourable.pk})",
        "Volets : Volet SPRO (premier niveau d'accueil)",
        "Avis : Avis favorable",
        "Motivation : Dossier complet.",
        f"2. Maison <b>& de l'emploi (dossier n° {unfavourable.pk})",
        "Avis : Avis défavorable",
        "Motivation : Activité d'orientation non distincte.",
        "3. Point information jeunesse",
        "Pas d'avis enregistré lors de cette séance.",
        "Relevé de décisions",
        "Deux dossiers examinés ; un en attente.",
    ):
        assert expected in text, expected


def test_a_long_minutes_pdf_runs_over_several_pages(agent):
    session = copil(members_present="\n".join(f"Membre {n}" for n in range(200)), minutes="Texte. " * 3000)
    reader = PdfReader(io.BytesIO(render_minutes(session)))
    assert len(reader.pages) > 3
    assert "Membre 199" in " ".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("token", ["", "forgé", "x\x00y", "a" * 100_000])
def test_an_opinion_without_a_valid_token_redisplays_the_session_and_writes_nothing(staff, agent, token):
    session = copil()
    application = dossier(agent, "Jeton")
    committees.add_to_agenda(session, application, agent)
    response = post_opinion(staff, session, application, "favorable", "Motif", token=token)
    assert response.status_code == 400
    page = response.content.decode()
    assert EXPIRED_MESSAGE.replace("'", "&#x27;") in page
    assert "<h1>Séance COPIL SPRO du" in page and 'name="form_token"' in page
    assert not Opinion.objects.exists()
    application.refresh_from_db()
    assert application.state == "en-instruction"


def test_a_double_click_on_the_new_session_form_creates_one_session(staff):
    url = reverse("comites:create")
    data = {"committee": "copil-spro", "held_on": "2026-06-04", "form_token": form_token(staff, url)}
    first, second = staff.post(url, data), staff.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert CommitteeSession.objects.count() == 1


def test_only_region_staff_plan_sessions_and_fill_agendas(agent):
    application = dossier(agent, "Candidate")
    member = application.structure.memberships.get().user
    with pytest.raises(InvalidTransition, match="Seuls les agents de la Région"):
        committees.plan_session("76", "copil-spro", date(2026, 6, 4), member)
    session = copil()
    with pytest.raises(InvalidTransition, match="Seuls les agents de la Région"):
        committees.add_to_agenda(session, application, member)
    with pytest.raises(InvalidTransition, match="Choisissez une instance nommée par la politique"):
        committees.plan_session("76", "commission-omspp", date(2026, 6, 4), agent)
    assert CommitteeSession.objects.count() == 1 and not AgendaItem.objects.exists()
