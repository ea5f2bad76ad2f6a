"""Text a person or a program sends us, checked before it reaches the database or a message.

PostgreSQL refuses NUL characters in text (a DataError, so a 500 if nothing checks first), and a lone
surrogate (`"\\ud800"` in JSON) cannot be encoded to UTF-8 at all. Forms, API parameters and JSON
bodies share these checks and their French messages, so every door refuses the same things the same
way. Form data never holds surrogates (Django decodes invalid UTF-8 as U+FFFD), JSON may.
"""

import re

# A free text (description, message, comment) a person types; forms give it to fields without a limit.
FREE_TEXT_MAX_LENGTH = 5000

_SURROGATE = re.compile("[\ud800-\udfff]")

NUL_MESSAGE = "le texte contient un caractère nul (U+0000), refusé"
SURROGATE_MESSAGE = "le texte contient un caractère qui n'existe pas en Unicode (demi-paire UTF-16 isolée)"


def text_problem(value: str) -> str | None:
    """What makes `value` unfit to store or show (a French phrase), or None when it is fine."""
    if "\x00" in value:
        return NUL_MESSAGE
    if _SURROGATE.search(value):
        return SURROGATE_MESSAGE
    return None


def short(value, limit: int = 40) -> str:
    """`value` for an error message: hostile values may be 100 kB, or a number of 5,000 digits."""
    text = str(value) if not isinstance(value, str) else value
    text = _SURROGATE.sub("\ufffd", text.replace("\x00", "\ufffd"))
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} caractères)"


def bad_request_message(exception=None) -> str:
    """French sentence for a request Django refuses before any view (see `handler400`)."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, RequestDataTooBig):
        return body_too_big_message()
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return (
            f"La requête est invalide : trop de paramètres ou de champs "
            f"({settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} au plus)."
        )
    return "La requête est invalide et n'a pas pu être traitée."


def body_too_big_message() -> str:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f"{limit / 1024 / 1024:.1f}".replace(".", ",").replace(",0", "")
    return f"Le corps de la requête est trop volumineux : {size} Mo au plus."


def raw_parameter(value: str | None, max_length: int = 100) -> str:
    """A query or form parameter a view reads itself (a filter, a code): "" when unusable.

    For filters, an unreadable or oversized value is an unknown value like any other: ignored.
    """
    value = value or ""
    if len(value) > max_length or text_problem(value):
        return ""
    return value


def local_path(target: str | None) -> str:
    """`target` if it is a path on this site that can go in a Location header, else ""."""
    target = target or ""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or len(target) > 2000:
        return ""
    if text_problem(target) or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return ""
    return target


def free_text_problem(value: str, max_length: int) -> str | None:
    """What makes a free text (note, comment) unfit to keep, as a French phrase, or None."""
    return text_problem(value) or (
        f"le texte est trop long ({max_length} caractères au plus)" if len(value) > max_length else None
    )


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
