"""French error bodies for the API: validation problems answer 422 naming the field."""

from django.db import InterfaceError, OperationalError
from ninja import Schema
from ninja.errors import ValidationError

from spro.core.operations import DatabaseUnavailableMiddleware


class ErrorItem(Schema):
    champ: str
    message: str
    indice: int | None = None


class ErrorOut(Schema):
    """Body of every 4xx answer of the API: a French sentence and, per field, what is wrong."""

    detail: str
    erreurs: list[ErrorItem] = []


FIELD_MESSAGES = {
    "missing": "ce champ est obligatoire",
    "less_than_equal": "la valeur doit être inférieure ou égale à {le}",
    "greater_than_equal": "la valeur doit être supérieure ou égale à {ge}",
    "less_than": "la valeur doit être inférieure à {lt}",
    "greater_than": "la valeur doit être supérieure à {gt}",
    "int_parsing": "un nombre entier est attendu",
    "float_parsing": "un nombre est attendu",
    "bool_parsing": "un booléen (true ou false) est attendu",
    "string_type": "une chaîne de caractères est attendue",
    "int_type": "un nombre entier est attendu",
    "bool_type": "un booléen (true ou false) est attendu",
    "literal_error": "valeur inconnue",
    "enum": "valeur inconnue",
    "string_too_long": "le texte est trop long",
    "string_too_short": "le texte est trop court",
    "extra_forbidden": "champ inconnu",
    "json_invalid": "le corps de la requête n'est pas un JSON valide",
    "text_unreadable": "{reason}",
    "finite_number": "un nombre fini est attendu",
    "int_parsing_size": "le nombre est trop grand",
    "int_from_float": "un nombre entier est attendu",
    "float_type": "un nombre est attendu",
    "string_pattern_mismatch": "le format n'est pas celui attendu",
}


def french_message(error: dict) -> str:
    template = FIELD_MESSAGES.get(error.get("type", ""), "valeur invalide")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def field_name(loc) -> str:
    # ninja prefixes locations with the parameter source ("query", "body", "path").
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "payload")]
    return ".".join(parts) or "requête"


def install_error_handlers(api):
    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request, exc):
        # A database that does not answer: the same JSON 503 as the rest of the site gives.
        return DatabaseUnavailableMiddleware(None).process_exception(request, exc)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        errors = [{"champ": field_name(e.get("loc", ())), "message": french_message(e)} for e in exc.errors]
        detail = " ; ".join(f"{e['champ']} : {e['message']}" for e in errors)
        return api.create_response(
            request, {"detail": f"Paramètres invalides — {detail}", "erreurs": errors}, status=422
        )
