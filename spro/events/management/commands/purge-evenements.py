"""`spro purge-evenements`: daily cron command deleting the registrations (name, e-mail) of events that
are over. Idempotent: a second run deletes nothing more."""

from django.core.management.base import BaseCommand

from spro.events.workflow import purge


class Command(BaseCommand):
    help = "Efface les inscriptions (nom et courriel) des événements terminés (à lancer chaque jour)."

    def handle(self, *args, **options):
        count = purge()
        self.stdout.write(f"Inscriptions effacées : {count}" if count else "Rien à effacer.")
