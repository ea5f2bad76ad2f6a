"""`spro import-rome [DOSSIER]`: the ROME 4.0 referential from France Travail's CSV files.

Without a folder, the copy shipped with spro (spro/metiers/data, gzip) is loaded; `--si-vide` loads it
only when no fiche is present (what `spro setup-demo` does).
"""

from django.core.management.base import BaseCommand, CommandError

from spro.metiers.importer import PACKAGED, RomeImportError, import_rome
from spro.metiers.models import Occupation


class Command(BaseCommand):
    help = (
        "Importe le référentiel ROME 4.0 (fiches métiers et appellations) depuis les fichiers CSV de "
        "France Travail : rien n'est écrit si un fichier est invalide."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "dossier",
            nargs="?",
            help="Dossier des fichiers unix_referentiel_code_rome_…csv et unix_referentiel_appellation_…csv "
            "(par défaut : la copie livrée avec spro).",
        )
        parser.add_argument(
            "--si-vide", action="store_true", help="N'importe que si aucune fiche métier n'est présente."
        )

    def handle(self, *args, **options):
        if options["si_vide"] and Occupation.objects.exists():
            self.stdout.write("Référentiel ROME déjà chargé.")
            return
        try:
            result = import_rome(options["dossier"] or PACKAGED)
        except RomeImportError as error:
            lines = ["Import du ROME impossible, rien n'a été écrit :", *error.errors]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(result.summary())
        if not options["dossier"]:
            self.stdout.write("Source : France Travail, ROME 4.0, Licence Ouverte 2.0.")
