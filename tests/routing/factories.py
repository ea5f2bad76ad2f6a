"""Directory records for aiguillage tests: a network, a structure, a site with one service."""

from spro.directory.models import Network, Service, Site, Structure
from spro.routing.ruleset import default_rules
from spro.territories.models import Commune


def network(code: str, label: str | None = None) -> Network:
    label = label or default_rules()["networks"].get(code, {}).get("label", code)
    return Network.objects.get_or_create(code=code, defaults={"label": label})[0]


def site(
    network_code: str,
    commune_code: str = "31555",
    name: str | None = None,
    needs=("trouver-un-emploi",),
    offset_km: float = 0.0,
    opening_hours: str = "",
    is_active: bool = True,
) -> Site:
    """An active site of the network in the commune, `offset_km` north of the commune's centre."""
    commune = Commune.objects.get(code=commune_code)
    structure = Structure.objects.create(
        name=f"{network(network_code).label} de {commune.name}",
        network=network(network_code),
        membership_kind="membre-de-droit",
    )
    new = Site.objects.create(
        structure=structure,
        name=name or f"{structure.name} — accueil",
        address="1 place du Capitole",
        postal_code=(commune.postal_code_list or ["00000"])[0],
        commune=commune,
        latitude=commune.latitude + offset_km / 111.2,
        longitude=commune.longitude,
        phone="05 61 00 00 00",
        opening_hours=opening_hours,
        is_active=is_active,
    )
    Service.objects.create(site=new, name="Accueil", needs=list(needs))
    new.reindex()
    return new
