"""`spro aiguiller`: situations as JSON on standard input, second doors as JSON on standard output.

An object gives an object, an array gives an array in the same order. Bad JSON, an unknown code or a
wrong type: a French message on standard error naming the field (and the index), exit code 2, and
nothing on standard output.
"""

import json
import sys

from django.core.management.base import BaseCommand

from spro.routing.engine import get_engine
from spro.routing.places import PlaceFinder
from spro.routing.situation import SituationError, load_situations


class Command(BaseCommand):
    help = (
        "Aiguille une situation (objet JSON) ou une liste de situations (tableau JSON) lue sur l'entrée "
        "standard et écrit les réseaux recommandés (et les lieux proches si une commune est donnée)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", help="Code INSEE de la Région dont on applique les règles.")

    def fail(self, message: str):
        sys.stderr.write(f"Erreur : {message}\n")
        sys.stderr.flush()
        raise SystemExit(2)

    def handle(self, *args, **options):
        raw = sys.stdin.buffer.read()
        try:
            data = load_situations(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            self.fail("l'entrée standard n'est pas du texte UTF-8.")
        except SituationError as error:
            self.fail(error.message)
        if not isinstance(data, dict | list):
            self.fail("l'entrée doit être un objet JSON (une situation) ou un tableau de situations.")
        engine = get_engine(options.get("region"))
        places = PlaceFinder()
        try:
            if isinstance(data, list):
                result = [answer.as_dict() for answer in engine.route_many(data, places)]
            else:
                result = engine.route(data, places).as_dict()
        except SituationError as error:
            self.fail(error.message)
        out = sys.stdout.buffer
        out.write(json.dumps(result, ensure_ascii=False).encode("utf-8"))
        out.write(b"\n")
        out.flush()
