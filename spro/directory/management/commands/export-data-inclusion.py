import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from spro.directory.interop import ExportFailed, export_directory, summarise_warnings


class Command(BaseCommand):
    help = (
        "Exporte l'annuaire au schéma data·inclusion v1 : écrit structures.json (un élément par lieu "
        "d'accueil actif) et services.json dans le dossier DOSSIER. Voir spro/directory/interop.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DOSSIER", help="dossier où écrire les fichiers")

    def handle(self, *args, directory, **options):
        started = time.perf_counter()
        try:
            warnings = []
            structures, services = export_directory(Path(directory), warnings)
        except ExportFailed as error:
            raise CommandError(str(error), returncode=2) from error
        except OSError as error:
            raise CommandError(
                f"Impossible d'écrire dans {directory} : {error.strerror}.", returncode=2
            ) from error
        for line in summarise_warnings(warnings):
            self.stderr.write(f"Attention : {line}")
        self.stdout.write(
            f"{structures} structure(s) (lieux d'accueil) et {services} service(s) exportés dans {directory} "
            f"en {time.perf_counter() - started:.1f} s ; {len(warnings)} valeur(s) non exportée(s)."
        )
