import time

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from spro.directory import demo
from spro.territories.demo import ensure_demo_zones
from spro.territories.models import Region


class Command(BaseCommand):
    help = (
        "Charge un annuaire fictif de démonstration pour la Région configurée (SPRO_REGION) et les comptes "
        "de démonstration des professionnels ; ne fait rien s'il est déjà chargé."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--region",
            action="append",
            dest="regions",
            metavar="CODE",
            help="code INSEE de la Région (répétable) ; par défaut SPRO_REGION",
        )
        parser.add_argument(
            "--toutes-regions",
            action="store_true",
            dest="all_regions",
            help="toutes les Régions du référentiel (annuaire national)",
        )
        parser.add_argument(
            "--echelle",
            type=float,
            default=1.0,
            dest="scale",
            help="multiplie le nombre de permanences et points relais (1 par défaut)",
        )

    def handle(self, *args, regions=None, all_regions=False, scale=1.0, **options):
        if scale <= 0:
            raise CommandError("L'échelle doit être un nombre positif, par exemple 1 ou 10.")
        region_codes = None if all_regions else (regions or [settings.SPRO_REGION])
        started = time.perf_counter()
        try:
            result = demo.generate(region_codes, scale=scale)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if result.already_loaded:
            self.stdout.write(demo.ALREADY_LOADED)
        else:
            self.stdout.write(
                f"Annuaire de démonstration chargé en {time.perf_counter() - started:.1f} s : "
                f"{result.structures} structures, {result.sites} lieux, {result.services} services "
                "(données fictives)."
            )
        remote = demo.ensure_remote_entries(region_codes)
        if remote:
            self.stdout.write(
                f"Services à distance de démonstration : {remote} (ligne téléphonique et site internet "
                "de la Région)."
            )
        demo.ensure_pro_accounts()
        # Fictitious zones d'emploi and bassins de vie while INSEE's are not imported (filters by zone).
        for code in region_codes or Region.objects.values_list("code", flat=True):
            zones, areas = ensure_demo_zones(code)
            if zones or areas:
                self.stdout.write(
                    f"Région {code} : {zones} zones d'emploi et {areas} bassins de vie de démonstration "
                    "(délimitation fictive, remplacée par `spro import-employment-zones`)."
                )
        # The labelling demonstration, when its app is installed (the directory does not import it).
        if "demo-labellisation" in get_commands():
            call_command("demo-labellisation", "--discret", stdout=self.stdout)
        # A year of referrals between demo structures (figures by network pair), when installed.
        if "demo-orientations" in get_commands():
            call_command("demo-orientations", "--discret", stdout=self.stdout)
        # A year of anonymous receptions, when the activity app is installed.
        if "demo-activite" in get_commands():
            call_command("demo-activite", "--discret", stdout=self.stdout)
        # A season of events in the agenda, when the events app is installed.
        if "demo-agenda" in get_commands():
            call_command("demo-agenda", "--discret", stdout=self.stdout)
        # Consenting professionals, référents and trainings, when the network app is installed.
        if "demo-reseau" in get_commands():
            call_command("demo-reseau", "--discret", stdout=self.stdout)
