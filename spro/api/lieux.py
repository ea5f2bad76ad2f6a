"""GET /api/v1/lieux: the directory's proximity search (same code path as the /annuaire/ page), a site's
detail, and the whole directory as CSV and GeoJSON (open data)."""

import io
import json
from typing import Literal

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.renderers import JSONRenderer
from ninja.responses import Status

from spro.api.errors import ErrorOut
from spro.api.params import Text
from spro.core.exports import ExportBusy, current_export, export_response
from spro.core.spreadsheets import csv_writer
from spro.directory.codes import Need, Public, ReceptionMode
from spro.directory.models import Network, Site
from spro.directory.search import MAX_LISTED, MAX_PER_PAGE, MAX_RADIUS_KM, SiteQuery, search_sites
from spro.directory.version import directory_version
from spro.territories.lookup import get_commune

router = Router()
RENDERER = JSONRenderer()  # the API's own (NinjaAPI's default): same bytes, same content type
MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000


NeedCode = Literal[tuple(Need.values)]
PublicCode = Literal[tuple(Public.values)]
ModeCode = Literal[tuple(ReceptionMode.values)]
NO_PLACE = "Indiquez une commune (code INSEE, paramètre commune) ou une position (lat et lon)."
UNKNOWN_COMMUNE = "Commune « {} » inconnue : indiquez son code INSEE (par exemple 31555 pour Toulouse)."


class ServiceOut(Schema):
    nom: str
    description: str
    besoins: list[str] = Field(description="Codes des besoins couverts")
    publics: list[str] = Field(description="Codes des publics accueillis")
    gratuit: bool
    modalites_acces: list[str] = Field(description="acces-libre, sur-rendez-vous, sur-orientation")
    lien_rendez_vous: str = Field(description="Lien de prise de rendez-vous, s'il existe")


class LieuOut(Schema):
    id: int
    nom: str
    structure: str
    reseau: str = Field(description="Code du réseau")
    reseau_libelle: str
    adresse: str
    code_postal: str
    commune: str
    code_commune: str = Field(description="Code INSEE de la commune")
    latitude: float
    longitude: float
    distance_km: float | None = Field(description="Distance à vol d'oiseau depuis le point de recherche")
    etat: Literal["ouvert", "ferme", "inconnu"] = Field(description="Ouvert ou fermé en ce moment")
    etat_texte: str = Field(description="Par exemple : « Ouvert maintenant, ferme à 17 h »")
    horaires: str = Field(description="Horaires au format OpenStreetMap opening_hours")
    telephone: str
    courriel: str
    modes_accueil: list[str]
    services: list[ServiceOut]
    url: str = Field(description="Page publique du lieu")


class LieuDetailOut(LieuOut):
    type: str = Field(description="site-principal, antenne, point-relais ou permanence")
    complement_adresse: str
    accessibilite: list[str]
    informations_pratiques: str
    site_internet: str
    mis_a_jour_le: str = Field(description="Date de dernière mise à jour (AAAA-MM-JJ)")
    donnees_fictives: bool = Field(description="Vrai pour les données de démonstration")


class LieuxOut(Schema):
    total: int = Field(
        description=f"Nombre de lieux correspondant à la recherche, au plus {MAX_LISTED} (les plus proches) :"
        " au-delà, `plus_de_resultats` est vrai et la recherche est à préciser"
    )
    plus_de_resultats: bool = Field(
        description="Vrai quand plus de `total` lieux correspondent : seuls les `total` plus proches"
        " sont listés"
    )
    page: int
    par_page: int
    items: list[LieuOut]


def _error(status: int, message: str, field: str = "requête"):
    return Status(status, {"detail": message, "erreurs": [{"champ": field, "message": message}]})


def service_out(service) -> dict:
    return {
        "nom": service.name,
        "description": service.description,
        "besoins": list(service.needs or []),
        "publics": list(service.publics or []),
        "gratuit": service.is_free,
        "modalites_acces": list(service.access_modes or []),
        "lien_rendez_vous": service.appointment_url,
    }


def lieu_out(request, site, distance_km, state) -> dict:
    services = getattr(site, "active_services", None)
    if services is None:
        services = [s for s in site.services.all() if s.is_active]
    return {
        "id": site.pk,
        "nom": site.name,
        "structure": site.structure.name,
        "reseau": site.structure.network.code,
        "reseau_libelle": site.structure.network.label,
        "adresse": site.address,
        "code_postal": site.postal_code,
        "commune": site.commune.name,
        "code_commune": site.commune_id,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "distance_km": None if distance_km is None else round(distance_km, 2),
        "etat": state.code,
        "etat_texte": state.text,
        "horaires": site.opening_hours,
        "telephone": site.phone,
        "courriel": site.email,
        "modes_accueil": list(site.reception_modes or []),
        "services": [service_out(s) for s in services],
        "url": request.build_absolute_uri(reverse("annuaire:site", args=[site.pk])),
    }


