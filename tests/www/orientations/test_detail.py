"""A referral's page: each side sees its own; contact details only for the receiving side while open,
and every display of them is written to the audit log."""

import pytest

from spro.referrals.models import PersonalDataAccess
from tests.referrals.factories import PERSON, login, referral, refusal_reason

pytestmark = pytest.mark.django_db


def url(r) -> str:
    return f"/espace-pro/orientations/{r.pk}/"


def test_anonymous_people_are_sent_to_login(client, w):
    assert client.get(url(referral(w))).status_code == 302


def test_another_structure_gets_404(client, w):
    r = referral(w)
    login(client, w.carole)
    assert client.get(url(r)).status_code == 404


def test_region_staff_without_structure_get_403(client, w):
    r = referral(w)
    for person in (w.iris, w.remi):
        login(client, person)
        assert client.get(url(r)).status_code == 403


def test_the_receiving_structure_sees_the_contact_details_and_the_read_is_logged(client, w):
    r = referral(w)
    login(client, w.bob)
    html = client.get(url(r)).content.decode()
    assert PERSON["person_name"] in html and PERSON["person_phone"] in html
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.record_type, log.record_id) == (
        w.bob,
        "consultation",
        "orientation",
        r.pk,
    )
    assert log.reason == "Traiter l'orientation reçue (page de l'orientation)"
    assert "Accepter l&#x27;orientation" in html and "Refuser l&#x27;orientation" in html


def test_the_sending_structure_sees_the_referral_but_not_the_details_and_nothing_is_logged(client, w):
    r = referral(w)
    login(client, w.alice)
    html = client.get(url(r)).content.decode()
    assert f"Orientation n° {r.pk}" in html
    assert PERSON["person_name"] not in html and PERSON["person_phone"] not in html
    assert "Accepter l&#x27;orientation" not in html
    assert not PersonalDataAccess.objects.exists()


def test_contact_details_are_hidden_once_the_referral_is_closed(client, w):
    r = referral(w)
    r.process("refuser", user=w.bob, refusal_reason=refusal_reason())
    login(client, w.bob)
    html = client.get(url(r)).content.decode()
    assert PERSON["person_name"] not in html
    assert not PersonalDataAccess.objects.exists()


def test_a_referral_with_details_given_shows_no_person(client, w):
    r = referral(w, mode="coordonnees-remises")
    login(client, w.bob)
    assert "Aucune donnée personnelle n'est conservée" in client.get(url(r)).content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_the_sender_may_propose_another_site_once_the_referral_is_closed(client, w):
    r = referral(w)
    r.process("refuser", user=w.bob, refusal_reason=refusal_reason())
    login(client, w.alice)
    html = client.get(url(r)).content.decode()
    assert "Orienter la personne vers un autre lieu" in html
    assert f'href="/espace-pro/orientations/nouvelle/?depuis={r.pk}"' in html
    assert "commune=31555" not in html and "besoin=trouver-emploi" not in html
    step1 = client.get(f"/espace-pro/orientations/nouvelle/?depuis={r.pk}").content.decode()
    assert "Étape 1 sur 2" in step1
    assert 'value="Toulouse (31)"' in step1 and 'data-code="31555"' in step1  # the commune, by its label
