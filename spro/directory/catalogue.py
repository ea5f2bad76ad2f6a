"""The catalogue of SPRO networks shipped with spro (`networks.json`), loaded into `Network` rows.

Used by the data migration `0003_load_networks` (every install has the networks) and by the command
`spro load-networks`, which adds the networks that are missing and never overwrites a network the
Région has edited.
"""

import json
from pathlib import Path

CATALOGUE = Path(__file__).with_name("networks.json")
FIELDS = (
    "label",
    "short_label",
    "description",
    "publics",
    "needs",
    "membership_kind",
    "data_inclusion_typology",
)


def catalogue() -> list[dict]:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))["networks"]


def load_networks(network_model=None) -> list[str]:
    """Create the catalogue's networks that do not exist yet; return the codes created.

    `network_model` is the historical model inside a migration, the real one otherwise. Existing
    networks (same code) are left exactly as they are.
    """
    if network_model is None:
        from spro.directory.models import Network as network_model
    existing = set(network_model.objects.values_list("code", flat=True))
    created = []
    for entry in catalogue():
        if entry["code"] in existing:
            continue
        network_model.objects.create(code=entry["code"], **{f: entry[f] for f in FIELDS})
        created.append(entry["code"])
    return created


def unload_networks(network_model) -> None:
    """Reverse of the data migration: remove the catalogue's networks that no structure uses."""
    codes = [entry["code"] for entry in catalogue()]
    network_model.objects.filter(code__in=codes, structures__isnull=True).delete()
