"""GET /api/v1/activite: monthly first-level receptions by département (of the site) and network (of the
structure), as open data; small counts masked (`accueils` is null under the threshold: no integer below
it ever appears). Also as CSV."""

import io
import re

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from spro.activity.indicators import monthly_open_data
from spro.activity.masking import mask_cell, threshold
from spro.activity.models import Reception
from spro.api.errors import ErrorOut
from spro.api.params import Text
from spro.core.spreadsheets import csv_writer

router = Router()
MAX_PER_PAGE = 500
MAX_PAGE = 1_000_000
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
COLUMNS = ["mois", "departement", "reseau", "accueils"]


class ActiviteOut(Schema):
    mois: str = Field(description="Mois (AAAA-MM)")
    departement: str = Field(description="Code du département du lieu d'accueil")
    reseau: str = Field(description="Code du réseau de la structure")
    accueils: int | None = Field(
        description="Personnes reçues en premier accueil ; null quand l'effectif est sous le seuil de "
        "masquage (SPRO_ACTIVITY_MASK_THRESHOLD, 5 par défaut)"
    )


class ActivitesOut(Schema):
    total: int
    page: int
    par_page: int
    seuil_masquage: int = Field(description="Effectif en dessous duquel `accueils` vaut null")
    items: list[ActiviteOut]


def _error(message: str, field: str):
    return Status(422, {"detail": message, "erreurs": [{"champ": field, "message": message}]})


def _rows(departement=None, reseau=None, du=None, au=None) -> list[dict]:
    queryset = Reception.objects.all()
    if departement:
        queryset = queryset.filter(site__commune__departement_id=departement)
    if reseau:
        queryset = queryset.filter(structure__network__code=reseau)
    if du:
        queryset = queryset.filter(date__gte=f"{du}-01")
    if au:
        year, month = map(int, au.split("-"))
        queryset = queryset.filter(date__lt=f"{year + month // 12}-{month % 12 + 1:02d}-01")
    return [
        {"mois": m, "departement": d, "reseau": r, "accueils": mask_cell(n)}
        for m, d, r, n in monthly_open_data(queryset)
    ]


def _check_months(du, au):
    for name, value in (("du", du), ("au", au)):
        if value and not MONTH.match(value):
            return _error(f"Mois « {value[:20]} » invalide : AAAA-MM, par exemple 2026-01.", name)
    return None


@router.get("", response={200: ActivitesOut, 422: ErrorOut}, summary="Accueils de premier niveau par mois")
def list_activite(
    request,
    departement: Text | None = Query(None, max_length=3, description="Code du département"),  # noqa: B008
    reseau: Text | None = Query(None, max_length=50, description="Code du réseau"),  # noqa: B008
    du: Text | None = Query(None, max_length=7, description="Premier mois (AAAA-MM)"),  # noqa: B008
    au: Text | None = Query(None, max_length=7, description="Dernier mois (AAAA-MM)"),  # noqa: B008
    page: int = Query(1, ge=1, le=MAX_PAGE),
    par_page: int = Query(100, ge=1, le=MAX_PER_PAGE),
):
    """Une entrée par mois, département du lieu d'accueil et réseau de la structure, dans cet ordre.
    `accueils` est null quand l'effectif est inférieur au seuil de masquage."""
    problem = _check_months(du, au)
    if problem:
        return problem
    rows = _rows(departement, reseau, du, au)
    start = (page - 1) * par_page
    return Status(
        200,
        {
            "total": len(rows),
            "page": page,
            "par_page": par_page,
            "seuil_masquage": threshold(),
            "items": rows[start : start + par_page],
        },
    )


@router.get(
    "/export.csv",
    summary="Accueils de premier niveau par mois, au format CSV",
    openapi_extra={
        "responses": {
            200: {
                "description": "CSV UTF-8, virgules, ligne d'en-tête mois,departement,reseau,accueils ; "
                "accueils vide quand l'effectif est sous le seuil de masquage",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_activite_csv(request):
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow(COLUMNS)
    for item in _rows():
        writer.writerow(["" if item[name] is None else item[name] for name in COLUMNS])
    response = HttpResponse(text.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="activite-spro.csv"'
    return response
