"""`spro demo-agenda`: a season of fictitious events for the demo structures (run by load-demo)."""

from django.core.management.base import BaseCommand

from spro.events import demo


class Command(BaseCommand):
    help = "Publie une saison d'événements fictifs pour les structures de démonstration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--discret",
            action="store_true",
            dest="quiet",
            help="N'écrit rien quand chaque structure de démonstration a déjà ses événements.",
        )

    def handle(self, *args, quiet=False, **options):
        added = demo.generate()
        if quiet and not added:
            return
        self.stdout.write(f"Agenda de démonstration : {added} événements ajoutés (données fictives).")
