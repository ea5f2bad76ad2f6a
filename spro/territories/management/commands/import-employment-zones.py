"""`spro import-employment-zones FILE`: zones d'emploi from INSEE's table d'appartenance géographique."""

from django.core.management.base import BaseCommand, CommandError

from spro.territories.zones import ZoneFileError, import_employment_zones


class Command(BaseCommand):
    help = (
        "Importe les zones d'emploi (zonage 2020) depuis la table d'appartenance géographique des "
        "communes de l'INSEE (CSV, colonnes CODGEO ou DEPCOM, ZE2020, LIB_ZE2020), en une seule transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV de l'INSEE")

    def handle(self, *args, file, **options):
        try:
            zones, communes, unknown = import_employment_zones(file)
        except ZoneFileError as error:
            raise CommandError(f"{error} Import annulé : rien n'a été enregistré.", returncode=2) from error
        message = f"{zones} zones d'emploi importées, {communes} communes rattachées."
        if unknown:
            message += f" {unknown} codes de commune absents du référentiel ont été ignorés."
        self.stdout.write(message)
