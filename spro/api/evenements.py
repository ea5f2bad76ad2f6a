"""GET /api/v1/evenements: the upcoming public events of the agenda, with the filters of /agenda/
(`commune`, `rayon`, `type`, `public`, `besoin`, `domaine`, `du`, `au`: spro.events.search), in start
order, paginated; each item links to its page and its iCalendar file."""

from django.conf import settings
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from spro.api.errors import ErrorOut
from spro.api.params import Text
from spro.events import rules
from spro.events.search import search

router = Router()
MAX_PER_PAGE = 200
MAX_PAGE = 10_000
MAX_LISTED = 5000


class LieuEvenementOut(Schema):
    adresse: str
    commune: str | None = Field(description="Code INSEE")
    commune_nom: str | None
    latitude: float | None
    longitude: float | None


class EvenementOut(Schema):
    id: int
    titre: str
    type: str = Field(description="Code du type d'événement")
    type_libelle: str
    debut: str = Field(description="Début, ISO 8601 avec le décalage de Paris")
    fin: str
    annule: bool
    etat: str = Field(description="publie, ou annule (un événement annulé reste listé)")
    etat_libelle: str
    lieu: LieuEvenementOut
    en_ligne: str | None = Field(description="Lien de l'événement en ligne")
    publics: list[str]
    besoins: list[str]
    domaines: list[str] = Field(description="Domaines de métiers (codes ROME)")
    accessibilite: list[str]
    inscription: str = Field(description="libre, externe ou spro")
    lien_inscription: str | None
    organisateur: str
    url: str
    ics: str


class EvenementsOut(Schema):
    total: int = Field(
        description=f"Nombre d'événements trouvés (au plus {MAX_LISTED} : affinez les filtres)"
    )
    page: int
    par_page: int
    items: list[EvenementOut]


def evenement_out(event) -> dict:
    base = settings.SPRO_BASE_URL
    return {
        "id": event.pk,
        "titre": event.title,
        "type": event.kind,
        "type_libelle": rules.KINDS.get(event.kind, event.kind),
        "debut": event.start_local.isoformat(),
        "fin": event.end_local.isoformat(),
        "annule": event.is_cancelled,
        "etat": event.state,
        "etat_libelle": event.get_state_display(),
        "lieu": {
            "adresse": event.address,
            "commune": event.commune_id,
            "commune_nom": event.commune.name if event.commune_id else None,
            "latitude": event.latitude,
            "longitude": event.longitude,
        },
        "en_ligne": event.online_url or None,
        "publics": list(event.publics),
        "besoins": list(event.themes),
        "domaines": list(event.rome_domains),
        "accessibilite": list(event.accessibility),
        "inscription": event.registration,
        "lien_inscription": event.registration_url
        or (f"{base}/agenda/{event.pk}/" if event.registration == "spro" else None),
        "organisateur": event.structure.name,
        "url": f"{base}/agenda/{event.pk}/",
        "ics": f"{base}/agenda/{event.pk}/evenement.ics",
    }


@router.get("", response={200: EvenementsOut, 422: ErrorOut}, summary="Les événements à venir de l'agenda")
def list_evenements(
    request,
    commune: Text | None = Query(None, max_length=5, description="Code INSEE du centre, ex. 31555"),  # noqa: B008
    rayon: int | None = Query(
        None, ge=1, le=200, description="Rayon autour de la commune, en km (20 par défaut)"
    ),
    type: Text | None = Query(None, max_length=30, description="Code du type d'événement"),  # noqa: A002, B008
    public: Text | None = Query(None, max_length=30, description="Code du public (statut ou tranche d'âge)"),  # noqa: B008
    besoin: Text | None = Query(None, max_length=40, description="Code du besoin (thème)"),  # noqa: B008
    domaine: Text | None = Query(  # noqa: B008
        None, max_length=3, description="Domaine ROME : lettre, ou lettre et deux chiffres"
    ),
    du: Text | None = Query(None, max_length=10, description="À partir de ce jour (AAAA-MM-JJ)"),  # noqa: B008
    au: Text | None = Query(None, max_length=10, description="Jusqu'à ce jour inclus (AAAA-MM-JJ)"),  # noqa: B008
    page: int = Query(1, ge=1, le=MAX_PAGE),
    par_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
):
    """Événements publics publiés ou annulés (un événement annulé porte `annule: true`), par date de début.
    Un filtre invalide répond 422 en nommant le paramètre."""
    params = {
        "commune": commune,
        "rayon": str(rayon) if rayon else "",
        "type": type,
        "public": public,
        "besoin": besoin,
        "domaine": domaine,
        "du": du,
        "au": au,
    }
    start = (page - 1) * par_page
    result = search(
        {k: v for k, v in params.items() if v},
        limit=max(min(par_page, MAX_LISTED - start), 0),
        offset=start,
        with_total=True,
    )
    if result.errors:
        return Status(
            422,
            {
                "detail": "Paramètres invalides.",
                "erreurs": [{"champ": name, "message": message} for name, message in result.errors.items()],
            },
        )
    total = min(result.total, MAX_LISTED)
    return Status(
        200,
        {
            "total": total,
            "page": page,
            "par_page": par_page,
            "items": [evenement_out(event) for event in result.events],
        },
    )
