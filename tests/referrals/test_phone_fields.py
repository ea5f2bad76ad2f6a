"""Contact requests and referred persons: a phone number is a real one, stored normalised."""

import pytest
from django.core.exceptions import ValidationError

from spro.referrals.models import ContactRequest, Referral
from tests.referrals.factories import contact_request, referral


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["----------", "((((((((((", "+ - - - - - -"])
def test_a_contact_request_refuses_a_phone_with_no_digits(w, typed):
    with pytest.raises(ValidationError, match="Saisissez un numéro de téléphone"):
        contact_request(w.site_b, phone=typed)
    assert not ContactRequest.objects.exists()


@pytest.mark.django_db
def test_a_contact_request_stores_the_phone_normalised(w):
    assert contact_request(w.site_b, phone="+33 7.11.22.33.44").phone == "07 11 22 33 44"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["----------", "((((((((((", "12"])
def test_a_referral_refuses_a_person_phone_with_no_number(w, typed):
    with pytest.raises(ValidationError, match="Saisissez un numéro de téléphone"):
        referral(w, person_phone=typed)
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_referral_stores_the_person_phone_normalised(w):
    assert referral(w, person_phone="0698765432").person_phone == "06 98 76 54 32"
