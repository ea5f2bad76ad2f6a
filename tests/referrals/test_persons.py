"""A person's request about their data: find by email or phone, export, erase (logged)."""

import pytest

from spro.referrals.models import PersonalDataAccess, Referral
from spro.referrals.persons import erase_person, export_person, find_person, phone_digits
from tests.referrals.factories import PERSON, contact_request, referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(w):
    return {
        "referral": referral(w),
        "other": referral(
            w, person_name="Autre Personne", person_phone="0600000000", person_email="autre@x.test"
        ),
        "contact": contact_request(w.site_b, email=PERSON["person_email"], phone=""),
    }


def test_phone_numbers_compare_by_digits():
    assert phone_digits("+33 6 98 76 54 32") == phone_digits("06.98.76.54.32") == "0698765432"


def test_it_finds_a_person_by_email_or_phone(records):
    by_email = find_person(email="CAMILLE.DUPONT@personne.test")
    assert by_email["referrals"] == [records["referral"]]
    assert by_email["contact_requests"] == [records["contact"]]
    by_phone = find_person(phone="+33 6 98 76 54 32")
    assert by_phone["referrals"] == [records["referral"]] and by_phone["contact_requests"] == []


def test_the_export_holds_everything_about_the_person(records):
    data = export_person(find_person(email=PERSON["person_email"]))
    assert data["orientations"][0]["nom"] == PERSON["person_name"]
    assert data["orientations"][0]["historique"][0]["action"] == "envoyer"
    assert data["demandes_de_contact"][0]["consentement"]["texte"].startswith("J'accepte")
    assert "Autre Personne" not in str(data)


def test_erasing_blanks_the_person_everywhere_and_logs_it(w, records):
    found = find_person(email=PERSON["person_email"])
    assert erase_person(found, w.remi, "Demande écrite du 12/11") == 2
    assert find_person(email=PERSON["person_email"]) == {"referrals": [], "contact_requests": []}
    assert Referral.objects.get(pk=records["other"].pk).person_name == "Autre Personne"
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.reason) == (w.remi, "effacement", "Demande écrite du 12/11")
    assert log.records == [
        f"orientation:{records['referral'].pk}",
        f"demande-de-contact:{records['contact'].pk}",
    ]
    assert PERSON["person_email"] not in str(PersonalDataAccess.objects.values())
