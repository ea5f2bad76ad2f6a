from django.core.management.base import BaseCommand

from spro.directory.notifications import notify_stale_records


class Command(BaseCommand):
    help = (
        "Envoie aux membres de chaque structure la liste de leurs fiches non mises à jour depuis six mois. "
        "À lancer chaque jour par cron : une structure n'est prévenue qu'une fois par jour."
    )

    def handle(self, *args, **options):
        structures, emails = notify_stale_records()
        self.stdout.write(f"{structures} structure(s) prévenue(s), {emails} courriel(s) envoyé(s).")