@router.get(
    "",
    response={200: LieuxOut, 404: ErrorOut, 422: ErrorOut},
    summary="Rechercher les lieux d'accueil proches d'une commune ou d'un point",
)
def list_lieux(
    request,
    commune: Text | None = Query(  # noqa: B008
        None, max_length=10, description="Code INSEE de la commune (centre de la recherche), ex. 31555"
    ),
    lat: float | None = Query(None, ge=-90, le=90, allow_inf_nan=False, description="Latitude (WGS 84)"),
    lon: float | None = Query(None, ge=-180, le=180, allow_inf_nan=False, description="Longitude (WGS 84)"),
    rayon: int = Query(30, ge=1, le=MAX_RADIUS_KM, description="Rayon de recherche en km (1 à 200)"),
    besoin: NeedCode | None = Query(None, description="Code du besoin"),  # noqa: B008
    public: PublicCode | None = Query(None, description="Code du public"),  # noqa: B008
    reseau: Text | None = Query(None, max_length=50, description="Code du réseau, ex. mission-locale"),  # noqa: B008
    mode: ModeCode | None = Query(None, description="Mode d'accueil"),  # noqa: B008
    ouvert: bool = Query(False, description="Seulement les lieux ouverts en ce moment"),
    q: Text | None = Query(  # noqa: B008
        None, max_length=100, description="Texte cherché (noms, services, descriptions)"
    ),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    par_page: int = Query(20, ge=1, le=MAX_PER_PAGE),
):
    """Les lieux d'accueil actifs dans le rayon, du plus proche au plus éloigné.

    Le centre est la commune (`commune`, code INSEE) ou le point `lat`/`lon`. Une commune inconnue
    répond 404 ; un paramètre invalide (rayon hors de 1 à 200 km, code de besoin, de public, de réseau
    ou de mode inconnu, position incomplète) répond 422 avec un message en français.
    """
    if (lat is None) != (lon is None):
        field = "lon" if lon is None else "lat"
        return _error(422, "Indiquez la latitude et la longitude ensemble (lat et lon).", field)
    if lat is None and not commune:
        return _error(422, NO_PLACE)
    if lat is None:
        found = get_commune(commune.strip())
        if found is None or found.latitude is None:
            return _error(404, UNKNOWN_COMMUNE.format(commune), "commune")
        lat, lon = found.latitude, found.longitude
    if reseau and not Network.objects.filter(code=reseau).exists():
        return _error(422, f"Réseau « {reseau} » inconnu.", "reseau")
    result = search_sites(
        SiteQuery(
            lat=lat,
            lon=lon,
            radius_km=rayon,
            need=besoin,
            public=public,
            network=reseau,
            mode=mode,
            open_now=ouvert,
            text=q or "",
            page=page,
            per_page=par_page,
        )
    )
    data = {
        "total": result.total,
        "plus_de_resultats": result.more,
        "page": result.page,
        "par_page": result.per_page,
        "items": [lieu_out(request, hit.site, hit.distance_km, hit.state) for hit in result.items],
    }
    # Rendered as is: ninja's check of the answer against `LieuxOut` walked every field of the sites
    # and their services, a third of the request (cProfile of bench.search); the dicts are built with
    # the schema's fields and types, and a test reads every answer back through the schema.
    content = RENDERER.render(request, data, response_status=200)
    return HttpResponse(content, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}")


EXPORT_COLUMNS = [
    ("id", "pk"),
    ("nom", "name"),
    ("structure", "structure__name"),
    ("siret", "structure__siret"),
    ("reseau", "network_code"),
    ("type", "kind"),
    ("adresse", "address"),
    ("complement_adresse", "address_complement"),
    ("code_postal", "postal_code"),
    ("code_commune", "commune_id"),
    ("commune", "commune__name"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("telephone", "phone"),
    ("courriel", "email"),
    ("horaires", "opening_hours"),
    ("modes_accueil", "modes_index"),
    ("besoins", "needs_index"),
    ("publics", "publics_index"),
    ("accessibilite", "accessibility"),
    ("site_internet", "structure__website"),
    ("mis_a_jour_le", "updated_at"),
    ("donnees_fictives", "structure__is_demo"),
]
LIST_COLUMNS = {"modes_index", "needs_index", "publics_index"}


def _export_rows():
    """Each active site as a dict of export columns; multi-valued codes joined with "|"."""
    fields = [field for _name, field in EXPORT_COLUMNS]
    rows = (
        Site.objects.filter(is_active=True, structure__is_active=True)
        .order_by("pk")
        .values_list(*fields)
        .iterator(chunk_size=2000)
    )
    for row in rows:
        record = {}
        for (name, field), value in zip(EXPORT_COLUMNS, row, strict=True):
            if field in LIST_COLUMNS:
                value = value.strip("|")
            elif field == "accessibility":
                value = "|".join(value or [])
            elif field == "updated_at":
                value = value.date().isoformat()
            record[name] = value
        yield record


def _write_csv(stream):
    """The CSV export into the binary `stream`: UTF-8, commas, CRLF, every cell formula-safe."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
    writer = csv_writer(text)
    writer.writerow([name for name, _field in EXPORT_COLUMNS])
    for record in _export_rows():
        writer.writerow(["oui" if v is True else "non" if v is False else v for v in record.values()])
    text.flush()
    text.detach()


def _write_geojson(stream):
    """The GeoJSON export into the binary `stream`: one FeatureCollection, a point per site."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
    text.write('{"type": "FeatureCollection", "features": [')
    separator = ""
    for record in _export_rows():
        lon, lat = record.pop("longitude"), record.pop("latitude")
        for key in ("modes_accueil", "besoins", "publics", "accessibilite"):
            record[key] = [code for code in record[key].split("|") if code]
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": record,
        }
        text.write(separator + json.dumps(feature, ensure_ascii=False))
        separator = ","
    text.write("]}")
    text.flush()
    text.detach()


