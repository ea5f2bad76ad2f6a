from django.core.management.base import BaseCommand, CommandError

from spro.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sauvegarde la base de données dans un fichier (SQLite : copie cohérente ; PostgreSQL : pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="chemin du fichier de sauvegarde à écrire")

    def handle(self, *args, fichier, **options):
        try:
            path = backup(fichier)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Sauvegarde écrite : {path}")
