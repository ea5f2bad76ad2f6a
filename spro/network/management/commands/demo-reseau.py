"""`spro demo-reseau`: the network's life on the demo directory (run by load-demo)."""

from django.core.management.base import BaseCommand

from spro.network import coordination_demo, demo


class Command(BaseCommand):
    help = (
        "Professionnels fictifs consentants, référents SPRO et plan de professionnalisation (sessions, "
        "inscriptions, liste d'attente, présences), comités de coordination locale (conventions, réunions, "
        "désignation du coordinateur) pour l'annuaire de démonstration (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--discret",
            action="store_true",
            dest="quiet",
            help="N'écrit rien quand la démonstration est déjà là.",
        )

    def handle(self, *args, quiet=False, **options):
        added = demo.generate()
        committees = coordination_demo.generate()
        if quiet and not added and not committees:
            return
        if added or not committees:
            self.stdout.write(
                f"Vie du réseau de démonstration : {added} professionnels ajoutés, avec leurs formations "
                "(données fictives)."
            )
        if committees:
            self.stdout.write(
                f"Coordination locale de démonstration : {committees} comités, avec leur convention, "
                "leur coordinateur et une année de réunions (données fictives)."
            )
