"""Zones d'emploi and bassins de vie from INSEE's "table d'appartenance géographique des communes"
(CSV export).

INSEE publishes it as a spreadsheet; its CSV export (comma or semicolon separated, UTF-8 or Latin-1)
has one row per commune with the columns CODGEO (or DEPCOM), ZE2020 and LIB_ZE2020, and, when the
export has them, BV2022 and LIB_BV2022 (the bassin de vie, named by the INSEE code of its main
commune). The whole file is checked before anything is written, in one transaction.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from spro.territories.models import Commune, EmploymentZone, LivingArea

CODE_COLUMNS = ("CODGEO", "DEPCOM")
ZONE_COLUMN, LABEL_COLUMN = "ZE2020", "LIB_ZE2020"
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
ZONE_CODE = re.compile(r"^\d{4}$")
AREA_COLUMN, AREA_LABEL_COLUMN = "BV2022", "LIB_BV2022"
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


@dataclass
class ZoneTable:
    zones: dict[str, str] = field(default_factory=dict)  # zone d'emploi code → label
    membership: dict[str, str] = field(default_factory=dict)  # commune code → zone d'emploi code
    areas: dict[str, str] = field(default_factory=dict)  # bassin de vie code → label
    area_membership: dict[str, str] = field(default_factory=dict)  # commune code → bassin de vie code


def _add(table: dict, key: str, value: str, number: int, message: str):
    if table.setdefault(key, value) != value:
        raise ZoneFileError(f"Ligne {number} : {message}")


def read_zone_file(path) -> ZoneTable:
    """The zones d'emploi (and bassins de vie, when the file has their columns) read from the file,
    or ZoneFileError."""
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
    with_areas = AREA_COLUMN in columns
    if with_areas != (AREA_LABEL_COLUMN in columns):
        raise ZoneFileError(
            "Les colonnes BV2022 et LIB_BV2022 (bassins de vie) vont ensemble : il en manque une."
        )
    table = ZoneTable()
    try:
        for number, row in enumerate(reader, start=2):
            code = (row.get(code_column) or "").strip().upper()
            zone = (row.get(ZONE_COLUMN) or "").strip()
            label = (row.get(LABEL_COLUMN) or "").strip()
            if not COMMUNE_CODE.match(code):
                raise ZoneFileError(f"Ligne {number} : code de commune invalide « {code[:20]} ».")
            if not ZONE_CODE.match(zone) or not label or len(label) > 150:
                raise ZoneFileError(f"Ligne {number} : zone d'emploi invalide pour la commune {code}.")
            _add(table.zones, zone, label, number, f"la zone {zone} porte deux libellés différents.")
            _add(table.membership, code, zone, number, f"la commune {code} apparaît dans deux zones.")
            if not with_areas:
                continue
            area = (row.get(AREA_COLUMN) or "").strip().upper()
            area_label = (row.get(AREA_LABEL_COLUMN) or "").strip()
            if not area and not area_label:
                continue  # a commune outside any bassin de vie (none in the 2022 table, but allowed)
            if not COMMUNE_CODE.match(area) or not area_label or len(area_label) > 150:
                raise ZoneFileError(f"Ligne {number} : bassin de vie invalide pour la commune {code}.")
            _add(
                table.areas,
                area,
                area_label,
                number,
                f"le bassin de vie {area} porte deux libellés différents.",
            )
            _add(
                table.area_membership,
                code,
                area,
                number,
                f"la commune {code} apparaît dans deux bassins de vie.",
            )
    except csv.Error as error:
        raise ZoneFileError(f"Fichier CSV mal formé : {error}.") from error
    if not table.membership:
        raise ZoneFileError("Le fichier ne contient aucune commune.")
    return table


@dataclass
class ZoneImport:
    zones: int  # zones d'emploi imported
    communes: int  # communes attached to their zone d'emploi
    unknown: int  # commune codes of the file unknown to the referential (ignored)
    areas: int  # bassins de vie imported (0: the file has no BV2022 column)
    area_communes: int  # communes attached to their bassin de vie


def _attach(model, table: dict[str, str], membership: dict[str, str], field_name: str, known: set) -> int:
    model.objects.bulk_create(
        [model(code=code, name=label) for code, label in table.items()],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name"],
    )
    by_value: dict[str, list[str]] = {}
    for commune, value in membership.items():
        if commune in known:
            by_value.setdefault(value, []).append(commune)
    for value, communes in by_value.items():
        for start in range(0, len(communes), 500):
            Commune.objects.filter(code__in=communes[start : start + 500]).update(**{field_name: value})
    return sum(len(c) for c in by_value.values())


def import_employment_zones(path) -> ZoneImport:
    """Import the file (zones d'emploi, and bassins de vie when it has their columns), all or nothing."""
    table = read_zone_file(path)
    known = set(Commune.objects.values_list("code", flat=True))
    with transaction.atomic():
        attached = _attach(EmploymentZone, table.zones, table.membership, "employment_zone_id", known)
        area_communes = _attach(LivingArea, table.areas, table.area_membership, "living_area_id", known)
    return ZoneImport(
        zones=len(table.zones),
        communes=attached,
        unknown=len(table.membership) - attached,
        areas=len(table.areas),
        area_communes=area_communes,
    )
