"""Validation of identifiers and contact details, with messages in French."""

import re

from django.core.exceptions import ValidationError

from spro.directory.codes import Accessibility, AccessMode, Need, Public, ReceptionMode
from spro.directory.hours import is_valid

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


PHONE_MESSAGE = (
    "Saisissez un numéro de téléphone valide : 10 chiffres (par exemple 05 61 00 00 00) "
    "ou le format international (+33 5 61 00 00 00)."
)


def normalize_phone(value: str) -> str:
    """The stored form of a phone number, French ones national, others E.164; invalid input comes back
    as typed, stripped (and is refused by `validate_phone`).

    '0561000000', '05.61.00.00.00', '+33 (0)5 61 00 00 00', '0033 5 61 00 00 00' → '05 61 00 00 00';
    '+44 20 7946 0958', '0044 20 7946 0958' → '+442079460958'.
    """
    compact = _compact_phone(value)
    return compact if _is_valid_compact(compact.replace(" ", "")) else (value or "").strip()


def _compact_phone(value: str) -> str:
    raw = _PHONE_SEPARATORS.sub("", value or "")
    if raw.startswith("00") and raw[2:3] != "0":
        raw = "+" + raw[2:]
    if raw.startswith("+330"):  # "+33 (0)5 …", a common way of writing a French number
        raw = "+33" + raw[4:]
    if raw.startswith("+33") and len(raw) == 12:
        raw = "0" + raw[3:]
    if len(raw) == 10 and raw.startswith("0") and raw.isdigit():
        return " ".join(raw[i : i + 2] for i in range(0, 10, 2))
    return raw


def is_valid_phone(value: str) -> bool:
    return _is_valid_compact(_compact_phone(value).replace(" ", ""))


def _is_valid_compact(raw: str) -> bool:
    french = len(raw) == 10 and raw.startswith("0") and raw[1] != "0" and raw.isdigit()
    international = (
        raw.startswith("+")
        and not raw.startswith("+33")  # a French number has 9 digits after +33
        and raw[1:].isdigit()
        and raw[1] != "0"
        and 8 <= len(raw) - 1 <= 15
    )
    return french or international


def validate_phone(value: str) -> None:
    if value and not is_valid_phone(value):
        raise ValidationError(PHONE_MESSAGE, code="phone")


# --- the directory's rules on codes and site fields ---------------------------------------------------
# Each rule lives here once; the models declare them as field validators, so that the forms
# (ModelForm → full_clean), the data·inclusion import and the demo generator all obey the same rules.

HOURS_EXAMPLE = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"
HOURS_HELP = (
    "Format OpenStreetMap : jours en anglais abrégés (Mo, Tu, We, Th, Fr, Sa, Su, PH pour les jours "
    f"fériés), heures sur 24 h. Par exemple : {HOURS_EXAMPLE}"
)


def _check_codes(values, choices, what: str) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError(f"Les {what} doivent être une liste de codes.", code="codes")
    unknown = sorted(set(values) - set(choices.values))
    if unknown:
        raise ValidationError(
            f"Code inconnu parmi les {what} : {', '.join(unknown)[:200]} "
            f"(codes possibles : {', '.join(choices.values)}).",
            code="unknown_code",
        )


def validate_needs(values) -> None:
    _check_codes(values, Need, "besoins")


def normalize_publics(values) -> list[str]:
    """'Tous publics' already covers every other public: [jeunes, tous-publics] → [tous-publics].

    For machine input (imports, the demo); a person who ticks both is asked to choose."""
    values = list(dict.fromkeys(values or []))
    return [str(Public.TOUS)] if Public.TOUS in values else values


def validate_public_codes(values) -> None:
    """Publics a network serves: known codes (a network may serve everyone and some publics more)."""
    _check_codes(values, Public, "publics")


def validate_publics(values) -> None:
    """Publics of a service: known codes, and 'tous publics' alone or not at all."""
    _check_codes(values, Public, "publics")
    if Public.TOUS in values and len(set(values)) > 1:
        raise ValidationError(
            "« Tous publics » ne se combine pas avec d'autres publics.", code="tous_publics"
        )


def validate_access_modes(values) -> None:
    _check_codes(values, AccessMode, "modalités d'accès")


def validate_reception_modes(values) -> None:
    _check_codes(values, ReceptionMode, "modes d'accueil")


def validate_accessibility(values) -> None:
    _check_codes(values, Accessibility, "critères d'accessibilité")


def validate_postal_code(value: str) -> None:
    if not (len(value or "") == 5 and value.isdigit()):
        raise ValidationError("Le code postal compte 5 chiffres, par exemple 31000.", code="postal_code")


def validate_opening_hours(value: str) -> None:
    if value and not is_valid(value):
        raise ValidationError(
            "Ces horaires ne sont pas au format attendu. " + HOURS_HELP, code="opening_hours"
        )


def validate_code(value: str) -> None:
    """A stored code: an ASCII slug in lower case, such as mission-locale."""
    if value != value.lower():
        raise ValidationError("Le code s'écrit en minuscules, par exemple mission-locale.", code="code_case")
