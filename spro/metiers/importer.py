"""Import of the ROME 4.0 referential from France Travail's open-data CSV files.

Two files are read from a folder (plain or gzip-compressed, the version number in the name or not):
`unix_referentiel_code_rome_v460_utf8.csv` (fiches) and `unix_referentiel_appellation_v460_utf8.csv`
(job titles). Everything is read and checked first; any problem stops the import with French messages
naming the file and the line (`RomeImportError`) and nothing is written. Then one transaction brings the
tables to the files' content: new rows created, changed rows updated, rows gone from the files deleted.
Running it twice changes nothing the second time.
"""

import csv
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from spro.core.text import text_problem
from spro.metiers.domains import ROME_CODE
from spro.metiers.models import JobTitle, Occupation, referential_changed
from spro.metiers.search import search_text

PACKAGED = Path(__file__).with_name("data")
FILES = {
    "fiches": ("unix_referentiel_code_rome", ("code_rome", "libelle_rome")),
    "appellations": (
        "unix_referentiel_appellation",
        ("code_ogr", "libelle_appellation_long", "code_rome"),
    ),
}
OGR_CODE = re.compile(r"^\d{1,10}$")
MAX_LABEL = 250
MAX_ERRORS = 20
BATCH = 2000


class RomeImportError(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("Import du ROME impossible : " + " ; ".join(errors))


@dataclass
class ImportResult:
    occupations: int
    job_titles: int
    created: int
    updated: int
    deleted: int

    def summary(self) -> str:
        if not (self.created or self.updated or self.deleted):
            return (
                f"Référentiel ROME déjà à jour : {self.occupations} fiches métiers, "
                f"{self.job_titles} appellations."
            )
        return (
            f"Référentiel ROME importé : {self.occupations} fiches métiers, {self.job_titles} appellations "
            f"({self.created} ajoutées, {self.updated} modifiées, {self.deleted} supprimées)."
        )


def find_file(folder: Path, stem: str) -> Path:
    candidates = sorted(
        p for p in folder.iterdir() if p.name.startswith(stem) and p.name.endswith((".csv", ".csv.gz"))
    )
    if not candidates:
        raise RomeImportError([f"Fichier {stem}_…_utf8.csv (ou .csv.gz) introuvable dans {folder}."])
    return candidates[-1]  # the highest version when several are present


def _read_rows(path: Path, required: tuple[str, ...]) -> tuple[list[tuple[int, dict]], list[str]]:
    errors = []
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        return [], [f"{path.name} : fichier illisible ({type(error).__name__})."]
    except UnicodeDecodeError as error:
        return [], [f"{path.name} : le fichier n'est pas en UTF-8 (octet {error.start})."]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        return [], [f"{path.name}, ligne 1 : colonne(s) absente(s) : {', '.join(missing)}."]
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as error:
        errors.append(f"{path.name}, ligne {reader.line_num} : CSV invalide ({error}).")
    return rows, errors


def _label(value, where: str, column: str, errors: list[str]) -> str:
    value = (value or "").strip()
    problem = text_problem(value)
    if not value:
        errors.append(f"{where} : « {column} » est vide.")
    elif problem:
        errors.append(f"{where} : « {column} » : {problem}.")
    elif len(value) > MAX_LABEL:
        errors.append(f"{where} : « {column} » dépasse {MAX_LABEL} caractères.")
    return value


def read_folder(folder) -> tuple[dict, dict]:
    """Check both files; return (fiches by code, appellations by OGR code), or raise RomeImportError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RomeImportError([f"Dossier introuvable : {folder}."])
    errors: list[str] = []
    paths = {}
    for key, (stem, _columns) in FILES.items():
        try:
            paths[key] = find_file(folder, stem)
        except RomeImportError as error:
            errors.extend(error.errors)
    if errors:
        raise RomeImportError(errors)

    fiches = {}
    rows, problems = _read_rows(paths["fiches"], FILES["fiches"][1])
    errors.extend(problems)
    for line, row in rows:
        where = f"{paths['fiches'].name}, ligne {line}"
        code = (row.get("code_rome") or "").strip()
        if not ROME_CODE.match(code):
            errors.append(
                f"{where} : code ROME « {code[:20]} » invalide (une lettre de A à N et 4 chiffres)."
            )
            continue
        if code in fiches:
            errors.append(f"{where} : code ROME {code} en double.")
            continue
        label = _label(row.get("libelle_rome"), where, "libelle_rome", errors)
        parent = (row.get("code_rome_parent") or "").strip()
        fiches[code] = {
            "label": label,
            "grand_domaine": code[0],
            "domain": code[:3],
            "fiche_code": (row.get("code_fiche_metier") or "").strip()[:10],
            "ogr_code": (row.get("code_ogr") or "").strip()[:10],
            "parent_code": parent if ROME_CODE.match(parent) else "",
        }
    if not fiches and not errors:
        errors.append(f"{paths['fiches'].name} : aucune fiche métier.")

    titles = {}
    rows, problems = _read_rows(paths["appellations"], FILES["appellations"][1])
    errors.extend(problems)
    for line, row in rows:
        where = f"{paths['appellations'].name}, ligne {line}"
        ogr = (row.get("code_ogr") or "").strip()
        code = (row.get("code_rome") or "").strip()
        if not OGR_CODE.match(ogr):
            errors.append(f"{where} : code OGR « {ogr[:20]} » invalide (des chiffres sont attendus).")
            continue
        if ogr in titles:
            errors.append(f"{where} : code OGR {ogr} en double.")
            continue
        if code not in fiches:
            errors.append(f"{where} : code ROME « {code[:20]} » absent du fichier des fiches.")
            continue
        label = _label(row.get("libelle_appellation_long"), where, "libelle_appellation_long", errors)
        short = (row.get("libelle_appellation_court") or "").strip()
        short = short if len(short) <= MAX_LABEL and not text_problem(short) else ""
        titles[ogr] = {
            "label": label,
            "short_label": short,
            "code": code,
            "is_main": (row.get("classification") or "").strip() == "PRINCIPALE",
            "rarely_used": (row.get("peu_usite") or "").strip() == "O",
        }
    if not titles and not errors:
        errors.append(f"{paths['appellations'].name} : aucune appellation.")
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(f"… et {len(errors) - MAX_ERRORS} autre(s) erreur(s).")
        raise RomeImportError(shown)
    return fiches, titles


OCCUPATION_FIELDS = ["label", "grand_domaine", "domain", "fiche_code", "ogr_code", "parent_code"]
TITLE_FIELDS = ["label", "short_label", "is_main", "rarely_used", "search_text"]


@transaction.atomic
def import_rome(folder=PACKAGED) -> ImportResult:
    fiches, titles = read_folder(folder)
    created = updated = deleted = 0

    existing = {o.code: o for o in Occupation.objects.all()}
    new, changed = [], []
    for code, values in fiches.items():
        occupation = existing.get(code)
        if occupation is None:
            new.append(Occupation(code=code, **values))
        elif any(getattr(occupation, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(occupation, k, v)
            changed.append(occupation)
    Occupation.objects.bulk_create(new, batch_size=BATCH)
    Occupation.objects.bulk_update(changed, OCCUPATION_FIELDS, batch_size=BATCH)
    created += len(new)
    updated += len(changed)
    gone = [o.pk for code, o in existing.items() if code not in fiches]
    ids = dict(Occupation.objects.values_list("code", "pk"))

    existing_titles = {t.ogr_code: t for t in JobTitle.objects.all()}
    new_titles, changed_titles = [], []
    for ogr, values in titles.items():
        wanted = {
            "label": values["label"],
            "short_label": values["short_label"],
            "is_main": values["is_main"],
            "rarely_used": values["rarely_used"],
            "search_text": search_text(values["label"], values["short_label"]),
        }
        occupation_id = ids[values["code"]]
        title = existing_titles.get(ogr)
        if title is None:
            new_titles.append(JobTitle(ogr_code=ogr, occupation_id=occupation_id, **wanted))
        elif title.occupation_id != occupation_id or any(getattr(title, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(title, k, v)
            title.occupation_id = occupation_id
            changed_titles.append(title)
    gone_titles = [t.pk for ogr, t in existing_titles.items() if ogr not in titles]
    if gone_titles:
        JobTitle.objects.filter(pk__in=gone_titles).delete()
    JobTitle.objects.bulk_create(new_titles, batch_size=BATCH)
    JobTitle.objects.bulk_update(changed_titles, [*TITLE_FIELDS, "occupation"], batch_size=BATCH)
    if gone:
        Occupation.objects.filter(pk__in=gone).delete()
    created += len(new_titles)
    updated += len(changed_titles)
    deleted += len(gone) + len(gone_titles)
    if created or updated or deleted:
        referential_changed()
    return ImportResult(len(fiches), len(titles), created, updated, deleted)
