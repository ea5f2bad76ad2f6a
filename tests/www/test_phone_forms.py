"""The public contact form refuses a phone with no number and hands the normalised form on."""

from spro.www.aiguillage.forms import ContactForm


def contact_form(phone):
    return ContactForm(data={"name": "Dominique", "phone": phone, "email": "", "consent": "on"})


def test_the_contact_form_refuses_a_phone_made_of_dashes_in_french():
    form = contact_form("----------")
    assert not form.is_valid()
    assert "Saisissez un numéro de téléphone valide" in form.errors["phone"][0]


def test_the_contact_form_normalises_the_phone():
    form = contact_form("+33 6.12.34.56.78")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "06 12 34 56 78"
