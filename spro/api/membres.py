"""GET /api/v1/membres: the members of the SPRO (open data): one item per structure with a SPRO status,
its volets and validity, and the reference of its attestation; also as CSV."""

import io
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from spro.api.errors import ErrorOut
from spro.core.spreadsheets import csv_writer
from spro.labels.members import members
from spro.labels.models import SproStatus
from spro.labels.states import SproStatusCode

router = Router()
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
StatusCode = Literal[tuple(SproStatusCode.values)]
COLUMNS = ["structure", "statut", "volets", "valide_du", "valide_jusqu_au", "attestation"]


class MembreOut(Schema):
    structure: str = Field(description="Nom de la structure")
    statut: StatusCode = Field(description="membre-de-droit, reconnu, labellise ou partenaire-local")
    volets: list[str] = Field(description="Codes des volets du label (vide sauf pour un membre labellisé)")
    valide_du: str | None = Field(description="Début de validité du label (AAAA-MM-JJ)")
    valide_jusqu_au: str | None = Field(description="Fin de validité du label (AAAA-MM-JJ), null sans fin")
    attestation: str | None = Field(
        description="Référence de l'attestation, vérifiable sur /attestations/<référence>/"
    )


class MembresOut(Schema):
    total: int
    page: int
    par_page: int
    items: list[MembreOut]


def membre_out(row: SproStatus) -> dict:
    return {
        "structure": row.structure.name,
        "statut": row.status,
        "volets": list(row.volets),
        "valide_du": row.valid_from.isoformat() if row.valid_from else None,
        "valide_jusqu_au": row.valid_until.isoformat() if row.valid_until else None,
        "attestation": row.attestation or None,
    }


@router.get("", response={200: MembresOut, 422: ErrorOut}, summary="Les membres du SPRO et leur statut")
def list_membres(
    request,
    statut: StatusCode | None = Query(None, description="Seulement ce statut"),  # noqa: B008
    page: int = Query(1, ge=1, le=MAX_PAGE),
    par_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
):
    """Une entrée par structure active ayant un statut SPRO dans la Région, par ordre alphabétique."""
    rows = members(statut)
    start = (page - 1) * par_page
    return Status(
        200,
        {
            "total": rows.count(),
            "page": page,
            "par_page": par_page,
            "items": [membre_out(row) for row in rows[start : start + par_page]],
        },
    )


@router.get(
    "/export.csv",
    summary="Les membres du SPRO, au format CSV",
    openapi_extra={
        "responses": {
            200: {
                "description": "CSV UTF-8, virgules, ligne d'en-tête ; volets séparés par | ; un texte "
                "qui commencerait par =, +, -, @, une tabulation ou un retour chariot est précédé d'une "
                "apostrophe",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_membres_csv(request):
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow(COLUMNS)
    for row in members().iterator(chunk_size=2000):
        item = membre_out(row)
        item["volets"] = "|".join(item["volets"])
        writer.writerow([item[name] or "" for name in COLUMNS])
    response = HttpResponse(text.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="membres-spro.csv"'
    return response
