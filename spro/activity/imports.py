"""CSV import of receptions counted in a structure's own tool: validated first, all or nothing.

The format (README, "Import d'accueils") is one line per reception, with a header line naming the
columns by their codes, in any order, separated by commas or semicolons, UTF-8 (a byte order mark is
allowed):

| column | required | value |
|---|---|---|
| `id_externe` | yes | the reception's id in the structure's tool (letters, digits, `_ . : -`) |
| `date` | yes | `AAAA-MM-JJ` or `JJ/MM/AAAA`, not in the future |
| `lieu` | no | number of one of the structure's sites (shown on the import page) |
| `mode`, `sexe`, `tranche_age`, `statut`, `demande`, `reponse` | yes | codes of spro.activity.codes |
| `commune` | no | INSEE code of the commune of residence |
| `minutes` | no | time spent, 0 to 600 |
| `personnes` | no | number of people (a group), 1 to 10,000; 1 by default |

Every line is checked before anything is written; one error anywhere and nothing is written (each error
names its line and column, in French). Otherwise the new lines are written in one transaction; a line
whose id is already imported is skipped, so importing a file again creates nothing.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from spro.activity import codes
from spro.activity.models import Reception
from spro.territories.models import Commune

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 50_000
MAX_ERRORS = 50
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")

# column → (model field, vocabulary or None, required)
COLUMNS = {
    "id_externe": ("external_id", None, True),
    "date": ("date", None, True),
    "lieu": ("site_id", None, False),
    "mode": ("mode", codes.MODES, True),
    "sexe": ("sexe", codes.SEXES_LOG, True),
    "tranche_age": ("age_band", codes.AGE_BANDS, True),
    "statut": ("statut", codes.STATUTS_LOG, True),
    "demande": ("need", codes.NEEDS_LOG, True),
    "commune": ("commune_id", None, False),
    "reponse": ("answer", codes.ANSWERS, True),
    "minutes": ("minutes", None, False),
    "personnes": ("people", None, False),
}


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)
    created: int = 0
    skipped: int = 0
    lines: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class _TooMany(Exception):
    pass


def _decode(content: bytes, report: ImportReport) -> str | None:
    if len(content) > MAX_BYTES:
        report.errors.append(f"Fichier trop volumineux : {MAX_BYTES // (1024 * 1024)} Mo au plus.")
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append("Le fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 ».")
        return None
    if "\x00" in text:
        report.errors.append("Le fichier contient un caractère nul : ce n'est pas un fichier CSV.")
        return None
    return text


def _parse_date(value: str):
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _integer(value: str, low: int, high: int):
    if not re.fullmatch(r"\d{1,6}", value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def read_rows(structure, content: bytes, today: date | None = None) -> tuple[ImportReport, list[Reception]]:
    """Check every line of the file; the receptions to create (lines already imported left out)."""
    report = ImportReport()
    today = today or timezone.localdate()
    text = _decode(content, report)
    if text is None:
        return report, []
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        report.errors.append("Le fichier est vide : la première ligne doit nommer les colonnes.")
        return report, []
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c, (_f, _v, required) in COLUMNS.items() if required and c not in header]
    if len(set(header)) != len(header):
        report.errors.append("Ligne 1 : une colonne est nommée deux fois.")
    if unknown:
        report.errors.append(
            f"Ligne 1 : colonne{'s' if len(unknown) > 1 else ''} inconnue{'s' if len(unknown) > 1 else ''} "
            f"« {', '.join(u[:40] for u in unknown[:5])} » (colonnes possibles : {', '.join(COLUMNS)})."
        )
    if missing:
        report.errors.append(f"Ligne 1 : colonne{'s' if len(missing) > 1 else ''} manquante"
                             f"{'s' if len(missing) > 1 else ''} : {', '.join(missing)}.")  # fmt: skip
    if report.errors:
        return report, []

    sites = set(structure.sites.values_list("pk", flat=True))
    done = set(
        Reception.objects.filter(structure=structure)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    seen: dict[str, int] = {}
    rows: list[tuple[int, dict]] = []
    communes: set[str] = set()

    def error(line: int, column: str, message: str):
        report.errors.append(f"Ligne {line}, colonne « {column} » : {message}")
        if len(report.errors) >= MAX_ERRORS:
            raise _TooMany

    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            report.lines += 1
            if report.lines > MAX_LINES:
                report.errors.append(f"Trop de lignes : {MAX_LINES} au plus par fichier.")
                break
            if len(values) != len(header):
                report.errors.append(f"Ligne {number} : {len(values)} valeurs pour {len(header)} colonnes.")
                if len(report.errors) >= MAX_ERRORS:
                    raise _TooMany
                continue
            cells = {h: v.strip() for h, v in zip(header, values, strict=True)}
            data: dict = {}
            for column, value in cells.items():
                model_field, vocabulary, required = COLUMNS[column]
                if not value:
                    if required:
                        error(number, column, "valeur obligatoire manquante.")
                    continue
                if vocabulary is not None:
                    if value not in vocabulary:
                        error(number, column, f"code « {value[:40]} » inconnu (codes possibles : "
                                              f"{', '.join(vocabulary)}).")  # fmt: skip
                    else:
                        data[model_field] = value
                elif column == "id_externe":
                    if not EXTERNAL_ID.match(value):
                        error(number, column, "lettres, chiffres et « _ . : - » seulement, 64 au plus.")
                    elif value in seen:
                        error(number, column, f"« {value} » figure déjà à la ligne {seen[value]}.")
                    else:
                        seen[value] = number
                        data[model_field] = value
                elif column == "date":
                    day = _parse_date(value)
                    if day is None:
                        error(
                            number, column, f"« {value[:20]} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)."
                        )
                    elif day > today:
                        error(number, column, "la date ne peut pas être dans le futur.")
                    else:
                        data[model_field] = day
                elif column == "lieu":
                    site = _integer(value, 1, 2**62)
                    if site is None or site not in sites:
                        error(
                            number, column, f"« {value[:20]} » n'est pas le numéro d'un lieu de la structure."
                        )
                    else:
                        data[model_field] = site
                elif column == "commune":
                    if not INSEE.match(value.upper()):
                        error(number, column, f"« {value[:20]} » n'est pas un code INSEE de commune.")
                    else:
                        data[model_field] = value.upper()
                        communes.add(value.upper())
                elif column == "minutes":
                    minutes = _integer(value, 0, 600)
                    if minutes is None:
                        error(number, column, "un nombre entier de 0 à 600.")
                    else:
                        data[model_field] = minutes
                elif column == "personnes":
                    people = _integer(value, 1, 10_000)
                    if people is None:
                        error(number, column, "un nombre entier de 1 à 10 000.")
                    else:
                        data[model_field] = people
            rows.append((number, data))
    except _TooMany:
        report.errors.append(f"Plus de {MAX_ERRORS} erreurs : la lecture s'est arrêtée là.")
    except csv.Error as problem:
        report.errors.append(f"Le fichier n'est pas un CSV lisible : {problem}.")
    if report.errors:
        return report, []

    known = set(Commune.objects.filter(code__in=communes).values_list("code", flat=True))
    for number, data in rows:
        code = data.get("commune_id")
        if code and code not in known:
            report.errors.append(f"Ligne {number}, colonne « commune » : code INSEE « {code} » inconnu.")
    if report.errors:
        return report, []
    if not report.lines:
        report.errors.append("Le fichier ne contient aucune ligne d'accueil après la ligne des colonnes.")
        return report, []

    receptions = []
    for _number, data in rows:
        if data["external_id"] in done:
            report.skipped += 1
            continue
        receptions.append(Reception(structure=structure, **data))
    return report, receptions


def import_csv(structure, content: bytes, user=None, today: date | None = None) -> ImportReport:
    """Check the whole file, then write its new lines in one transaction (nothing at all on an error)."""
    report, receptions = read_rows(structure, content, today)
    if not report.ok:
        return report
    now = timezone.now()
    for reception in receptions:
        reception.created_by = user
        reception.created_at = now
    try:
        with transaction.atomic():
            Reception.objects.bulk_create(receptions, batch_size=2000)
    except IntegrityError:  # the same file imported at the same moment by someone else
        report.errors.append("Ces accueils viennent d'être importés par ailleurs : rien n'a été écrit.")
        return report
    report.created = len(receptions)
    return report
