"""The data tables shipped with the directory (`spro/directory/data/*.json`), read once.

The code that uses a table (interop.py, demo.py) turns its codes back into the `codes` enumerations
through `codes()`, so a code that does not exist stops the import of the module with a French message
naming the file and the place, instead of surfacing later as a wrong mapping.
"""

import functools
import importlib.resources
import json

PACKAGE = "spro.directory"
FOLDER = "data"


class DataFileError(ValueError):
    """A data file is missing, not JSON, or holds a value the code does not know."""


def path(name: str):
    """The shipped file `data/<name>.json`, found as package data (also from an installed wheel)."""
    return importlib.resources.files(PACKAGE).joinpath(FOLDER, f"{name}.json")


@functools.cache
def load(name: str) -> dict:
    where = f"spro/directory/{FOLDER}/{name}.json"
    try:
        content = json.loads(path(name).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DataFileError(f"Fichier de données introuvable : {where}.") from error
    except json.JSONDecodeError as error:
        raise DataFileError(
            f"Fichier de données {where} : JSON invalide ligne {error.lineno}, colonne {error.colno}."
        ) from error
    if not isinstance(content, dict):
        raise DataFileError(f"Fichier de données {where} : un objet JSON ({{ … }}) est attendu.")
    return content


def table(name: str, key: str):
    """The table `key` of the file `name`."""
    content = load(name)
    if key not in content:
        raise DataFileError(
            f"Fichier de données spro/directory/{FOLDER}/{name}.json : table « {key} » absente."
        )
    return content[key]


def code(enum, value, name: str, where: str):
    """`value` as a member of `enum` (a `codes` enumeration), or a French error naming its place."""
    try:
        return enum(value)
    except ValueError:
        raise DataFileError(
            f"Fichier de données spro/directory/{FOLDER}/{name}.json, {where} : code inconnu « {value} » "
            f"(codes possibles : {', '.join(enum.values)})."
        ) from None


def codes(enum, values, name: str, where: str) -> list:
    return [code(enum, value, name, where) for value in values]
