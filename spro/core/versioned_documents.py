"""What the commands that publish a Région's versioned JSON documents share (`spro politique-labels`,
`spro regles-aiguillage`): reading the file given on the command line, finding a version, listing the
history. Errors are French `CommandError`s with exit code 2."""

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError

from spro.core.text import json_error_message


def read_json_argument(fichier: str | None, what: str):
    """The JSON document in `fichier` (« - »: standard input); `what` names it in the message when the
    argument is missing (« de la politique », « des règles »)."""
    if not fichier:
        raise CommandError(
            f"Indiquez le fichier JSON {what} (ou « - » pour l'entrée standard).", returncode=2
        )
    try:
        text = sys.stdin.read() if fichier == "-" else Path(fichier).read_text(encoding="utf-8")
        return json.loads(text)
    except OSError as error:
        raise CommandError(f"Fichier illisible : {error.strerror}.", returncode=2) from error
    except UnicodeDecodeError as error:
        raise CommandError("Le fichier n'est pas du texte UTF-8.", returncode=2) from error
    except json.JSONDecodeError as error:
        raise CommandError(json_error_message(error), returncode=2) from error


def version_of(model, region: str, number: int):
    """Version `number` of the Région's documents of `model`, or a French error."""
    found = model.objects.filter(region_code=region, version=number).first()
    if found is None:
        raise CommandError(f"Aucune version {number} pour la Région {region}.", returncode=2)
    return found


def history_lines(rows):
    """One French line per published version: number, date, author, state, comment."""
    for row in rows:
        state = "en vigueur" if row.is_active else "archivée"
        author = row.created_by.email if row.created_by else "console"
        yield f"v{row.version} — {row.created_at:%d/%m/%Y %H:%M} — {author} — {state} — {row.comment}"
