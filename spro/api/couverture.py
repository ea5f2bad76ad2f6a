"""GET /api/v1/couverture: the territorial coverage of the SPRO by département of the Région (open data):
the population living within a distance of an active site of a network (or of any SPRO member), and
the communes farther than that (white zones). Reads the stored result of `spro calculer-couverture`."""

from django.conf import settings
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from spro.activity import coverage
from spro.api.errors import ErrorOut
from spro.api.params import Text
from spro.directory.models import Network

router = Router()


class DepartementOut(Schema):
    departement: str = Field(description="Code INSEE du département")
    nom: str = Field(description="Nom du département")
    population: int = Field(description="Population municipale des communes du département")
    population_couverte: int = Field(description="Population des communes à moins de `distance` km d'un lieu")
    communes_hors_zone: int = Field(description="Communes plus loin que `distance` km (zones blanches)")


class CouvertureOut(Schema):
    reseau: str | None = Field(description="Code du réseau, null pour tout membre du SPRO")
    distance_km: float
    calcule_le: str | None = Field(
        description="Date et heure du calcul (ISO 8601), null s'il n'a pas eu lieu"
    )
    population: int
    population_couverte: int
    communes_hors_zone: int
    items: list[DepartementOut]


def _error(message: str, field: str):
    return Status(422, {"detail": message, "erreurs": [{"champ": field, "message": message}]})


@router.get("", response={200: CouvertureOut, 422: ErrorOut}, summary="Population couverte par département")
def get_couverture(
    request,
    reseau: Text | None = Query(  # noqa: B008
        None, max_length=50, description="Code du réseau ; absent : tout membre du SPRO"
    ),
    distance: Text | None = Query(  # noqa: B008
        None,
        max_length=20,
        description=f"Distance en km (par défaut 20, au plus {coverage.MAX_DISTANCE_KM:g})",
    ),
):
    """Par département de la Région : population, population à moins de `distance` km d'un lieu
    d'accueil actif du réseau (ou de tout membre du SPRO), nombre de communes hors de cette distance.
    Une distance non numérique, infinie, négative ou nulle, ou au-delà du maximum répond 422, comme un
    réseau inconnu."""
    try:
        km = coverage.parse_distance(distance)
    except coverage.DistanceError as exc:
        return _error(str(exc), "distance")
    network = None
    if reseau:
        network = Network.objects.filter(code=reseau, is_active=True).first()
        if network is None:
            return _error(f"Réseau « {reseau} » inconnu.", "reseau")
    run = coverage.latest_run()
    rows = coverage.area_rows(network, km, settings.SPRO_REGION) if run else []
    total = coverage.region_total(rows)
    return Status(
        200,
        {
            "reseau": network.code if network else None,
            "distance_km": km,
            "calcule_le": run.computed_at.isoformat() if run else None,
            "population": total["population"],
            "population_couverte": total["population_couverte"],
            "communes_hors_zone": total["communes_hors_zone"],
            "items": [
                {
                    "departement": row["code"],
                    "nom": row["name"],
                    "population": row["population"],
                    "population_couverte": row["population_couverte"],
                    "communes_hors_zone": row["communes_hors_zone"],
                }
                for row in rows
            ],
        },
    )
