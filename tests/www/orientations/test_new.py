"""Recording a referral: situation (step 1, GET), suggested networks and nearest sites, then consent."""

import pytest
from django.core import mail

from spro.referrals.models import Referral
from tests.forms import post_form
from tests.referrals.factories import login

pytestmark = pytest.mark.django_db

URL = "/espace-pro/orientations/nouvelle/"


def situation(w, **extra) -> str:
    params = {
        "structure": w.structure_a.pk,
        "age": 30,
        "statut": "demandeur-emploi",
        "besoin": "trouver-emploi",
        "commune": "Toulouse",
        **extra,
    }
    return URL + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_it_asks_the_situation_first(client, w):
    login(client, w.alice)
    html = client.get(URL).content.decode()
    assert "Étape 1 sur 2" in html
    assert 'name="besoin"' in html and 'name="person_name"' not in html


def test_it_requires_the_need(client, w):
    login(client, w.alice)
    html = client.get(URL + f"?structure={w.structure_a.pk}&besoin=").content.decode()
    assert "Choisissez le besoin de la personne." in html


def test_it_suggests_networks_and_the_nearest_sites_of_other_structures(client, w):
    login(client, w.alice)
    response = client.get(situation(w))
    html = response.content.decode()
    assert "Étape 2 sur 2" in html
    assert "France Travail" in html
    assert f'value="{w.site_b.pk}"' in html
    assert f'value="{w.site_a.pk}"' not in html  # never one's own structure


def test_it_lists_the_sites_of_another_network_on_demand(client, w):
    login(client, w.alice)
    html = client.get(situation(w, reseau="cio", besoin="trouver-emploi")).content.decode()
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
        response = post_form(client, situation(w), data)
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
    html = post_form(client, situation(w), data).content.decode()
    assert "Recueillez le consentement de la personne" in html
    assert not Referral.objects.exists()


def test_it_asks_a_way_to_reach_the_person_for_an_appointment(client, w):
    login(client, w.alice)
    data = {"to_site": w.site_b.pk, "mode": "rendez-vous-demande", "consent": "on", "consent_kind": "ecrit"}
    html = post_form(client, situation(w), data).content.decode()
    assert "Indiquez le nom de la personne" in html
    assert not Referral.objects.exists()


def test_it_warns_of_a_third_door_and_requires_a_reason(client, w):
    login(client, w.alice)
    url = situation(w, premiere_porte="cio")
    assert "ce serait une troisième structure" in client.get(url).content.decode()
    data = {"to_site": w.site_b.pk, "mode": "coordonnees-remises", "consent": "on", "consent_kind": "oral"}
    assert "expliquez pourquoi une troisième" in post_form(client, url, data).content.decode()
    assert not Referral.objects.exists()
    post_form(client, url, {**data, "third_door_reason": "Le CIO ne traite pas l'emploi"})
    assert Referral.objects.get().is_third_door


def test_a_structure_the_user_does_not_belong_to_cannot_be_the_sender(client, w):
    login(client, w.alice)
    html = client.get(situation(w, structure=w.structure_b.pk)).content.decode()
    assert "Étape 1 sur 2" in html


def test_it_says_when_the_sending_structures_network_is_the_best_door(client, w):
    login(client, w.alice)
    html = client.get(situation(w, age=20, statut="sans-activite")).content.decode()
    assert "Votre réseau est le plus adapté à cette situation" in html
    html = client.get(situation(w, age=40, statut="demandeur-emploi")).content.decode()
    assert "Votre réseau est le plus adapté" not in html
