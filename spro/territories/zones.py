"""Zones d'emploi from INSEE's "table d'appartenance géographique des communes" (CSV export).

INSEE publishes it as a spreadsheet; its CSV export (comma or semicolon separated, UTF-8 or Latin-1)
has one row per commune with the columns CODGEO (or DEPCOM), ZE2020 and LIB_ZE2020. The whole file is
checked before anything is written, in one transaction.
"""

import csv
import io
import re
from pathlib import Path

from django.db import transaction

from spro.territories.models import Commune, EmploymentZone

CODE_COLUMNS = ("CODGEO", "DEPCOM")
ZONE_COLUMN, LABEL_COLUMN = "ZE2020", "LIB_ZE2020"
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
ZONE_CODE = re.compile(r"^\d{4}$")
MAX_BYTES = 50 * 1024 * 1024


class ZoneFileError(Exception):
    """The file cannot be imported; the message is in French."""


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ZoneFileError("Encodage du fichier non reconnu (UTF-8 ou Windows-1252 attendu).")


def read_zone_file(path) -> tuple[dict[str, str], dict[str, str]]:
    """({zone code: label}, {commune code: zone code}) read from the file, or ZoneFileError."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ZoneFileError(f"Fichier trop volumineux (plus de {MAX_BYTES // 1024 // 1024} Mo).")
        text = _decode(path.read_bytes())
    except OSError as error:
        raise ZoneFileError(f"Fichier introuvable ou illisible : {path}.") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = reader.fieldnames or []
    code_column = next((c for c in CODE_COLUMNS if c in columns), None)
    if code_column is None or ZONE_COLUMN not in columns or LABEL_COLUMN not in columns:
        raise ZoneFileError(
            "Colonnes attendues absentes : CODGEO (ou DEPCOM), ZE2020 et LIB_ZE2020 "
            f"(colonnes trouvées : {', '.join(columns) or 'aucune'})."
        )
    zones: dict[str, str] = {}
    membership: dict[str, str] = {}
    try:
        for number, row in enumerate(reader, start=2):
            code = (row.get(code_column) or "").strip().upper()
            zone = (row.get(ZONE_COLUMN) or "").strip()
            label = (row.get(LABEL_COLUMN) or "").strip()
            if not COMMUNE_CODE.match(code):
                raise ZoneFileError(f"Ligne {number} : code de commune invalide « {code[:20]} ».")
            if not ZONE_CODE.match(zone) or not label or len(label) > 150:
                raise ZoneFileError(f"Ligne {number} : zone d'emploi invalide pour la commune {code}.")
            if zones.setdefault(zone, label) != label:
                raise ZoneFileError(f"Ligne {number} : la zone {zone} porte deux libellés différents.")
            if membership.setdefault(code, zone) != zone:
                raise ZoneFileError(f"Ligne {number} : la commune {code} apparaît dans deux zones.")
    except csv.Error as error:
        raise ZoneFileError(f"Fichier CSV mal formé : {error}.") from error
    if not membership:
        raise ZoneFileError("Le fichier ne contient aucune commune.")
    return zones, membership


def import_employment_zones(path) -> tuple[int, int, int]:
    """Import the file; returns (zones, communes attached, commune codes unknown to the referential)."""
    zones, membership = read_zone_file(path)
    known = set(Commune.objects.values_list("code", flat=True))
    with transaction.atomic():
        EmploymentZone.objects.bulk_create(
            [EmploymentZone(code=code, name=label) for code, label in zones.items()],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name"],
        )
        by_zone: dict[str, list[str]] = {}
        for commune, zone in membership.items():
            if commune in known:
                by_zone.setdefault(zone, []).append(commune)
        for zone, communes in by_zone.items():
            for start in range(0, len(communes), 500):
                Commune.objects.filter(code__in=communes[start : start + 500]).update(employment_zone_id=zone)
    attached = sum(len(c) for c in by_zone.values())
    return len(zones), attached, len(membership) - attached
