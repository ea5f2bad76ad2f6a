"""`spro echeances-reseau`: the daily cron command of the network's life. Idempotent: a second run
the same day sends nothing more (each reminder is claimed once, see spro.network.workflow; each
convention term, notice and designation moves once, see spro.network.coordination)."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from spro.events.models import PARIS
from spro.network import coordination, resources, workflow


class Command(BaseCommand):
    help = (
        "Échéances de la vie du réseau (à lancer chaque jour) : rappel aux inscrits des formations qui "
        f"commencent dans les {workflow.REMINDER_DAYS} jours ; lettre hebdomadaire des actualités aux "
        "abonnés ; coordination locale : renouvellement tacite des conventions, résiliation au terme d'une "
        "mise en demeure restée sans effet, ouverture et dépouillement des désignations du coordinateur "
        "local."
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
        today = timezone.localdate(now, PARIS)
        reminders = workflow.send_reminders(now)
        # Notices first: a convention terminated today is neither renewed nor opened to a designation.
        ended = coordination.expire_notices(today)
        renewed = coordination.renew_conventions(today)
        closed = coordination.close_designations(today)
        opened = coordination.open_designations(today)
        digests = resources.send_digests(now)
        counts = {
            "rappels de formation envoyés": reminders,
            "lettres des actualités envoyées": digests,
            "conventions de coordination renouvelées tacitement": renewed,
            "conventions de coordination résiliées": ended,
            "coordinateur local, désignations ouvertes": opened,
            "coordinateur local, désignations closes": closed,
        }
        if not any(counts.values()):
            self.stdout.write("Rien à faire aujourd'hui.")
        for label, count in counts.items():
            if count:
                self.stdout.write(f"{label} : {count}")
