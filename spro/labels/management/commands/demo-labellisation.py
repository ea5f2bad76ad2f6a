"""`spro demo-labellisation`: the labelling demonstration on the demo directory (run by load-demo)."""

from django.core.management.base import BaseCommand

from spro.labels import demo


class Command(BaseCommand):
    help = (
        "Charge la démonstration de la labellisation sur l'annuaire de démonstration : membres de chaque "
        "statut, dossiers à chaque étape, une séance d'instance ; ne fait rien si elle est déjà chargée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", help="Code INSEE de la Région (défaut : SPRO_REGION).")
        parser.add_argument(
            "--discret",
            action="store_true",
            dest="quiet",
            help="N'écrit rien quand la démonstration est déjà chargée ou ne peut pas l'être.",
        )

    def handle(self, *args, region=None, quiet=False, **options):
        result = demo.load(region)
        if quiet and (result.already_loaded or result.skipped):
            return
        if result.already_loaded:
            self.stdout.write("Démonstration de la labellisation déjà chargée.")
        elif result.skipped:
            self.stdout.write(f"Démonstration de la labellisation non chargée : {result.skipped}.")
        else:
            stages = ", ".join(f"{stage} ({name})" for stage, name in result.stages.items())
            statuses = ", ".join(f"{status} : {count}" for status, count in result.statuses.items())
            self.stdout.write(f"Labellisation de démonstration : dossiers {stages}.")
            self.stdout.write(f"Statuts SPRO des structures de démonstration : {statuses}.")
            sessions = sum(result.bodies.values())
            self.stdout.write(
                f"Instances régionales : {len(result.bodies)}, avec {sessions} séances sur un an."
            )
            if result.tiers:
                tiers = ", ".join(f"{tier} : {count}" for tier, count in result.tiers.items())
                self.stdout.write(f"Réseau des Cités des métiers : {tiers}.")
            self.stdout.write(
                f"Compte candidat : {demo.APPLICANT_EMAIL} (administrateur des structures candidates)."
            )