BUSY = (
    "Trop d'exports complets sont en préparation en ce moment : réessayez dans {} secondes. "
    "Le fichier est ensuite servi tel quel tant que l'annuaire ne change pas."
)
EXPORT_RESPONSES = {
    304: {"description": "Inchangé depuis la copie du client (If-None-Match, If-Modified-Since)"},
    503: {
        "description": "Trop d'exports en préparation en même temps : réessayer après Retry-After secondes",
        "content": {"application/json": {"schema": ErrorOut.model_json_schema()}},
    },
}


def _serve_export(request, name: str, write, content_type: str, filename: str):
    """The export file of the current directory version (rebuilt first if the directory changed)."""
    try:
        export = current_export(name, directory_version(), write)
    except ExportBusy as busy:
        message = BUSY.format(busy.retry_after)
        response = JsonResponse(
            {"detail": message, "erreurs": [{"champ": "requête", "message": message}]}, status=503
        )
        response["Retry-After"] = str(busy.retry_after)
        return response
    return export_response(request, export, content_type, filename)


@router.get(
    "/export.csv",
    summary="Tous les lieux d'accueil actifs, au format CSV",
    openapi_extra={
        "responses": {
            200: {
                "description": "CSV UTF-8, virgules, ligne d'en-tête ; codes multiples séparés par | ; "
                "un texte qui commencerait par =, +, -, @, une tabulation ou un retour chariot est précédé "
                "d'une apostrophe, pour qu'un tableur ne l'exécute pas",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            },
            **EXPORT_RESPONSES,
        }
    },
)
def export_csv(request):
    return _serve_export(request, "lieux.csv", _write_csv, "text/csv; charset=utf-8", "lieux-spro.csv")


@router.get(
    "/export.geojson",
    summary="Tous les lieux d'accueil actifs, au format GeoJSON",
    openapi_extra={
        "responses": {
            200: {
                "description": "Une FeatureCollection GeoJSON (RFC 7946), un point par lieu",
                "content": {"application/geo+json": {"schema": {"type": "object"}}},
            },
            **EXPORT_RESPONSES,
        }
    },
)
def export_geojson(request):
    return _serve_export(
        request, "lieux.geojson", _write_geojson, "application/geo+json", "lieux-spro.geojson"
    )


@router.get(
    "/{id}",
    response={200: LieuDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="Un lieu d'accueil",
)
def get_lieu(request, id: int = Path(..., ge=1, le=MAX_ID, description="Identifiant du lieu")):
    """Le lieu d'accueil actif, avec ses services, son état d'ouverture et sa date de mise à jour."""
    from django.db.models import Prefetch

    from spro.directory.hours import opening_state
    from spro.directory.models import Service

    site = (
        Site.objects.filter(pk=id, is_active=True, structure__is_active=True)
        .select_related("structure__network", "commune")
        .prefetch_related(
            Prefetch(
                "services", Service.objects.filter(is_active=True).order_by("name"), to_attr="active_services"
            )
        )
        .first()
    )
    if site is None:
        return _error(404, f"Aucun lieu d'accueil actif ne porte l'identifiant {id}.", "id")
    data = lieu_out(request, site, None, opening_state(site.opening_hours))
    data.update(
        {
            "type": site.kind,
            "complement_adresse": site.address_complement,
            "accessibilite": list(site.accessibility or []),
            "informations_pratiques": site.description,
            "site_internet": site.structure.website,
            "mis_a_jour_le": site.updated_at.date().isoformat(),
            "donnees_fictives": site.structure.is_demo,
        }
    )
    return Status(200, data)
