"""Prepare a demonstration portal: referential, fictitious directory and demo accounts (idempotent)."""

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from spro.accounts.models import User
from spro.territories.models import Commune

DEMO_PASSWORD = "demo-spro-2026"
DEMO_ACCOUNTS = [
    ("admin@region.demo", "Alice", "Admin", User.RegionRole.ADMIN, True),
    ("instructeur@region.demo", "Inès", "Instructrice", User.RegionRole.INSTRUCTOR, False),
]


class Command(BaseCommand):
    help = "Charge le référentiel territorial et les données de démonstration s'ils manquent."

    def handle(self, *args, **options):
        if Commune.objects.exists():
            self.stdout.write("Référentiel territorial déjà chargé.")
        else:
            call_command("import-territories", stdout=self.stdout)
        if "load-demo" in get_commands():
            call_command("load-demo", stdout=self.stdout)
        if "calculer-couverture" in get_commands():
            # The territorial coverage of the demo directory (national communes: seconds, so not in load-demo,
            # which tests call often); `spro calculer-couverture` recomputes it, nightly in production.
            call_command("calculer-couverture", "--si-absente", stdout=self.stdout)
        if "import-rome" in get_commands():
            # The ROME 4.0 copy shipped with spro (métier search), loaded once; `spro import-rome` updates it.
            call_command("import-rome", "--si-vide", stdout=self.stdout)
        if "regles-aiguillage" in get_commands():
            # The aiguillage rules of SPRO_REGION (default + the Région's profile) as version 1.
            call_command("regles-aiguillage", "installer", stdout=self.stdout)
        created = 0
        for email, first, last, role, staff in DEMO_ACCOUNTS:
            user, was_created = User.objects.get_or_create(
                email=email,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "region_role": role,
                    "is_staff": staff,
                    "is_superuser": staff,
                },
            )
            if was_created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
        self.stdout.write(f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        for email, *_ in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  - {email} (Région : double authentification à activer à la première connexion)"
            )
        from spro.directory.demo import pro_account_lines

        for line in pro_account_lines():
            self.stdout.write(f"  - {line}")
