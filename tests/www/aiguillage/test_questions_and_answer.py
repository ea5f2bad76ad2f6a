"""Public path "Trouver mon interlocuteur": six skippable questions, then the answer; nothing stored.

The answers are posted (CSRF), kept only in a signed cookie of the person's browser, and the answer page
is reached by a redirect (PRG): no answer ever travels in a URL, so none reaches an access log, the
browser history or a Referer. A result is shared by network and commune only.
"""

import re

import pytest
import time_machine
from django.apps import apps
from django.test import Client

from spro.www.aiguillage.views import ANSWERS_COOKIE
from tests.routing.factories import site

pytestmark = pytest.mark.django_db
START = "/trouver-mon-interlocuteur/"
ANSWER = "/trouver-mon-interlocuteur/reponse/"
FORGET = "/trouver-mon-interlocuteur/effacer/"
PERSONAL_KEYS = ("age", "statut", "besoin", "secteur", "rqth", "cadre")


def row_counts() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def answer(client, **answers):
    """Post the answers as a browser does, follow the redirect, return (post response, answer page)."""
    posted = client.post(ANSWER, answers)
    assert posted.status_code == 303, posted.status_code
    assert posted["Location"] == ANSWER
    return posted, client.get(ANSWER)


def without_csrf_token(html: str) -> str:
    """The page without what changes at every response (the masked CSRF token, the CSP nonce)."""
    return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)


def urls_in(html: str) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"]*)"', html)


def test_the_questions_page_asks_at_most_six_labelled_skippable_questions(client):
    response = client.get(START)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "<title>Trouver mon interlocuteur —" in html
    for number in range(1, 7):
        assert f"{number}. " in html
    assert "7. " not in html
    for name in ("age", "statut", "besoin", "secteur", "rqth", "cadre", "commune"):
        assert f'for="id_{name}"' in html, name
    form = html.split('<form method="post"')[1].split("</form>")[0]
    assert "required" not in form


def test_it_posts_the_answers_with_a_csrf_token_and_never_by_get(client):
    html = client.get(START).content.decode()
    assert f'<form method="post" action="{ANSWER}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(ANSWER, {"age": 18}).status_code == 403


def test_it_redirects_to_a_result_page_whose_address_carries_no_answer(client):
    site("mission-locale", needs=["trouver-un-emploi"], offset_km=2)
    posted, page = answer(client, age=20, statut="sans-activite", besoin="trouver-emploi", commune="Toulouse")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Adressez-vous à : Mission Locale" in html
    assert "Selon vos réponses : 20 ans" in html
    for url in [posted["Location"], *urls_in(html)]:
        query = url.partition("?")[2]
        for key in PERSONAL_KEYS:
            assert not re.search(rf"(^|&|;|&amp;){key}=", query), url
        assert "Toulouse" not in url


def test_a_reload_shows_the_same_answer_and_modifier_mes_reponses_shows_them_again(client):
    _, page = answer(client, age=18, statut="sans-activite", besoin="apprentissage", secteur="artisanat")
    again = client.get(ANSWER).content.decode()
    assert without_csrf_token(again) == without_csrf_token(page.content.decode())
    assert f'<a class="fr-link" href="{START}">Modifier mes réponses</a>' in again
    questions = client.get(START).content.decode()
    assert 'name="age" value="18"' in questions
    assert '<option value="apprentissage" selected>' in questions
    assert '<option value="artisanat" selected>' in questions


def test_the_answer_names_the_network_and_says_why(client):
    _, page = answer(client, age=18, statut="sans-activite", besoin="apprentissage", secteur="artisanat")
    html = page.content.decode()
    # The title, read first by a screen reader and kept in the history, says the answer itself.
    title = html.split("<title>")[1].split("</title>")[0]
    assert title.startswith("Votre interlocuteur : Chambre de métiers et de l&#x27;artisanat")
    assert title.endswith("— Trouver mon interlocuteur — Orientation Occitanie")
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
    _, page = answer(client, age=20, statut="sans-activite", besoin="trouver-emploi", commune="Toulouse")
    html = page.content.decode()
    assert "Adressez-vous à : Mission Locale" in html
    assert near.name in html
    assert "À 2,0 km" in html
    assert "du lundi au vendredi 9 h – 12 h, 14 h – 17 h" in html
    assert 'id="carte-lieux"' in html and 'id="lieux-carte"' in html
    assert f'href="/trouver-mon-interlocuteur/contact/{near.pk}/"' in html


def test_the_result_offers_a_link_to_share_by_network_and_commune_only(client):
    site("mission-locale", needs=["trouver-un-emploi"], offset_km=2)
    _, page = answer(client, age=20, statut="sans-activite", besoin="trouver-emploi", commune="Toulouse")
    html = page.content.decode()
    assert f'href="{ANSWER}?reseau=mission-locale&amp;commune=31555"' in html
    assert "Partager ce résultat" in html


