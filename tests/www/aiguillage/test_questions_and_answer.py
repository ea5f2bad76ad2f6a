"""Public path "Trouver mon interlocuteur": six skippable questions, then the answer; nothing stored."""

import pytest
from django.apps import apps

from tests.routing.factories import site

pytestmark = pytest.mark.django_db
START = "/trouver-mon-interlocuteur/"
ANSWER = "/trouver-mon-interlocuteur/reponse/"


def row_counts() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_questions_page_asks_at_most_six_labelled_skippable_questions(client):
    response = client.get(START)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "<title>Trouver mon interlocuteur —" in html
    for number in range(1, 7):
        assert f"{number}. " in html
    assert "7. " not in html
    assert 'method="get"' in html and f'action="{ANSWER}"' in html
    for name in ("age", "statut", "besoin", "secteur", "rqth", "cadre", "commune"):
        assert f'for="id_{name}"' in html, name
    assert "required" not in html.split('<form method="get"')[1].split("</form>")[0]
    assert not response.cookies


def test_the_answer_names_the_network_and_says_why(client):
    response = client.get(
        ANSWER, {"age": 18, "statut": "sans-activite", "besoin": "apprentissage", "secteur": "artisanat"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Notre réponse — Trouver mon interlocuteur" in html
    assert "Adressez-vous à : Chambre de métiers et de l&#x27;artisanat" in html
    assert "Centre d&#x27;aide à la décision de la Chambre de métiers vous aide" in html
    assert "À apporter" in html
    assert "Indiquez votre commune pour voir les lieux les plus proches" in html


def test_the_answer_lists_the_nearest_sites_with_hours_and_a_map(client):
    near = site(
        "mission-locale",
        needs=["trouver-un-emploi"],
        offset_km=2,
        opening_hours="Mo-Fr 09:00-12:00,14:00-17:00",
    )
    response = client.get(
        ANSWER, {"age": 20, "statut": "sans-activite", "besoin": "trouver-emploi", "commune": "Toulouse"}
    )
    html = response.content.decode()
    assert "Adressez-vous à : Mission Locale" in html
    assert near.name in html
    assert "À 2,0 km" in html
    assert "du lundi au vendredi 9 h – 12 h, 14 h – 17 h" in html
    assert 'id="carte-lieux"' in html and 'id="lieux-carte"' in html
    assert f"/trouver-mon-interlocuteur/contact/{near.pk}/?" in html


def test_when_no_second_door_is_needed_it_gives_first_level_information(client):
    response = client.get(ANSWER, {"statut": "retraite", "besoin": "decouvrir-metiers"})
    html = response.content.decode()
    assert "Pas besoin d'un autre rendez-vous" in html
    assert "Adressez-vous à" not in html
    assert "https://www.onisep.fr" in html


def test_every_question_can_be_skipped(client):
    response = client.get(ANSWER, {"age": "", "statut": "", "besoin": "", "secteur": "", "commune": ""})
    assert response.status_code == 200
    assert "Vous n'avez répondu à aucune question." in response.content.decode()


def test_a_wrong_answer_shows_the_questions_again_with_a_french_error(client):
    response = client.get(ANSWER, {"age": "dix-sept", "statut": "chomeur"})
    html = response.content.decode()
    assert "Indiquez votre âge en chiffres, par exemple 17." in html
    assert "Sélectionnez un choix valide" in html
    assert 'aria-describedby="id_age-erreur"' in html


def test_an_unknown_commune_is_said_and_the_answer_still_given(client):
    response = client.get(ANSWER, {"statut": "eleve", "commune": "Xyzville"})
    html = response.content.decode()
    assert "Nous n'avons pas trouvé la commune « Xyzville »" in html
    assert "Adressez-vous à : Centre d&#x27;information et d&#x27;orientation" in html


def test_nothing_about_the_person_is_stored_and_no_cookie_is_set(client):
    site("cap-emploi", needs=["trouver-un-emploi"], offset_km=1)
    before = row_counts()
    response = client.get(
        ANSWER,
        {
            "age": 40,
            "statut": "demandeur-emploi",
            "rqth": "on",
            "besoin": "trouver-emploi",
            "commune": "31555",
        },
    )
    assert "Adressez-vous à : Cap emploi" in response.content.decode()
    assert row_counts() == before
    assert not response.cookies
