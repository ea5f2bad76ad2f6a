"""`spro echeances-reseau`: the daily cron command of the network's life. Idempotent: a second run
the same day sends nothing more (each reminder is claimed once, see spro.network.workflow)."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from spro.events.models import PARIS
from spro.network import resources, workflow


class Command(BaseCommand):
    help = (
        "Échéances de la vie du réseau (à lancer chaque jour) : rappel aux inscrits des formations qui "
        f"commencent dans les {workflow.REMINDER_DAYS} jours ; lettre hebdomadaire des actualités aux "
        "abonnés."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Jour à traiter, AAAA-MM-JJ (défaut : maintenant).")

    def handle(self, *args, date=None, **options):
        now = timezone.now()
        if date:
            try:
                day = datetime.fromisoformat(date).date()
            except ValueError as error:
                raise CommandError(
                    "La date doit s'écrire AAAA-MM-JJ, par exemple 2027-03-31.", returncode=2
                ) from error
            now = datetime.combine(day, time(6), tzinfo=PARIS)
        reminders = workflow.send_reminders(now)
        digests = resources.send_digests(now)
        if not reminders and not digests:
            self.stdout.write("Rien à faire aujourd'hui.")
        if reminders:
            self.stdout.write(f"rappels de formation envoyés : {reminders}")
        if digests:
            self.stdout.write(f"lettres des actualités envoyées : {digests}")
