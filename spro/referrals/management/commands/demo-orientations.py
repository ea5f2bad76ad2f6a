"""`spro demo-orientations`: a year of fictitious referrals between the demo structures (run by
load-demo)."""

from django.core.management.base import BaseCommand

from spro.referrals import demo


class Command(BaseCommand):
    help = (
        "Une année d'orientations fictives entre les structures de démonstration, sans donnée "
        "personnelle, avec leur historique (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--discret",
            action="store_true",
            dest="quiet",
            help="N'écrit rien quand les orientations de démonstration sont déjà là.",
        )

    def handle(self, *args, quiet=False, **options):
        added = demo.generate()
        if quiet and not added:
            return
        self.stdout.write(
            f"Orientations de démonstration : {added} orientations ajoutées (données fictives)."
        )
