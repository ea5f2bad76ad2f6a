"""Région pages: indicators (staff), audit log and requests of one person (administrators only)."""

import json

import pytest

from spro.referrals.models import PersonalDataAccess, Referral
from tests.referrals.factories import PERSON, contact_request, login, referral, user

pytestmark = pytest.mark.django_db

INDICATORS = "/region/orientations/"
AUDIT = "/region/orientations/journal-des-acces/"
PERSONS = "/region/orientations/donnees-personnelles/"


@pytest.mark.parametrize(
    "persona, indicators, audit, persons",
    [("alice", 403, 403, 403), ("bob", 403, 403, 403), ("iris", 200, 403, 403), ("remi", 200, 200, 200)],
)
def test_who_may_open_the_region_pages(client, w, persona, indicators, audit, persons):
    login(client, getattr(w, persona))
    assert [client.get(u).status_code for u in (INDICATORS, AUDIT, PERSONS)] == [indicators, audit, persons]


@pytest.mark.parametrize("url", [INDICATORS, AUDIT, PERSONS])
def test_anonymous_people_are_sent_to_login(client, url):
    assert client.get(url).status_code == 302


def test_the_indicators_are_anonymous(client, w):
    r = referral(w)
    r.process("accepter", user=w.bob)
    referral(w)
    login(client, w.iris)
    html = client.get(INDICATORS).content.decode()
    assert "Mission Locale" in html and "France Travail" in html
    assert "100 %" in html
    assert PERSON["person_name"] not in html


def test_the_audit_log_lists_reads_and_is_paginated(client, w):
    r = referral(w)
    login(client, w.bob)
    client.get(f"/espace-pro/orientations/{r.pk}/")
    for _ in range(55):
        PersonalDataAccess.record(w.bob, "orientation", r.pk, "Traiter l'orientation reçue")
    login(client, w.remi)
    html = client.get(AUDIT).content.decode()
    assert "bob@france-travail.test" in html and f"Orientation n° {r.pk}" in html
    assert "Page 1 sur 2" in html
    assert "Page 2 sur 2" in client.get(AUDIT + "?page=2").content.decode()


@pytest.fixture
def person(w):
    return {"referral": referral(w), "contact": contact_request(w.site_b, email=PERSON["person_email"])}


def test_it_searches_a_person_and_logs_the_search_without_the_searched_value(client, w, person):
    login(client, w.remi)
    html = client.post(
        PERSONS, {"email": PERSON["person_email"], "reason": "Demande du 12/11"}
    ).content.decode()
    assert "2 dossiers trouvés" in html and PERSON["person_name"] in html
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.reason) == (w.remi, "recherche", "Demande du 12/11")
    assert PERSON["person_email"] not in str(PersonalDataAccess.objects.values())


def test_it_requires_a_reason_and_an_email_or_phone(client, w):
    login(client, w.remi)
    html = client.post(PERSONS, {"reason": "x"}).content.decode()
    assert "Indiquez le courriel ou le téléphone de la personne." in html
    html = client.post(PERSONS, {"email": PERSON["person_email"]}).content.decode()
    assert "Indiquez le motif de la demande" in html
    assert not PersonalDataAccess.objects.exists()


def test_it_exports_the_persons_data_as_json(client, w, person):
    login(client, w.remi)
    data = {"phone": "06.98.76.54.32", "reason": "Droit d'accès", "action": "exporter"}
    response = client.post(PERSONS, data)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="donnees-personne-')
    exported = json.loads(response.content)
    assert exported["orientations"][0]["nom"] == PERSON["person_name"]
    assert PersonalDataAccess.objects.get().action == "export"


def test_it_erases_only_after_confirmation(client, w, person):
    login(client, w.remi)
    data = {"email": PERSON["person_email"], "reason": "Droit à l'effacement", "action": "effacer"}
    html = client.post(PERSONS, data).content.decode()
    assert "Cochez la case de confirmation" in html
    assert Referral.objects.get().person_name == PERSON["person_name"]
    response = client.post(PERSONS, {**data, "confirmer": "oui"}, follow=True)
    assert "Données de la personne effacées dans 2 dossier(s)." in response.content.decode()
    assert Referral.objects.get().person_name == ""
    assert PersonalDataAccess.objects.filter(action="effacement").count() == 1


def test_an_instructor_cannot_search_a_person(client, w, person):
    login(client, w.iris)
    assert client.post(PERSONS, {"email": PERSON["person_email"], "reason": "x"}).status_code == 403


def test_a_plain_user_gets_403(client, db):
    login(client, user("personne@nulle-part.test"))
    assert client.get(INDICATORS).status_code == 403
