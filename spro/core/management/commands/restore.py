from django.core.management.base import BaseCommand, CommandError

from spro.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restaure la base de données depuis une sauvegarde faite par « spro backup » (remplace son contenu)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="fichier de sauvegarde")
        parser.add_argument("--oui", action="store_true", help="ne pas demander de confirmation")

    def handle(self, *args, fichier, oui, **options):
        if not oui and options.get("interactive", True):
            answer = input("Le contenu actuel de la base sera remplacé. Continuer ? [oui/non] ")
            if answer.strip().lower() not in {"oui", "o"}:
                raise CommandError("Restauration annulée.")
        try:
            restore(fichier)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Base restaurée depuis {fichier}")
