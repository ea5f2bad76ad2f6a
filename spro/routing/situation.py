"""Validation of a situation: every field optional, unknown fields, codes or types refused in French.

`parse_situation()` returns a plain dict holding only the given fields (None and "" count as absent), so
that the engine evaluates dict lookups only. Errors name the field, and the index within a list.
"""

import re

from spro.routing.codes import FIELDS

INSEE_CODE = re.compile(r"^(\d{5}|2[ABab]\d{3})$")
INT_BOUNDS = {"age": (0, 120), "mois_hors_ecole": (0, 1200)}
FIELD_LIST = ", ".join(FIELDS)


class SituationError(ValueError):
    """A situation that cannot be read; `str()` is the French message shown to the person or caller."""

    def __init__(self, field: str | None, message: str, index: int | None = None):
        self.field = field
        self.detail = message
        self.index = index
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"Champ « {self.field} » : {self.detail}" if self.field else self.detail
        if self.index is not None:
            text = f"Situation d'indice {self.index} (n° {self.index + 1}) — {text}"
        return text

    def at(self, index: int) -> "SituationError":
        return type(self)(self.field, self.detail, index)

    def __str__(self):
        return self.message


class UnknownCommune(SituationError):
    """A well-formed INSEE code that names no commune of the referential."""


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int | float):
        return "un nombre"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    return "une valeur"


def parse_situation(data, network_codes=None) -> dict:
    """Check one situation (a dict decoded from JSON) and return its given fields.

    `network_codes`: codes accepted for `premiere_porte` (None: not checked here).
    """
    if not isinstance(data, dict):
        raise SituationError(None, f"une situation doit être un objet JSON, pas {_type_name(data)}.")
    situation = {}
    for field, value in data.items():
        if field not in FIELDS:
            raise SituationError(field, f"champ inconnu. Champs possibles : {FIELD_LIST}.")
        if value is None:  # JSON null: the same as an absent field
            continue
        kind, codes = FIELDS[field]
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
                raise SituationError(field, f"un nombre entier est attendu, pas {_type_name(value)}.")
            value = int(value)
            low, high = INT_BOUNDS[field]
            if not low <= value <= high:
                raise SituationError(field, f"la valeur {value} doit être comprise entre {low} et {high}.")
        elif kind == "bool":
            if not isinstance(value, bool):
                raise SituationError(field, f"true ou false est attendu, pas {_type_name(value)}.")
        else:
            if not isinstance(value, str):
                raise SituationError(field, f"un texte est attendu, pas {_type_name(value)}.")
            if kind == "code" and value not in codes:
                raise SituationError(
                    field, f"valeur « {value} » inconnue. Valeurs possibles : {', '.join(codes)}."
                )
            if field == "commune":
                value = value.upper()
                if not INSEE_CODE.match(value):
                    raise SituationError(
                        field, f"« {value} » n'est pas un code INSEE de commune (5 caractères, ex. 31555)."
                    )
            if field == "premiere_porte" and network_codes is not None and value not in network_codes:
                raise SituationError(
                    field,
                    f"réseau « {value} » inconnu. Valeurs possibles : {', '.join(sorted(network_codes))}.",
                )
        situation[field] = value
    return situation


JSON_MESSAGES = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de champ entre guillemets doubles attendu",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Extra data": "données en trop après le JSON",
    "Unterminated string starting at": "texte non terminé",
    "Invalid control character at": "caractère de contrôle interdit",
    "Invalid \\escape": "échappement invalide",
}


def json_error_message(error) -> str:
    """French message for a `json.JSONDecodeError`."""
    detail = JSON_MESSAGES.get(error.msg, error.msg)
    return f"JSON invalide (ligne {error.lineno}, colonne {error.colno}) : {detail}."
