"""`spro import-employment-zones FILE`: zones d'emploi (and bassins de vie) from INSEE's table
d'appartenance géographique."""

from django.core.management.base import BaseCommand, CommandError

from spro.territories.zones import ZoneFileError, import_employment_zones


class Command(BaseCommand):
    help = (
        "Importe les zones d'emploi (zonage 2020) et, si le fichier a leurs colonnes, les bassins de vie "
        "(zonage 2022) depuis la table d'appartenance géographique des communes de l'INSEE (CSV, colonnes "
        "CODGEO ou DEPCOM, ZE2020, LIB_ZE2020, et BV2022, LIB_BV2022), en une seule transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV de l'INSEE")

    def handle(self, *args, file, **options):
        try:
            result = import_employment_zones(file)
        except ZoneFileError as error:
            raise CommandError(f"{error} Import annulé : rien n'a été enregistré.", returncode=2) from error
        message = f"{result.zones} zones d'emploi importées, {result.communes} communes rattachées."
        if result.areas:
            message += f" {result.areas} bassins de vie importés, {result.area_communes} communes rattachées."
        if result.unknown:
            message += f" {result.unknown} codes de commune absents du référentiel ont été ignorés."
        self.stdout.write(message)
