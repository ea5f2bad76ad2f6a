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


@pytest.mark.django_db
def test_the_data_migrations_normalise_the_phones_that_can_be_and_leave_the_others(w):
    from importlib import import_module

    from django.apps import apps

    from spro.directory.models import Site

    Site.objects.filter(pk=w.site_b.pk).update(phone="+33 (0)5.61.23.45.67")
    Site.objects.filter(pk=w.site_a.pk).update(phone="voir accueil")
    r = referral(w)
    Referral.objects.filter(pk=r.pk).update(person_phone="0698765432")
    c = contact_request(w.site_b)
    ContactRequest.objects.filter(pk=c.pk).update(phone="0044 20 7946 0958")

    import_module("spro.directory.migrations.0010_normalise_site_phones").forwards(apps, None)
    import_module("spro.referrals.migrations.0004_normalise_phones").forwards(apps, None)

    assert Site.objects.get(pk=w.site_b.pk).phone == "05 61 23 45 67"
    assert Site.objects.get(pk=w.site_a.pk).phone == "voir accueil"
    assert Referral.objects.get(pk=r.pk).person_phone == "06 98 76 54 32"
    assert ContactRequest.objects.get(pk=c.pk).phone == "+442079460958"
