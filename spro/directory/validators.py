"""Validation of identifiers and contact details, with messages in French."""

import re

from django.core.exceptions import ValidationError

# La Poste's establishments share this SIREN; their SIRET checksum is "sum of digits divisible by 5".
LA_POSTE_SIREN = "356000000"
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_siret(value: str) -> str:
    return re.sub(r"\s", "", value or "")


def validate_siret(value: str) -> None:
    siret = normalize_siret(value)
    if not siret:
        return
    if not siret.isdigit() or len(siret) != 14:
        raise ValidationError(
            "Le numéro SIRET compte 14 chiffres (par exemple 130 005 481 00010).", code="siret_format"
        )
    if siret.startswith(LA_POSTE_SIREN):
        valid = sum(int(c) for c in siret) % 5 == 0
    else:
        valid = luhn_ok(siret)
    if not valid:
        raise ValidationError(
            "Ce numéro SIRET n'est pas valide : vérifiez qu'aucun chiffre n'a été inversé ou oublié.",
            code="siret_checksum",
        )


def normalize_phone(value: str) -> str:
    """'0561000000', '05.61.00.00.00', '+33 5 61 00 00 00' → '05 61 00 00 00'; other countries kept."""
    raw = _PHONE_SEPARATORS.sub("", value or "")
    if raw.startswith("+33") and len(raw) == 12:
        raw = "0" + raw[3:]
    if len(raw) == 10 and raw.startswith("0") and raw.isdigit():
        return " ".join(raw[i : i + 2] for i in range(0, 10, 2))
    return raw


def validate_phone(value: str) -> None:
    if not value:
        return
    raw = normalize_phone(value).replace(" ", "")
    french = len(raw) == 10 and raw.startswith("0") and raw[1] != "0" and raw.isdigit()
    international = raw.startswith("+") and raw[1:].isdigit() and 8 <= len(raw) - 1 <= 15
    if not (french or international):
        raise ValidationError(
            "Saisissez un numéro de téléphone à 10 chiffres (par exemple 05 61 00 00 00) "
            "ou au format international (+33 5 61 00 00 00).",
            code="phone",
        )