def test_a_shared_result_shows_the_network_and_its_nearby_places_without_personal_answers(client):
    near = site("mission-locale", needs=["trouver-un-emploi"], offset_km=2)
    far_network = site("cio", needs=["orientation"], offset_km=1)
    response = Client().get(ANSWER, {"reseau": "mission-locale", "commune": "31555"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Résultat partagé" in html
    assert "ne contient aucune des réponses" in html
    assert "Mission Locale" in html and near.name in html
    assert far_network.name not in html
    assert "Selon vos réponses" not in html and "Modifier mes réponses" not in html
    assert 'id="carte-lieux"' in html
    assert f'href="/trouver-mon-interlocuteur/contact/{near.pk}/"' in html


def test_a_shared_result_without_commune_names_the_network_only(client):
    html = client.get(ANSWER, {"reseau": "cio"}).content.decode()
    assert "Résultat partagé" in html
    assert "Centre d&#x27;information et d&#x27;orientation" in html


@pytest.mark.parametrize(
    "query",
    [
        {"reseau": "inconnu"},
        {"reseau": "\x00"},
        {"reseau": "x" * 100_000},
        "reseau=mission-locale&commune=%00",
        "reseau=mission-locale&commune=%ED%A0%80",
        "reseau=mission-locale&commune=99999",
        "reseau=%ED%A0%80",
    ],
)
def test_a_shared_link_with_a_wrong_network_or_commune_gets_a_french_answer(client, query):
    response = client.get(ANSWER, query) if isinstance(query, dict) else client.get(f"{ANSWER}?{query}")
    html = response.content.decode()
    if "commune" in query:
        assert response.status_code == 200
        assert "Nous n'avons pas trouvé la commune de ce lien" in html
    else:
        assert response.status_code == 404
        assert "Ce réseau n'est pas connu" in html


def test_answers_put_in_the_address_are_ignored(client):
    legacy = client.get(ANSWER, {"age": 40, "statut": "demandeur-emploi", "commune": "31555"})
    assert legacy.status_code == 302 and legacy["Location"] == START
    questions = client.get(START, {"age": 40}).content.decode()
    age_input = re.search(r'<input[^>]*name="age"[^>]*>', questions).group(0)
    assert "value=" not in age_input


def test_the_answer_page_without_answers_sends_back_to_the_questions(client):
    response = client.get(ANSWER)
    assert response.status_code == 302 and response["Location"] == START


def test_a_tampered_or_expired_answer_cookie_is_ignored(client):
    client.cookies[ANSWERS_COOKIE] = "eyJhZ2UiOjQwfQ:forged:signature"
    response = client.get(ANSWER)
    assert response.status_code == 302 and response["Location"] == START


def test_every_question_can_be_skipped(client):
    _, page = answer(client, age="", statut="", besoin="", secteur="", commune="")
    assert page.status_code == 200
    assert "Vous n'avez répondu à aucune question." in page.content.decode()


def test_a_wrong_answer_shows_the_questions_again_with_a_french_error(client):
    response = client.post(ANSWER, {"age": "dix-sept", "statut": "chomeur"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez votre âge en chiffres, par exemple 17." in html
    assert "Sélectionnez un choix valide" in html
    assert 'aria-describedby="id_age-erreur"' in html
    assert ANSWERS_COOKIE not in response.cookies


@pytest.mark.parametrize(
    "data",
    [
        {"age": "1e999"},
        {"age": "NaN"},
        {"age": "-Infinity"},
        {"age": "9" * 5000},
        {"age": "1\x00"},
        {"commune": "Albi\x00"},
        "commune=%ED%A0%80%00",
        {"commune": "x" * 100_000},
        {"statut": "\x00"},
        {"besoin": "x" * 100_000},
    ],
)
def test_hostile_answers_get_the_form_again_with_a_french_error_and_nothing_kept(client, data):
    before = row_counts()
    if isinstance(data, str):
        response = client.post(ANSWER, data, content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(ANSWER, data)
    assert response.status_code == 200
    assert "Le formulaire contient 1 erreur" in response.content.decode()
    assert ANSWERS_COOKIE not in response.cookies
    assert row_counts() == before


def test_an_unknown_commune_is_said_and_the_answer_still_given(client):
    _, page = answer(client, statut="eleve", commune="Xyzville")
    html = page.content.decode()
    assert "Nous n'avons pas trouvé la commune « Xyzville »" in html
    assert "Adressez-vous à : Centre d&#x27;information et d&#x27;orientation" in html


def test_when_no_second_door_is_needed_it_gives_first_level_information(client):
    _, page = answer(client, statut="retraite", besoin="decouvrir-metiers")
    html = page.content.decode()
    assert "<title>Pas besoin d'un autre rendez-vous — Trouver mon interlocuteur" in html
    assert "Pas besoin d'un autre rendez-vous" in html
    assert "Adressez-vous à" not in html
    assert "https://www.onisep.fr" in html


def test_nothing_about_the_person_is_stored_on_the_server(client):
    site("cap-emploi", needs=["trouver-un-emploi"], offset_km=1)
    before = row_counts()
    _, page = answer(
        client, age=40, statut="demandeur-emploi", rqth="on", besoin="trouver-emploi", commune="31555"
    )
    assert "Adressez-vous à : Cap emploi" in page.content.decode()
    assert row_counts() == before


def test_the_answers_cookie_is_signed_limited_to_the_path_and_to_the_browser_session(client):
    posted, _ = answer(client, age=40, commune="31555")
    cookie = posted.cookies[ANSWERS_COOKIE]
    assert cookie["path"] == START
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone when the browser closes


def test_the_person_can_forget_the_answers(client):
    answer(client, age=40, commune="31555")
    response = client.post(FORGET)
    assert response.status_code == 303 and response["Location"] == START
    assert response.cookies[ANSWERS_COOKIE].value == ""
    assert client.get(ANSWER)["Location"] == START
    assert client.get(FORGET).status_code == 405


def test_no_referer_leaves_for_the_tile_server(client):
    _, page = answer(client, age=40, commune="31555")
    assert page["Referrer-Policy"] == "same-origin"


def test_the_answers_are_forgotten_two_hours_after_they_were_given(client):
    with time_machine.travel("2026-03-02 10:00:00 +01:00", tick=False):
        answer(client, age=40, commune="31555")
    with time_machine.travel("2026-03-02 11:59:00 +01:00", tick=False):
        assert client.get(ANSWER).status_code == 200
    with time_machine.travel("2026-03-02 12:01:00 +01:00", tick=False):
        assert client.get(ANSWER)["Location"] == START
