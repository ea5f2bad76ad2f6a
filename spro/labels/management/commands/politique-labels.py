"""`spro politique-labels`: check, publish, export and list the label policies of a Région.

Like `spro regles-aiguillage`: export the policy in force, edit the JSON, check it, publish it; the
publication is a new version (the previous ones stay). An invalid file: French messages on standard
error and exit code 2.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from spro.core.versioned_documents import history_lines, read_json_argument, version_of
from spro.labels.models import LabelPolicy
from spro.labels.policy import PolicyError, shipped_policy, validate


class Command(BaseCommand):
    help = "Vérifie, publie, exporte ou liste la politique de labellisation de la Région."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["verifier", "publier", "exporter", "historique"],
            help="verifier FICHIER | publier FICHIER | exporter | historique",
        )
        parser.add_argument(
            "fichier", nargs="?", help="Fichier JSON de la politique (« - » : entrée standard)."
        )
        parser.add_argument("--region", default=None, help="Code INSEE de la Région (défaut : SPRO_REGION).")
        parser.add_argument("--commentaire", default="", help="Pourquoi ce changement (publier).")
        parser.add_argument("--numero", type=int, help="Version à exporter (défaut : celle en vigueur).")

    def handle(self, *args, action, fichier, region, commentaire, numero, **options):
        region = region or settings.SPRO_REGION
        if action in ("verifier", "publier"):
            document = read_json_argument(fichier, "de la politique")
            errors = validate(document)
            if not errors and document["region"] != region:
                errors = [
                    f"la politique est celle de la Région {document['region']} ; la Région configurée est "
                    f"{region} (SPRO_REGION ou --region)."
                ]
            if errors:
                raise CommandError("Politique invalide :\n- " + "\n- ".join(errors), returncode=2)
            if action == "verifier":
                self.stdout.write(
                    f"Politique valide : {document['name']}, {len(document['volets'])} volet(s), "
                    f"validité « {document['validity']['kind']} »."
                )
                return
            try:
                published = LabelPolicy.objects.publish(region, document, comment=commentaire)
            except PolicyError as error:  # pragma: no cover - validated above
                raise CommandError(str(error), returncode=2) from error
            self.stdout.write(f"Version {published.version} publiée et en vigueur pour la Région {region}.")
        elif action == "exporter":
            if numero is not None:
                found = version_of(LabelPolicy, region, numero)
                document = found.document
            else:
                active = LabelPolicy.objects.active_for(region)
                document = active.document if active else shipped_policy(region)
                if document is None:
                    raise CommandError(
                        f"Aucune politique de labellisation pour la Région {region} : publiez-en une.",
                        returncode=2,
                    )
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
        else:
            rows = LabelPolicy.objects.filter(region_code=region).select_related("created_by")
            if not rows:
                shipped = "la politique livrée avec spro s'applique" if shipped_policy(region) else "aucune"
                self.stdout.write(f"Aucune version publiée pour la Région {region} : {shipped}.")
            for line in history_lines(rows):
                self.stdout.write(line)
