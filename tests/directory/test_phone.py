"""Phone numbers: French numbers stored in the national form `05 61 23 45 67`, others in E.164 `+xx…`.

One rule (spro.directory.validators) for every phone field: a site's, a contact request's, a referred
person's, every form field. Anything without the digits of a real number is refused in French.
"""

import pytest
from django.core.exceptions import ValidationError

from spro.directory.validators import normalize_phone, validate_phone

NATIONAL = [
    ("0561234567", "05 61 23 45 67"),
    ("05.61.23.45.67", "05 61 23 45 67"),
    ("05-61-23-45-67", "05 61 23 45 67"),
    (" 05 61 23 45 67 ", "05 61 23 45 67"),
    ("+33 5 61 23 45 67", "05 61 23 45 67"),
    ("+33 (0)5 61 23 45 67", "05 61 23 45 67"),
    ("0033 5 61 23 45 67", "05 61 23 45 67"),
    ("+44 20 7946 0958", "+442079460958"),
    ("0044 20 7946 0958", "+442079460958"),
    ("+1 (202) 555-0143", "+12025550143"),
]

REFUSED = [
    "----------",
    "(((((((((((",
    "abcdefghijkl",
    "+",
    "++33561234567",
    "05 61 23 45",
    "05 61 23 45 67 8",
    "5 61 23 45 67",
    "+33 5 61 23 45",
    "+33 5 61 23 45 67 8",
    "+1234567",
    "+1234567890123456",
    "06 12 34 56 7a",
]


@pytest.mark.parametrize("typed, stored", NATIONAL)
def test_it_stores_a_french_number_in_the_national_form_and_others_in_e164(typed, stored):
    validate_phone(typed)
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", REFUSED)
def test_it_refuses_what_is_not_a_phone_number_in_french(typed):
    with pytest.raises(ValidationError, match="Saisissez un numéro de téléphone"):
        validate_phone(typed)
