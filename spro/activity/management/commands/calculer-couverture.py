from django.core.management.base import BaseCommand

from spro.activity import coverage


class Command(BaseCommand):
    help = (
        "Recalcule la couverture territoriale (distance de chaque commune au lieu d'accueil actif le plus "
        "proche de chaque réseau et de tout membre du SPRO) et l'enregistre à la place de la précédente "
        "(idempotent, à lancer chaque nuit)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--si-absente",
            action="store_true",
            dest="if_missing",
            help="ne calcule rien (et n'écrit rien) si une couverture est déjà enregistrée (spro load-demo)",
        )
        parser.add_argument(
            "--si-perimee",
            action="store_true",
            dest="if_stale",
            help="ne calcule que si aucune couverture n'est enregistrée ou si l'annuaire a changé depuis "
            "la dernière (cron toutes les quelques minutes)",
        )

    def handle(self, *args, if_missing=False, if_stale=False, **options):
        latest = coverage.latest_run()
        if if_missing and latest:
            return
        if if_stale and latest and latest.stale_since is None:
            self.stdout.write("Couverture à jour : rien à recalculer.")
            return
        result = coverage.compute()
        sites = "1 lieu d'accueil actif" if result.sites == 1 else f"{result.sites} lieux d'accueil actifs"
        self.stdout.write(
            f"Couverture calculée : {result.communes} communes, {sites}, "
            f"{result.networks} réseaux et tout membre du SPRO, {result.rows} distances enregistrées "
            f"en {result.seconds:.1f} s."
        )
