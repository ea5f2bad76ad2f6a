from ninja import Field, Query, Router, Schema

from spro.api.errors import ErrorOut
from spro.api.params import Text
from spro.territories.lookup import search_communes

router = Router()


class CommuneOut(Schema):
    code: str = Field(description="Code INSEE de la commune")
    nom: str
    codes_postaux: list[str]
    departement: str = Field(description="Code du département")
    region: str = Field(description="Code de la région")
    latitude: float | None
    longitude: float | None
    population: int


def commune_out(commune) -> dict:
    return {
        "code": commune.code,
        "nom": commune.name,
        "codes_postaux": commune.postal_code_list,
        "departement": commune.departement_id,
        "region": commune.region_id,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "population": commune.population,
    }


@router.get(
    "",
    response={200: list[CommuneOut], 422: ErrorOut},
    summary="Rechercher une commune par nom ou code postal",
)
def list_communes(
    request,
    q: Text = Query(..., min_length=1, max_length=100, description="Nom, code postal ou code INSEE"),  # noqa: B008
    limit: int = Query(10, ge=1, le=50, description="Nombre maximal de résultats (1 à 50)"),
):
    """Communes dont le nom ou le code postal correspond, la meilleure correspondance en premier."""
    return [commune_out(c) for c in search_communes(q, limit=limit)]
