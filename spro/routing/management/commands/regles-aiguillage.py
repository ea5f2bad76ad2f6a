"""`spro regles-aiguillage`: check, publish, export and list the aiguillage rule sets of a Région.

A rule change needs no release: export the rules in force, edit the JSON, check it, publish it; the
publication is a new version (the previous ones stay, for the record and to go back).

A file may also be a Région profile (`rules/profiles/<region>.json`: changes to the default table):
`verifier` and `publier` apply it to the default table first. `installer` publishes the rules shipped
for the Région (default + profile) as version 1 when it has none; `difference` prints, in French, what
the Région's profile changes from the default table.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from spro.core.versioned_documents import history_lines, read_json_argument, version_of
from spro.routing import profiles
from spro.routing.models import RuleSet
from spro.routing.ruleset import RuleSetError, validate


class Command(BaseCommand):
    help = "Vérifie, publie, exporte ou liste les règles d'aiguillage de la Région."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=[
                "verifier",
                "publier",
                "exporter",
                "historique",
                "regles-par-defaut",
                "installer",
                "difference",
            ],
            help=(
                "verifier FICHIER | publier FICHIER | exporter | historique | regles-par-defaut | installer "
                "| difference"
            ),
        )
        parser.add_argument("fichier", nargs="?", help="Fichier JSON des règles (« - » : entrée standard).")
        parser.add_argument("--region", default=None, help="Code INSEE de la Région (défaut : SPRO_REGION).")
        parser.add_argument("--commentaire", default="", help="Pourquoi ce changement (publier).")
        parser.add_argument(
            "--numero", dest="numero", type=int, help="Version à exporter (défaut : celle en vigueur)."
        )

    def handle(self, *args, action, fichier, region, commentaire, numero, **options):
        region = region or settings.SPRO_REGION
        if action in ("verifier", "publier"):
            rules = read_json_argument(fichier, "des règles")
            if isinstance(rules, dict) and "changes" in rules:  # a Région profile
                try:
                    rules = profiles.apply(rules)
                except RuleSetError as error:
                    raise CommandError(
                        "Profil invalide :\n- " + "\n- ".join(error.errors), returncode=2
                    ) from None
            errors = validate(rules)
            if errors:
                raise CommandError("Règles invalides :\n- " + "\n- ".join(errors), returncode=2)
            if action == "verifier":
                self.stdout.write(f"Règles valides : {len(rules['rules'])} règles.")
                return
            try:
                published = RuleSet.objects.publish(region, rules, comment=commentaire)
            except RuleSetError as error:  # pragma: no cover - validated above
                raise CommandError(str(error), returncode=2) from error
            self.stdout.write(f"Version {published.version} publiée et en vigueur pour la Région {region}.")
        elif action == "exporter":
            if numero is not None:
                found = version_of(RuleSet, region, numero)
                rules = found.rules
            else:
                active = RuleSet.objects.active_for(region)
                rules = active.rules if active else self.shipped(region)
            self.stdout.write(json.dumps(rules, ensure_ascii=False, indent=1))
        elif action == "installer":
            self.shipped(region)
            installed = RuleSet.objects.install_shipped(region)
            if installed is None:
                self.stdout.write(
                    f"Règles d'aiguillage de la Région {region} déjà publiées : rien à installer."
                )
            else:
                kind = "profil de la Région" if region in profiles.shipped_regions() else "règles par défaut"
                self.stdout.write(
                    f"Règles d'aiguillage livrées ({kind}) publiées en version 1 pour la Région {region}."
                )
        elif action == "difference":
            data = profiles.profile(region)
            if data is None:
                self.stdout.write(
                    f"Aucun profil livré pour la Région {region} : "
                    "les règles par défaut s'appliquent telles quelles."
                )
                return
            self.shipped(region)
            self.stdout.write(
                f"Profil {data.get('name', region)} (Région {region}) : {len(data['changes'])} changement(s) "
                "par rapport aux règles par défaut."
            )
            for line in profiles.describe(data):
                self.stdout.write(line)
        elif action == "historique":
            rows = RuleSet.objects.filter(region_code=region).select_related("created_by")
            if not rows:
                self.stdout.write(f"Aucune version publiée : les règles par défaut s'appliquent ({region}).")
            for line in history_lines(rows):
                self.stdout.write(line)
        else:
            count = RuleSet.objects.deactivate(region)
            kind = "Les règles livrées (par défaut et profil de la Région)"
            if region not in profiles.shipped_regions():
                kind = "Les règles par défaut"
            self.stdout.write(f"{kind} s'appliquent de nouveau." if count else f"{kind} s'appliquaient déjà.")

    def shipped(self, region):
        """The rules shipped for the Région; a broken profile stops the command (exit 2)."""
        try:
            return profiles.shipped_rules(region)
        except RuleSetError as error:
            raise CommandError(
                f"Profil de la Région {region} invalide :\n- " + "\n- ".join(error.errors), returncode=2
            ) from None
