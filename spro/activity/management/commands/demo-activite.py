from django.core.management.base import BaseCommand

from spro.activity import demo


class Command(BaseCommand):
    help = "Remplit une année d'accueils fictifs pour les structures de démonstration (idempotent)."

    def handle(self, *args, **options):
        added = demo.generate()
        self.stdout.write(
            f"Journal d'accueil de démonstration : {added} accueils ajoutés (données fictives)."
        )
