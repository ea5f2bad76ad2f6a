"""POST /api/v1/aiguillage: the aiguillage engine over HTTP, same input and output as `spro aiguiller`.

The body is read by the engine's own validation (`spro.routing.situation`) so that the 422 messages are
the same French sentences as the command's; the schemas below document it for OpenAPI.
"""

from typing import Literal

from django.core.exceptions import RequestDataTooBig
from ninja import Field, Router, Schema
from ninja.responses import Status

from spro.api.errors import ErrorOut
from spro.core.text import body_too_big_message
from spro.routing.codes import BESOINS, DIPLOMES, SECTEURS, SEXES, STATUTS
from spro.routing.engine import get_engine
from spro.routing.places import PlaceFinder
from spro.routing.ruleset import default_rules
from spro.routing.situation import INT_BOUNDS, SituationError, UnknownCommune, load_situations

router = Router()
MAX_SITUATIONS = 1000


def _literal(codes):
    return Literal[tuple(codes)]


class SituationIn(Schema):
    """Situation de la personne ; tous les champs sont facultatifs."""

    model_config = {"extra": "forbid"}

    age: int | None = Field(
        None, ge=INT_BOUNDS["age"][0], le=INT_BOUNDS["age"][1], description="Âge en années"
    )
    sexe: _literal(SEXES) | None = None
    statut: _literal(STATUTS) | None = Field(None, description="Situation actuelle")
    diplome: _literal(DIPLOMES) | None = Field(None, description="Plus haut diplôme obtenu")
    cadre: bool | None = Field(None, description="Statut cadre")
    rqth: bool | None = Field(None, description="Reconnaissance de la qualité de travailleur handicapé")
    mois_hors_ecole: int | None = Field(
        None, ge=0, le=INT_BOUNDS["mois_hors_ecole"][1], description="Mois depuis la sortie de l'école"
    )
    besoin: _literal(BESOINS) | None = None
    secteur: _literal(SECTEURS) | None = Field(None, description="Secteur du projet")
    commune: str | None = Field(
        None,
        pattern=r"^(\d{5}|2[ABab]\d{3})$",
        description="Code INSEE de la commune : les lieux proches sont alors ajoutés à la réponse",
    )
    metier: str | None = Field(
        None,
        pattern=r"^[A-Na-n]\d{4}$",
        description=(
            "Code ROME 4.0 du métier du projet (ex. D1102, voir /metiers/) : les règles peuvent utiliser son "
            "grand domaine et son domaine, et le secteur en est déduit s'il n'est pas donné"
        ),
    )
    a_distance: bool | None = Field(
        None,
        description="La personne préfère un service à distance (téléphone, site internet) : la réponse nomme "
        "alors les services à distance qui desservent sa commune",
    )
    premiere_porte: _literal(sorted(default_rules()["networks"])) | None = Field(
        None, description="Code du réseau où la personne est accueillie (première porte)"
    )


class NetworkOut(Schema):
    code: str = Field(description="Code du réseau")
    libelle: str
    raison: str = Field(description="Pourquoi ce réseau, en une phrase")
    source: str = Field(description="Texte de la charte ou de la loi sur lequel la règle s'appuie")
    operateur: str | None = Field(
        None, description="Opérateur régional du CEP en vigueur ce jour (réseau cep-actifs, selon le marché)"
    )


class PlaceOut(Schema):
    id: int
    nom: str
    structure: str
    reseau: str
    adresse: str
    code_postal: str
    commune: str
    latitude: float | None = Field(description="Aucune pour un service à distance")
    longitude: float | None
    distance_km: float | None = Field(description="Aucune pour un service à distance")
    a_distance: bool = Field(False, description="Service à distance (téléphone, site internet), sans adresse")
    site_web: str = Field("", description="Site internet d'un service à distance")
    etat: Literal["ouvert", "ferme", "inconnu"] = Field(description="Ouvert ou fermé en ce moment")
    horaires: str = Field(description="Horaires au format OpenStreetMap")
    telephone: str
    courriel: str
    url: str = Field(description="Page publique du lieu")


class AnswerOut(Schema):
    reseaux: list[NetworkOut] = Field(description="Deuxièmes portes, la meilleure d'abord ; vide si aucune")
    lieux: list[PlaceOut] = Field(description="Lieux proches des réseaux recommandés (si commune donnée)")
    premier_niveau: str = Field(
        description=(
            "Réponse de premier niveau en français (ce que la personne peut faire elle-même, avec les "
            "ressources) ; jamais vide quand « reseaux » est vide"
        )
    )
    premiere_porte: PlaceOut | None = Field(
        None,
        description=(
            "Service à distance proposé comme première porte (ligne téléphonique, site internet de la "
            "Région), quand la personne préfère être accompagnée à distance et que les règles de la Région "
            "le permettent ; null sinon"
        ),
    )


_situation_schema = SituationIn.model_json_schema()
_situation_schema.pop("title", None)
REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "anyOf": [
                    _situation_schema,
                    {"type": "array", "items": _situation_schema, "maxItems": MAX_SITUATIONS},
                ]
            }
        }
    },
}


def _error(status: int, message: str, field: str = "requête", index: int | None = None):
    return Status(
        status, {"detail": message, "erreurs": [{"champ": field, "message": message, "indice": index}]}
    )


@router.post(
    "",
    response={200: AnswerOut | list[AnswerOut], 404: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="Aiguiller une situation (ou une liste) vers la bonne deuxième porte",
    openapi_extra={"requestBody": REQUEST_BODY},
)
def aiguiller(request):
    """Une situation (objet) donne une réponse (objet) ; une liste donne une liste dans le même ordre.

    Les réseaux sont classés du plus adapté au moins adapté, chacun avec la raison en français et la
    source de la règle. `reseaux` est vide quand l'information de premier niveau suffit. Un champ ou un
    code inconnu, un mauvais type : 422, avec un message qui nomme le champ (et l'indice dans la liste).
    Une commune bien formée mais inconnue : 404.
    """
    try:
        data = load_situations(request.body.decode("utf-8") or "null")
    except RequestDataTooBig:
        return _error(413, body_too_big_message())
    except UnicodeDecodeError:
        return _error(422, "Le corps de la requête n'est pas du texte UTF-8.")
    except SituationError as error:
        return _error(422, error.message, error.field or "requête", error.index)
    if isinstance(data, list) and len(data) > MAX_SITUATIONS:
        return _error(422, f"Trop de situations : {MAX_SITUATIONS} au plus par requête.")
    if not isinstance(data, dict | list):
        return _error(422, "Le corps doit être un objet JSON (une situation) ou un tableau de situations.")
    engine = get_engine()
    places = PlaceFinder()
    try:
        if isinstance(data, list):
            return Status(200, [answer.as_dict() for answer in engine.route_many(data, places)])
        return Status(200, engine.route(data, places).as_dict())
    except SituationError as error:
        status = 404 if isinstance(error, UnknownCommune) else 422
        return _error(status, error.message, error.field or "requête", error.index)
