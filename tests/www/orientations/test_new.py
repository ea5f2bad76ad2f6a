"""Recording a referral: situation (step 1, posted), suggested networks and nearest sites, then consent.

The person's situation (age, sex, disability recognition…) never travels in a URL: step 1 is posted
(CSRF) and kept in the professional's session under a random key, which is all the address of step 2
carries.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from spro.referrals.models import Referral
from tests.forms import post_form
from tests.referrals.factories import login, referral, refusal_reason

pytestmark = pytest.mark.django_db

URL = "/espace-pro/orientations/nouvelle/"
PERSONAL_KEYS = ("age", "sexe", "statut", "diplome", "mois_hors_ecole", "secteur", "cadre", "rqth", "commune")


def situation(client, w, **extra) -> str:
    """Post step 1 as the browser does; the address of step 2 (it names a random key only)."""
    params = {
        "structure": w.structure_a.pk,
        "age": 30,
        "statut": "demandeur-emploi",
        "besoin": "trouver-emploi",
        "commune": "Toulouse",
        **extra,
    }
    response = post_form(client, URL, {"etape": "situation", **params})
    assert response.status_code == 303, response.content.decode()[:3000]
    location = response["Location"]
    assert re.fullmatch(rf"{URL}\?situation=[A-Za-z0-9_-]{{16,}}", location), location
    return location


def test_step_one_is_posted_with_a_csrf_token(client, w):
    login(client, w.alice)
    html = client.get(URL).content.decode()
    assert f'<form method="post" action="{URL}"' in html
    assert 'name="csrfmiddlewaretoken"' in html and 'name="etape" value="situation"' in html
    strict = Client(enforce_csrf_checks=True)
    login(strict, w.alice)
    assert strict.post(URL, {"etape": "situation", "besoin": "trouver-emploi"}).status_code == 403


def test_no_answer_about_the_person_ever_appears_in_an_address(client, w):
    login(client, w.alice)
    location = situation(client, w, rqth="on", sexe="femme", diplome="bac", secteur="artisanat")
    html = client.get(location).content.decode()
    assert "Étape 2 sur 2" in html
    urls = [location, *re.findall(r'(?:href|action)="([^"]*)"', html)]
    for url in urls:
        query = url.partition("?")[2].replace("&amp;", "&")
        for key in PERSONAL_KEYS:
            assert not re.search(rf"(^|&){key}=", query), url


def test_answers_put_in_the_address_are_ignored(client, w):
    login(client, w.alice)
    html = client.get(
        URL + f"?structure={w.structure_a.pk}&besoin=trouver-emploi&age=30&rqth=on&commune=31555"
    ).content.decode()
    assert "Étape 1 sur 2" in html
    assert 'value="30"' not in html and 'value="31555"' not in html


def test_an_unknown_key_or_another_persons_key_shows_step_one(client, w):
    login(client, w.alice)
    location = situation(client, w)
    assert "Étape 1 sur 2" in client.get(URL + "?situation=inconnue").content.decode()
    other = Client()
    login(other, w.alice)  # another session of the same person does not share the situation either
    assert "Étape 1 sur 2" in other.get(location).content.decode()


def test_two_people_in_two_tabs_keep_their_own_situation(client, w):
    login(client, w.alice)
    first = situation(client, w, age=20, statut="sans-activite")
    second = situation(client, w, age=40, statut="demandeur-emploi")
    assert "Votre réseau est le plus adapté" in client.get(first).content.decode()
    assert "Votre réseau est le plus adapté" not in client.get(second).content.decode()
    data = {"to_site": w.site_b.pk, "mode": "coordonnees-remises", "consent": "on", "consent_kind": "oral"}
    post_form(client, first, data)
    assert Referral.objects.get().situation["age"] == 20


def test_modifying_the_situation_shows_step_one_filled(client, w):
    login(client, w.alice)
    location = situation(client, w, age=33)
    step2 = client.get(location).content.decode()
    assert f'href="{location}&amp;modifier=1"' in step2
    step1 = client.get(location + "&modifier=1").content.decode()
    assert "Étape 1 sur 2" in step1 and 'value="33"' in step1 and 'value="Toulouse"' in step1


def test_the_situation_is_forgotten_once_the_referral_is_recorded(client, w):
    login(client, w.alice)
    location = situation(client, w)
    data = {"to_site": w.site_b.pk, "mode": "coordonnees-remises", "consent": "on", "consent_kind": "oral"}
    assert post_form(client, location, data).status_code == 302
    assert "Étape 1 sur 2" in client.get(location).content.decode()
    assert not any("situation" in key for key in client.session.keys() if client.session[key])


def test_the_sender_proposes_another_site_from_the_referral_number_only(client, w):
    r = referral(w)
    r.process("refuser", user=w.bob, refusal_reason=refusal_reason())
    login(client, w.alice)
    html = client.get(f"/espace-pro/orientations/{r.pk}/").content.decode()
    assert f'href="{URL}?depuis={r.pk}"' in html
    step1 = client.get(f"{URL}?depuis={r.pk}").content.decode()
    assert "Étape 1 sur 2" in step1 and 'value="Toulouse (31)"' in step1 and 'value="22"' in step1
    login(client, w.carole)  # another structure: nothing of the referral is shown
    assert 'value="22"' not in client.get(f"{URL}?depuis={r.pk}").content.decode()


def test_it_asks_the_situation_first(client, w):
    login(client, w.alice)
    html = client.get(URL).content.decode()
    assert "Étape 1 sur 2" in html
    assert 'name="besoin"' in html and 'name="person_name"' not in html


def test_it_requires_the_need(client, w):
    login(client, w.alice)
    response = post_form(client, URL, {"etape": "situation", "structure": w.structure_a.pk, "besoin": ""})
    assert response.status_code == 200
    assert "Choisissez le besoin de la personne." in response.content.decode()


def test_it_suggests_networks_and_the_nearest_sites_of_other_structures(client, w):
    login(client, w.alice)
    response = client.get(situation(client, w))
    html = response.content.decode()
    assert "Étape 2 sur 2" in html
    assert "France Travail" in html
    assert f'value="{w.site_b.pk}"' in html
    assert f'value="{w.site_a.pk}"' not in html  # never one's own structure


def test_it_lists_the_sites_of_another_network_on_demand(client, w):
    login(client, w.alice)
    html = client.get(situation(client, w, reseau="cio", besoin="trouver-emploi")).content.decode()
    assert f'value="{w.site_c.pk}"' in html


def test_it_records_an_appointment_with_consent(client, w, django_capture_on_commit_callbacks):
    login(client, w.alice)
    data = {
        "to_site": w.site_b.pk,
        "mode": "rendez-vous-demande",
        "consent": "on",
        "consent_kind": "oral",
        "person_name": "Camille",
        "person_phone": "06 12 34 56 78",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(client, situation(client, w), data)
    r = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/espace-pro/orientations/{r.pk}/"
    assert (r.sender_structure, r.to_site, r.need, r.person_name) == (
        w.structure_a,
        w.site_b,
        "trouver-emploi",
        "Camille",
    )
    assert r.situation["premiere_porte"] == "mission-locale" and r.situation["commune"] == "31555"
    assert [m.to for m in mail.outbox] == [["bob@france-travail.test"]]


def test_it_refuses_without_consent_and_stores_nothing(client, w):
    login(client, w.alice)
    data = {"to_site": w.site_b.pk, "mode": "coordonnees-remises", "consent_kind": "oral"}
    html = post_form(client, situation(client, w), data).content.decode()
    assert "Recueillez le consentement de la personne" in html
    assert not Referral.objects.exists()


def test_it_asks_a_way_to_reach_the_person_for_an_appointment(client, w):
    login(client, w.alice)
    data = {"to_site": w.site_b.pk, "mode": "rendez-vous-demande", "consent": "on", "consent_kind": "ecrit"}
    html = post_form(client, situation(client, w), data).content.decode()
    assert "Indiquez le nom de la personne" in html
    assert not Referral.objects.exists()


def test_it_warns_of_a_third_door_and_requires_a_reason(client, w):
    login(client, w.alice)
    url = situation(client, w, premiere_porte="cio")
    assert "ce serait une troisième structure" in client.get(url).content.decode()
    data = {"to_site": w.site_b.pk, "mode": "coordonnees-remises", "consent": "on", "consent_kind": "oral"}
    assert "expliquez pourquoi une troisième" in post_form(client, url, data).content.decode()
    assert not Referral.objects.exists()
    post_form(client, url, {**data, "third_door_reason": "Le CIO ne traite pas l'emploi"})
    assert Referral.objects.get().is_third_door


def test_a_structure_the_user_does_not_belong_to_cannot_be_the_sender(client, w):
    login(client, w.alice)
    response = post_form(
        client, URL, {"etape": "situation", "structure": w.structure_b.pk, "besoin": "trouver-emploi"}
    )
    assert response.status_code == 200 and "Étape 1 sur 2" in response.content.decode()


def test_it_says_when_the_sending_structures_network_is_the_best_door(client, w):
    login(client, w.alice)
    html = client.get(situation(client, w, age=20, statut="sans-activite")).content.decode()
    assert "Votre réseau est le plus adapté à cette situation" in html
    html = client.get(situation(client, w, age=40, statut="demandeur-emploi")).content.decode()
    assert "Votre réseau est le plus adapté" not in html


def test_it_shows_before_sending_that_a_structure_without_active_member_cannot_answer_online(client, w):
    login(client, w.alice)
    location = situation(client, w)
    assert "Ne peut pas répondre en ligne" not in client.get(location).content.decode()
    w.bob.is_active = False
    w.bob.save()
    html = client.get(location).content.decode()
    block = html[html.index(f'id="lieu-{w.site_b.pk}"') :]
    block = block[: block.index("fr-fieldset__element") if "fr-fieldset__element" in block else None]
    assert "Ne peut pas répondre en ligne" in block
