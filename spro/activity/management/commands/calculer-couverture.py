from django.core.management.base import BaseCommand

from spro.activity import coverage


class Command(BaseCommand):
    help = (
        "Recalcule la couverture territoriale (distance de chaque commune au lieu d'accueil actif le plus "
        "proche de chaque réseau et de tout membre du SPRO) et l'enregistre à la place de la précédente "
        "(idempotent, à lancer chaque nuit)."
    )

    def handle(self, *args, **options):
        result = coverage.compute()
        sites = "1 lieu d'accueil actif" if result.sites == 1 else f"{result.sites} lieux d'accueil actifs"
        self.stdout.write(
            f"Couverture calculée : {result.communes} communes, {sites}, "
            f"{result.networks} réseaux et tout membre du SPRO, {result.rows} distances enregistrées "
            f"en {result.seconds:.1f} s."
        )
