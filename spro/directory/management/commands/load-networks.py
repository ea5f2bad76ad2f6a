from django.core.management.base import BaseCommand
from django.db import transaction

from spro.directory.catalogue import catalogue, load_networks


class Command(BaseCommand):
    help = (
        "Ajoute les réseaux du catalogue du SPRO (spro/directory/networks.json) qui manquent ; "
        "les réseaux existants, éventuellement modifiés par la Région, ne sont pas modifiés."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            created = load_networks()
        total = len(catalogue())
        if created:
            self.stdout.write(f"{len(created)} réseau(x) ajouté(s) : {', '.join(created)}.")
        kept = total - len(created)
        self.stdout.write(f"{kept} réseau(x) du catalogue déjà présent(s), laissé(s) tel(s) quel(s).")
