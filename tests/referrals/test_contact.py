"""`create_contact_request`: consent recorded with the request; French errors, nothing partial."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from spro.referrals.models import ContactRequest, ContactRequestEvent
from spro.referrals.workflow import InvalidTransition
from tests.referrals.factories import contact_request

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-03-02 09:30:00 +01:00", tick=False)
def test_it_records_the_consent_its_purpose_and_when_to_erase(w):
    request = contact_request(w.site_b, email="  Dominique@Personne.TEST ")
    assert request.email == "dominique@personne.test"
    assert request.consent_text.startswith("J'accepte")
    assert request.purpose == "Être recontacté par le lieu d'accueil"
    assert request.retention_days == 90
    assert request.erase_after.isoformat() == "2026-05-31T08:30:00+00:00"
    assert request.network == "france-travail" and request.status == "nouvelle"
    assert list(request.events.values_list("name", "to_status")) == [("creation", "nouvelle")]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"name": "  "}, "Indiquez votre nom"),
        ({"phone": "", "email": ""}, "Indiquez un numéro de téléphone ou une adresse électronique."),
        ({"phone": "abc"}, "Saisissez un numéro de téléphone valide"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
        ({"consent_text": ""}, "Le texte du consentement doit être enregistré"),
        ({"retention_days": 0}, "La durée de conservation doit être comprise entre 1 et 365 jours."),
    ],
)
def test_it_refuses_an_incomplete_request_in_french(w, fields, message):
    with pytest.raises(ValidationError) as error:
        contact_request(w.site_b, **fields)
    assert message in str(error.value)
    assert not ContactRequest.objects.exists() and not ContactRequestEvent.objects.exists()


def test_an_inactive_site_cannot_be_asked(w):
    w.site_b.is_active = False
    w.site_b.save()
    with pytest.raises(ValidationError, match="n'accepte pas de demande de contact"):
        contact_request(w.site_b)


def test_it_is_handled_once_and_logged(w):
    request = contact_request(w.site_b)
    request.process("traiter", user=w.bob, note="Rappelée le 3")
    with pytest.raises(InvalidTransition, match="n'est plus possible"):
        request.process("sans-suite", user=w.bob)
    request.refresh_from_db()
    assert (request.status, request.note) == ("traitee", "Rappelée le 3")
    assert list(request.events.values_list("name", "from_status", "to_status", "user")) == [
        ("creation", "", "nouvelle", None),
        ("traiter", "nouvelle", "traitee", w.bob.pk),
    ]


def test_another_structure_cannot_handle_it(w):
    request = contact_request(w.site_b)
    with pytest.raises(InvalidTransition, match="Vous ne pouvez pas traiter"):
        request.process("traiter", user=w.alice)
