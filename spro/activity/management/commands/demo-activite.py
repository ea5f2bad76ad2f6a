from django.core.management.base import BaseCommand

from spro.activity import demo


class Command(BaseCommand):
    help = "Remplit une année d'accueils fictifs pour les structures de démonstration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--discret",
            action="store_true",
            dest="quiet",
            help="N'écrit rien quand chaque structure de démonstration a déjà son journal.",
        )

    def handle(self, *args, quiet=False, **options):
        added = demo.generate()
        if quiet and not added:
            return
        self.stdout.write(
            f"Journal d'accueil de démonstration : {added} accueils ajoutés (données fictives)."
        )
