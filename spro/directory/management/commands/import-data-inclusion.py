from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from spro.directory.interop import ImportFailed, import_directory


class Command(BaseCommand):
    help = (
        "Importe des structures et services au schéma data·inclusion v1. CHEMIN est un dossier contenant "
        "structures.json (et services.json), ou l'un de ces fichiers. Chaque élément est validé ; au moindre "
        "élément invalide, rien n'est enregistré et chaque problème est listé (code de sortie 2). "
        "Réimporter le même fichier ne change rien (les identifiants data·inclusion servent de clé). "
        "Les lieux d'une source absents de son nouveau fichier sont désactivés (pas supprimés) ; "
        "s'ils reviennent, ils sont réactivés."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="CHEMIN")
        parser.add_argument(
            "--reseau-par-defaut",
            dest="default_network",
            default=None,
            help="code du réseau spro des structures dont le réseau porteur n'a pas d'équivalent",
        )

    def handle(self, *args, path, default_network, **options):
        if not Path(path).exists():
            raise CommandError(f"{path} : fichier ou dossier introuvable.", returncode=2)
        try:
            report = import_directory(Path(path), default_network=default_network)
        except ImportFailed as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(f"Import terminé. {report.summary()}.")
