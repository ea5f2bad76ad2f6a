"""Validation of a situation: every field optional, unknown fields, codes or types refused in French.

`parse_situation()` returns a plain dict holding only the given fields (None and "" count as absent), so
that the engine evaluates dict lookups only. Errors name the field, and the index within a list.
"""

import json
import math
import re

from spro.core.text import json_error_message, short, text_problem
from spro.routing.codes import FIELDS

INSEE_CODE = re.compile(r"^(\d{5}|2[ABab]\d{3})$")
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
INT_BOUNDS = {"age": (0, 120), "mois_hors_ecole": (0, 1200)}
MAX_TEXT_LENGTH = 100  # codes and INSEE codes are short; a longer text is refused before any lookup
NESTING = "le JSON est trop imbriqué (des listes ou des objets les uns dans les autres, sans fin)."
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


class UnusableNumber:
    """A JSON number no situation can hold, kept as written so that the message names the field.

    `NaN`, `Infinity` and `-Infinity` (which Python's json accepts) are not finite; `1e999` or an
    integer of 5,000 digits is finite but beyond any bound (and beyond what Python converts safely).
    """

    def __init__(self, text: str, finite: bool):
        self.text = text
        self.finite = finite


def _parse_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else UnusableNumber(text, finite=True)


def _parse_int(text: str):
    return int(text) if len(text) <= 30 else UnusableNumber(text, finite=True)


def _parse_constant(text: str):
    return UnusableNumber(text, finite=False)


_DECODER = json.JSONDecoder(parse_float=_parse_float, parse_int=_parse_int, parse_constant=_parse_constant)


def _type_name(value) -> str:
    if isinstance(value, UnusableNumber):
        return "un nombre"
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
        spec = FIELDS.get(field) if isinstance(field, str) else None
        if spec is None:  # a known field name is plain ASCII: only an unknown one needs checking
            problem = text_problem(field) if isinstance(field, str) else None
            if problem:
                raise SituationError(None, f"nom de champ refusé : {problem}.")
            raise SituationError(short(field), f"champ inconnu. Champs possibles : {FIELD_LIST}.")
        if value is None:  # JSON null: the same as an absent field
            continue
        kind, codes = spec
        if kind == "code" and value.__class__ is str and value in codes:
            situation[field] = value  # a known code: nothing more to check
            continue
        if kind == "int":
            value = _integer(field, value)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise SituationError(field, f"true ou false est attendu, pas {_type_name(value)}.")
        else:
            if not isinstance(value, str):
                raise SituationError(field, f"un texte est attendu, pas {_type_name(value)}.")
            problem = text_problem(value)
            if problem:
                raise SituationError(field, f"{problem}.")
            if len(value) > MAX_TEXT_LENGTH:
                raise SituationError(field, f"le texte est trop long ({MAX_TEXT_LENGTH} caractères au plus).")
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
            if kind == "rome":
                value = value.upper()
                if not ROME_CODE.match(value):
                    raise SituationError(
                        field,
                        f"« {short(value, 20)} » n'est pas un code ROME (une lettre de A à N et quatre "
                        "chiffres, ex. D1102).",
                    )
            if field == "premiere_porte" and network_codes is not None and value not in network_codes:
                raise SituationError(
                    field,
                    f"réseau « {value} » inconnu. Valeurs possibles : {', '.join(sorted(network_codes))}.",
                )
        situation[field] = value
    return situation


def _integer(field: str, value) -> int:
    low, high = INT_BOUNDS[field]
    if isinstance(value, UnusableNumber):
        if not value.finite:
            raise SituationError(field, f"un nombre fini est attendu, pas {value.text}.")
        raise SituationError(
            field, f"la valeur {short(value.text, 20)} doit être comprise entre {low} et {high}."
        )
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise SituationError(field, f"un nombre entier est attendu, pas {_type_name(value)}.")
    value = int(value)
    if not low <= value <= high:
        raise SituationError(field, f"la valeur {short(value, 20)} doit être comprise entre {low} et {high}.")
    return value


def load_situations(text: str):
    """Decode the JSON of a situation (object) or of a list of situations, as `spro aiguiller` and
    the API receive it. Raises SituationError with a French message for bad JSON or nesting too deep
    to decode, naming the field (and the index) that holds it; `parse_situation()` then checks each
    situation, numbers beyond any bound included."""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise SituationError(None, json_error_message(error)) from None
    except RecursionError:
        pass
    raise _nesting_error(text)


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, index: int) -> int:
    return _WHITESPACE.match(text, index).end()


def _nesting_error(text: str) -> SituationError:
    """Which field (and which situation of a list) holds the nesting that defeated the decoder.

    Only runs once the fast decoder gave up: the top two levels (a list of objects, their keys) are
    read here, each value by the decoder, so that the RecursionError happens under a known field.
    """
    try:
        index = _skip(text, 0)
        if text.startswith("[", index):
            index = _skip(text, index + 1)
            position = 0
            while index < len(text) and text[index] != "]":
                if text[index] == "{":
                    index = _object_end(text, index, position)
                else:
                    try:
                        _value, index = _DECODER.raw_decode(text, index)
                    except RecursionError:
                        return SituationError(None, NESTING, position)
                index = _skip(text, index)
                if text.startswith(",", index):
                    index = _skip(text, index + 1)
                position += 1
        elif text.startswith("{", index):
            _object_end(text, index, None)
    except SituationError as error:
        return error
    except (json.JSONDecodeError, IndexError):
        pass
    return SituationError(None, NESTING)


def _object_end(text: str, index: int, position: int | None) -> int:
    """Read the object starting at `index` key by key; raise the nesting error under its key."""
    index = _skip(text, index + 1)
    while not text.startswith("}", index):
        key, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if not text.startswith(":", index):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, index)
        index = _skip(text, index + 1)
        try:
            _value, index = _DECODER.raw_decode(text, index)
        except RecursionError:
            field = short(key) if isinstance(key, str) and not text_problem(key) else None
            raise SituationError(field, NESTING, position) from None
        index = _skip(text, index)
        if text.startswith(",", index):
            index = _skip(text, index + 1)
    return index + 1
