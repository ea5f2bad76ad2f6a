"""Exchange of the directory in the data·inclusion schema v1 (`structures.json`, `services.json`).

Mapping
-------
A data·inclusion *structure* has one address, one set of coordinates and one opening-hours string: it
is what spro calls a **site** (lieu d'accueil). So each active site of an active structure is exported
as one data·inclusion structure, and each active service of that site as one data·inclusion service
(`structure_id` = the site's id), carrying the site's address, contacts, hours and reception modes.

- ids: `<source>--lieu-<pk>` / `<source>--service-<pk>`, or the record's `external_id` when it came
  from an import (so re-exporting an imported record keeps its id); `source` is the setting
  `SPRO_DATA_INCLUSION_SOURCE`, by default `spro-<région>`.
- `siret`, `site_web`: the structure's; `date_maj`: the day of the record's last update or confirmation.
- `reseaux_porteurs`: the network's data·inclusion "réseau porteur" (`Network.data_inclusion_typology`)
  when it has one.
- `thematiques`: each spro need mapped to the closest data·inclusion v1 thématiques (`NEED_THEMATIQUES`);
  `publics`, `modes_accueil`, `modes_mobilisation`, `mobilisable_par`, `frais` likewise. The mapping
  tables are data, in `data/interop.json`.

**The spro extension.** What data·inclusion has no field for travels in one extra key per item,
`"spro"`, which the data·inclusion models ignore (they accept unknown keys) and spro reads back:
- structures: `spro.reseau` — **the spro network code, always present; this is the documented field
  that keeps the network of structures whose network has no data·inclusion equivalent** (CIO, SUIO,
  CEP des actifs, Transitions Pro…); `spro.structure` (the legal structure: id, nom, siret,
  type_adhesion, parent_id, site_web, description — several sites share it), `spro.label` (the
  structure's SPRO badge: statut, volets, valide_du, valide_jusqu_au, attestation; or null — exported,
  never imported), `spro.type_lieu`,
  `spro.modes_accueil`, `spro.accessibilite`, `spro.description`;
- services: `spro.besoins`, `spro.publics`, `spro.modalites_acces`, `spro.description` (exact spro codes,
  since the mapping to data·inclusion codes loses detail).

Import
------
`import_directory(path)` reads a directory holding `structures.json` (and optionally `services.json`)
or one such file. Every item is validated with `data_inclusion.schema.v1.Structure` / `Service`, then
with spro's own rules (commune known, SIRET checksum, opening hours, phone, lengths, codes, unique ids).
Any invalid item → `ImportFailed` listing every problem (file, item index, field, reason, in French) and
nothing is written. Otherwise everything is written in one transaction, keyed by the data·inclusion ids
(`external_id`), so importing the same file twice changes nothing the second time. Items without a
`spro` extension (another producer's file) become one structure and one site each; their network comes
from `reseaux_porteurs`, or from `default_network`. Each created or changed record gets a change record
of action `import`.

Remote services: a structure item with no address nor position whose every service has `modes_accueil`
["a-distance"] only (or, in spro's own export, `spro.type_lieu` "a-distance") becomes a remote-only
entry (a phone line, a chat, a website: `SiteKind.A_DISTANCE`), serving the territory its services'
`zone_eligibilite` names (départements, communes → their département, a whole Région when all its
départements are listed); "france" or no zone: the Région running spro (`SPRO_REGION`).
"""

import functools
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pydantic
from data_inclusion.schema import v1 as di
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from spro.directory import datafiles, history
from spro.directory.codes import (
    Accessibility,
    AccessMode,
    MembershipKind,
    Need,
    Public,
    ReceptionMode,
    SiteKind,
)
from spro.directory.models import ChangeRecord, Network, Service, Site, Structure
from spro.directory.validators import (
    normalize_phone,
    normalize_publics,
    normalize_siret,
    validate_opening_hours,
    validate_phone,
    validate_siret,
)
from spro.territories.lookup import get_commune, normalize, search_communes

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_REPORTED_ERRORS = 100
MAX_ID_LENGTH = 250  # external_id columns
SOURCE_MAX_LENGTH = 100  # Site.source

# The mappings between spro codes and data·inclusion codes live in data/interop.json (one table each).
_FILE = "interop"


def _by_code(key: str, enum) -> dict:
    """A table keyed by spro codes of `enum`, values as written."""
    return {datafiles.code(enum, k, _FILE, f"{key}.{k}"): v for k, v in datafiles.table(_FILE, key).items()}


def _to_code(key: str, enum) -> dict:
    """A table whose values are spro codes of `enum`."""
    return {k: datafiles.code(enum, v, _FILE, f"{key}.{k}") for k, v in datafiles.table(_FILE, key).items()}


NEED_THEMATIQUES = _by_code("need_thematiques", Need)
# Back from data·inclusion (another producer's file): by thématique category.
CATEGORY_NEEDS = _to_code("category_needs", Need)
THEMATIQUE_NEEDS = _to_code("thematique_needs", Need)
PUBLIC_TO_DI = _by_code("public_to_di", Public)
PUBLIC_FROM_DI = _to_code("public_from_di", Public)
MODE_TO_DI = _by_code("reception_mode_to_di", ReceptionMode)


def source_name() -> str:
    configured = getattr(settings, "SPRO_DATA_INCLUSION_SOURCE", "")
    if configured:
        return configured
    region = slugify(getattr(settings, "SPRO_REGION_NAME", "")) or f"region-{settings.SPRO_REGION}"
    return f"spro-{region}"


# ---------------------------------------------------------------------------------------------------
# Export


def _day(moment) -> str:
    return min(timezone.localdate(moment), date.today()).isoformat()


def _text(value: str, minimum: int = 5, maximum: int = 10000) -> str | None:
    value = (value or "").strip()
    return value[:maximum] if len(value) >= minimum else None


def _name(value: str, fallback: str) -> str:
    value = (value or "").strip().rstrip(".")
    if len(value) < 3:
        value = f"{fallback} — {value}".strip(" —")
    return value[:150]


def site_id(site: Site, source: str) -> str:
    return site.external_id or f"{source}--lieu-{site.pk}"


def structure_key(structure: Structure, source: str) -> str:
    return structure.external_id or f"{source}--structure-{structure.pk}"


def service_id(service: Service, source: str) -> str:
    return service.external_id or f"{source}--service-{service.pk}"


def _location(site: Site) -> dict:
    if site.is_remote:  # no reception address: only the ways to reach the service
        return {"telephone": site.phone or None, "courriel": site.email or None}
    return {
        "commune": site.commune.name,
        "code_postal": site.postal_code,
        "code_insee": site.commune_id,
        "adresse": site.address,
        "complement_adresse": site.address_complement or None,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "telephone": site.phone or None,
        "courriel": site.email or None,
    }


def spro_badge(structure) -> dict | None:
    """The structure's SPRO status (membre de droit, labellisé with its volets and validity…), or None.

    The status is kept by the labels app (`spro.labels.models.SproStatus`, one row per structure,
    reached by its reverse relation) — the directory reads it without importing the room above it."""
    status = getattr(structure, "spro_status", None)
    if status is None or not status.status:
        return None
    return {
        "statut": status.status,
        "volets": list(status.volets),
        "valide_du": status.valid_from.isoformat() if status.valid_from else None,
        "valide_jusqu_au": status.valid_until.isoformat() if status.valid_until else None,
        "attestation": status.attestation or None,
    }


def structure_item(site: Site, source: str) -> dict:
    structure = site.structure
    network = structure.network
    item = {
        "source": source,
        "id": site_id(site, source),
        "nom": _name(site.name, structure.name),
        "date_maj": _day(site.updated_at),
        "description": _text(site.description or structure.description),
        "siret": structure.siret or None,
        "site_web": site.website or structure.website or None,
        **_location(site),
        "horaires_accueil": site.opening_hours or None,
        "reseaux_porteurs": [network.data_inclusion_typology] if network.data_inclusion_typology else None,
        "spro": {
            "reseau": network.code,
            "structure": {
                "id": structure_key(structure, source),
                "nom": structure.name,
                "siret": structure.siret,
                "type_adhesion": structure.membership_kind,
                "parent_id": structure_key(structure.parent, source) if structure.parent else None,
                "site_web": structure.website,
                "description": structure.description,
            },
            "label": spro_badge(structure),
            "type_lieu": site.kind,
            "modes_accueil": list(site.reception_modes),
            "accessibilite": list(site.accessibility),
            "description": site.description,
        },
    }
    return {k: v for k, v in item.items() if v is not None}


def service_item(service: Service, source: str) -> dict:
    site = service.site
    thematiques = sorted({t for need in service.needs for t in NEED_THEMATIQUES.get(need, [])})
    publics = sorted({PUBLIC_TO_DI[p] for p in service.publics if p in PUBLIC_TO_DI})
    if "tous-publics" in publics:
        publics = ["tous-publics"]
    mobilisation = set()
    if AccessMode.LIBRE in service.access_modes:
        mobilisation.add("se-presenter")
    if AccessMode.RENDEZ_VOUS in service.access_modes:
        mobilisation.add("utiliser-lien-mobilisation" if service.appointment_url else "telephoner")
    by_professionals_only = service.access_modes == [AccessMode.ORIENTATION]
    item = {
        "source": source,
        "structure_id": site_id(site, source),
        "id": service_id(service, source),
        "nom": _name(service.name, site.name),
        "description": _text(service.description) or _name(f"{service.name} — {site.name}", site.name),
        "date_maj": _day(service.updated_at),
        "thematiques": thematiques or None,
        "frais": "gratuit" if service.is_free else "payant",
        "publics": publics or None,
        **_location(site),
        "modes_accueil": _modes(site),
        "zone_eligibilite": served_departements(site) or None,
        "lien_mobilisation": service.appointment_url or (site.website if site.is_remote else "") or None,
        "modes_mobilisation": sorted(mobilisation) or None,
        "mobilisable_par": ["professionnels"] if by_professionals_only else ["professionnels", "usagers"],
        "horaires_accueil": site.opening_hours or None,
        "spro": {
            "besoins": list(service.needs),
            "publics": list(service.publics),
            "modalites_acces": list(service.access_modes),
            "description": service.description,
        },
    }
    return {k: v for k, v in item.items() if v is not None}


def _modes(site: Site) -> list[str] | None:
    if site.is_remote:
        return ["a-distance"]
    return sorted({MODE_TO_DI[m] for m in site.reception_modes if m in MODE_TO_DI}) or None


def served_departements(site: Site) -> list[str]:
    """A remote entry's territory as data·inclusion wants it: département codes (a whole Région is
    listed as its départements)."""
    if not site.is_remote:
        return []
    codes = set(site.served_departements or [])
    if site.served_region:
        from spro.territories.models import Departement

        codes |= set(Departement.objects.filter(region_id=site.served_region).values_list("code", flat=True))
    return sorted(codes)


class ExportFailed(Exception):
    pass


# Optional fields data·inclusion checks more strictly than spro's forms (e.g. an e-mail address on a
# reserved domain): such a value is left out of the item, as data·inclusion itself would drop it.
DROPPABLE = {
    "courriel",
    "site_web",
    "lien_mobilisation",
    "siret",
    "telephone",
    "description",
    "horaires_accueil",
}


@dataclass(frozen=True)
class ExportWarning:
    """A value left out of the export because data·inclusion refuses it: of which record, which field, why."""

    kind: str  # "lieu" or "service"
    field: str
    reason: str
    record: str

    def __str__(self):
        return f"{self.record} : « {self.field} » non exporté ({self.reason})."


def summarise_warnings(warnings: list[ExportWarning], examples: int = 3) -> list[str]:
    """One French line per kind of warning (field and reason), with its count and a few examples, most
    frequent first: a national export must not print one line per record."""
    groups: dict[tuple[str, str], list[ExportWarning]] = {}
    for warning in warnings:
        groups.setdefault((warning.field, warning.reason), []).append(warning)
    lines = []
    for (name, reason), group in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        shown = ", ".join(w.record for w in group[:examples]) + (" …" if len(group) > examples else "")
        lines.append(
            f"« {name} » non exporté ({reason}) pour {len(group)} enregistrement(s), par exemple : {shown}"
        )
    return lines


# Sites are read and written by chunks, each with its services: memory stays flat whatever the size of
# the directory (the national one holds 64,000 sites and 240,000 services).
EXPORT_CHUNK = 2000


def export_directory(directory: Path, warnings: list | None = None) -> tuple[int, int]:
    """Write `structures.json` and `services.json` into `directory`; return how many of each.

    Values left out because data·inclusion refuses them are described in `warnings` (French). Each file
    is written aside and renamed over the previous one at the end: an export that fails leaves the
    previous files as they were. Services follow their site's order.
    """
    source = source_name()
    warnings = warnings if warnings is not None else []
    sites = (
        Site.objects.filter(is_active=True, structure__is_active=True)
        .select_related("structure__network", "structure__parent", "structure__spro_status", "commune")
        .order_by("pk")
    )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    names = ("structures.json", "services.json")
    temporary = [directory / f".{name}.tmp" for name in names]
    try:
        with _JsonArray(temporary[0]) as structures, _JsonArray(temporary[1]) as services:
            for chunk in _chunks(sites.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
                by_pk = {site.pk: site for site in chunk}
                for site in chunk:
                    structures.add(
                        _validated(di.Structure, structure_item(site, source), "lieu", site, warnings)
                    )
                # The site of each service is the one already read, with its structure and commune.
                for service in Service.objects.filter(is_active=True, site_id__in=by_pk).order_by(
                    "site_id", "pk"
                ):
                    service.site = by_pk[service.site_id]
                    services.add(
                        _validated(di.Service, service_item(service, source), "service", service, warnings)
                    )
    except BaseException:
        for path in temporary:
            path.unlink(missing_ok=True)
        raise
    for path, name in zip(temporary, names, strict=True):
        path.replace(directory / name)
    return structures.count, services.count


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _JsonArray:
    """A JSON array written item by item, one item per line (compact, by the C encoder)."""

    def __init__(self, path: Path):
        self.path, self.count = path, 0

    def __enter__(self):
        self.file = self.path.open("w", encoding="utf-8")
        self.file.write("[")
        return self

    def add(self, item: dict):
        self.file.write(",\n" if self.count else "\n")
        self.file.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        self.count += 1

    def __exit__(self, *exc):
        self.file.write("\n]\n")
        self.file.close()


_EMAIL = pydantic.TypeAdapter(pydantic.EmailStr)


@functools.lru_cache(maxsize=100_000)
def _email_problem(address: str) -> str | None:
    """Why data·inclusion refuses this e-mail address (its own check, `EmailStr`), or None. An address
    is checked once per process, though each service of a site repeats the address of its site."""
    try:
        _EMAIL.validate_python(address)
        return None
    except pydantic.ValidationError as error:
        return french_reason(error.errors()[0])


def _validated(model, item: dict, kind: str, obj, warnings: list) -> dict:
    checked = item
    address = item.get("courriel")
    if isinstance(address, str):
        problem = _email_problem(address)
        if problem:
            warnings.append(ExportWarning(kind, "courriel", problem, f"{kind} n° {obj.pk} « {obj} »"))
            item.pop("courriel")
        else:  # checked above: the model checks the rest
            checked = {k: v for k, v in item.items() if k != "courriel"}
    try:
        model.model_validate(checked)
        return item
    except pydantic.ValidationError as error:
        errors = error.errors()
    fields = {e["loc"][0] for e in errors if e["loc"]}
    if fields and fields <= DROPPABLE:
        for name in sorted(fields):
            reason = french_reason(_first(errors, name))
            warnings.append(ExportWarning(kind, name, reason, f"{kind} n° {obj.pk} « {obj} »"))
            item.pop(name)
        try:
            model.model_validate(item)
            return item
        except pydantic.ValidationError as error:
            errors = error.errors()
    reasons = "; ".join(f"{_field(e['loc'])} : {french_reason(e)}" for e in errors)
    raise ExportFailed(f"{kind} n° {obj.pk} « {obj} » ne respecte pas le schéma data·inclusion : {reasons}")


def _first(errors, name):
    return next(e for e in errors if e["loc"] and e["loc"][0] == name)


# ---------------------------------------------------------------------------------------------------
# Import


class ImportFailed(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_REPORTED_ERRORS]
        more = len(problems) - len(shown)
        text = "Import refusé, rien n'a été enregistré :\n" + "\n".join(f"- {p}" for p in shown)
        if more:
            text += f"\n… et {more} autre{'s' if more > 1 else ''} problème{'s' if more > 1 else ''}."
        super().__init__(text)


@dataclass
class ImportReport:
    created: dict = field(default_factory=lambda: {"structure": 0, "lieu": 0, "service": 0})
    updated: dict = field(default_factory=lambda: {"structure": 0, "lieu": 0, "service": 0})
    unchanged: dict = field(default_factory=lambda: {"structure": 0, "lieu": 0, "service": 0})
    ignored_services: int = 0
    deactivated: int = 0  # sites of an imported source that its new file no longer lists
    reactivated: int = 0  # sites such an import had deactivated, listed again

    def summary(self) -> str:
        parts = []
        for kind, label in (
            ("structure", "structures"),
            ("lieu", "lieux d'accueil"),
            ("service", "services"),
        ):
            parts.append(
                f"{label} : {self.created[kind]} créé(e)s, {self.updated[kind]} mis(es) à jour, "
                f"{self.unchanged[kind]} inchangé(e)s"
            )
        if self.ignored_services:
            parts.append(
                f"services ignorés : {self.ignored_services} (aucune de leurs thématiques ne correspond "
                "à un besoin du SPRO)"
            )
        if self.deactivated:
            parts.append(
                f"lieux d'accueil désactivés (absents du nouveau fichier de leur source) : {self.deactivated}"
            )
        if self.reactivated:
            parts.append(f"lieux d'accueil réactivés (de retour dans leur source) : {self.reactivated}")
        return " ; ".join(parts)


# The French reason of each pydantic error type that needs no context (data/interop.json).
FRENCH_REASONS = datafiles.table(_FILE, "french_reasons")


def french_reason(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_too_short":
        return f"trop court ({ctx.get('min_length')} caractères au moins)"
    if kind == "string_too_long":
        return f"trop long ({ctx.get('max_length')} caractères au plus)"
    if kind == "too_short":
        return "ne peut pas être vide"
    if kind == "too_long":
        return "trop d'éléments"
    if kind in ("greater_than_equal", "greater_than"):
        return f"doit être supérieur ou égal à {ctx.get('ge', ctx.get('gt'))}"
    if kind == "enum" or kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        if len(expected) > 160:
            expected = expected[:160] + "…"
        return f"valeur inconnue (valeurs possibles : {expected})"
    if kind == "value_error":
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        if "email address" in message:
            return "adresse électronique invalide"
        return message
    if kind in FRENCH_REASONS:
        return FRENCH_REASONS[kind]
    return f"valeur invalide ({error.get('msg', '')})"


def _field(loc) -> str:
    return ".".join(str(part) for part in loc) or "(élément)"


def _code_list(allowed):
    values = {str(v) for v in allowed}

    def check(items: list[str]) -> list[str]:
        unknown = [i for i in items if i not in values]
        if unknown:
            raise ValueError(
                f"code inconnu : {', '.join(unknown)} (codes possibles : {', '.join(sorted(values))})"
            )
        return list(dict.fromkeys(items))

    return check


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", str_strip_whitespace=True)


class SproStructureExtension(_Strict):
    id: str = pydantic.Field(min_length=1, max_length=250)
    nom: str = pydantic.Field(min_length=1, max_length=200)
    siret: str = pydantic.Field(default="", max_length=20)
    type_adhesion: str = ""
    parent_id: str | None = pydantic.Field(default=None, max_length=250)
    site_web: str = pydantic.Field(default="", max_length=200)
    description: str = pydantic.Field(default="", max_length=10000)

    @pydantic.field_validator("type_adhesion")
    @classmethod
    def known_kind(cls, value):
        if value and value not in MembershipKind.values:
            raise ValueError(f"code inconnu : {value} (codes possibles : {', '.join(MembershipKind.values)})")
        return value


class SproSiteExtension(_Strict):
    reseau: str | None = pydantic.Field(default=None, max_length=50)
    structure: SproStructureExtension | None = None
    type_lieu: str = SiteKind.PRINCIPAL
    modes_accueil: list[str] = []
    accessibilite: list[str] = []
    description: str = pydantic.Field(default="", max_length=10000)
    # The SPRO badge of the exporting Région (statut, volets, validity, attestation): read, not imported —
    # a label is granted by the Région that runs it, never by a file.
    label: dict | None = None

    _modes = pydantic.field_validator("modes_accueil")(_code_list(ReceptionMode.values))
    _access = pydantic.field_validator("accessibilite")(_code_list(Accessibility.values))

    @pydantic.field_validator("type_lieu")
    @classmethod
    def known_kind(cls, value):
        if value not in SiteKind.values:
            raise ValueError(f"code inconnu : {value} (codes possibles : {', '.join(SiteKind.values)})")
        return value


class SproServiceExtension(_Strict):
    besoins: list[str] = []
    publics: list[str] = []
    modalites_acces: list[str] = []
    description: str = pydantic.Field(default="", max_length=10000)

    _needs = pydantic.field_validator("besoins")(_code_list(Need.values))
    _publics = pydantic.field_validator("publics")(_code_list(Public.values))
    _access = pydantic.field_validator("modalites_acces")(_code_list(AccessMode.values))


def read_items(path: Path, label: str, problems: list[str]) -> list | None:
    """The JSON list in `path`, or None after adding the reason to `problems`."""
    try:
        size = path.stat().st_size
    except OSError:
        problems.append(f"{label} : fichier introuvable ou illisible.")
        return None
    if size > MAX_FILE_BYTES:
        problems.append(f"{label} : fichier trop volumineux ({size // 1_000_000} Mo ; 200 Mo au plus).")
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(
            f"{label} : le fichier n'est pas encodé en UTF-8 (octet invalide en position {error.start}). "
            "Enregistrez-le en UTF-8 puis recommencez."
        )
        return None
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(
            f"{label} : JSON invalide ligne {error.lineno}, colonne {error.colno} "
            "(fichier tronqué ou mal formé)."
        )
        return None
    except (ValueError, RecursionError):
        problems.append(f"{label} : JSON illisible (nombre ou imbrication démesurés).")
        return None
    if not isinstance(content, list):
        problems.append(f"{label} : le fichier doit contenir une liste d'éléments JSON ([ … ]).")
        return None
    return content


@dataclass
class _Planned:
    """A validated item, ready to be written."""

    index: int
    item: dict
    model: object
    extra: object
    values: dict = field(default_factory=dict)


def _validate_items(items, model, extension, label, problems) -> list[_Planned]:
    planned, seen = [], {}
    for index, item in enumerate(items):
        where = f"{label}, élément d'indice {index}"
        if not isinstance(item, dict):
            problems.append(f"{where} : doit être un objet JSON ({{ … }}).")
            continue
        item_problems = []
        try:
            validated = model.model_validate(item)
        except pydantic.ValidationError as error:
            validated = None
            item_problems += [f"champ « {_field(e['loc'])} » : {french_reason(e)}" for e in error.errors()]
        extra = None
        if "spro" in item:
            try:
                extra = extension.model_validate(item["spro"])
            except pydantic.ValidationError as error:
                item_problems += [
                    f"champ « spro.{_field(e['loc'])} » : {french_reason(e)}" for e in error.errors()
                ]
        if validated is not None:
            if validated.id in seen:
                item_problems.append(
                    f"champ « id » : identifiant « {validated.id[:80]} » en double "
                    f"(déjà à l'indice {seen[validated.id]})"
                )
            else:
                seen[validated.id] = index
            if len(validated.id) > MAX_ID_LENGTH:
                item_problems.append(f"champ « id » : trop long ({MAX_ID_LENGTH} caractères au plus)")
        if item_problems:
            item_id = str(item.get("id", ""))[:80]
            where += f" (id « {item_id} »)" if item_id else ""
            problems += [f"{where}, {p.rstrip('.')}." for p in item_problems]
            continue
        planned.append(_Planned(index=index, item=item, model=validated, extra=extra))
    return planned


def _check_location(plan: _Planned, label: str, problems: list[str], require_address: bool) -> None:
    m = plan.model
    where = f"{label}, élément d'indice {plan.index} (id « {m.id[:80]} »)"

    def fail(field_name, reason):
        problems.append(f"{where}, champ « {field_name} » : {reason}.")

    commune = get_commune(m.code_insee) if m.code_insee else None
    if commune is None and m.code_postal:
        candidates = [
            c for c in search_communes(m.code_postal, limit=60) if m.code_postal in c.postal_code_list
        ]
        wanted = normalize(m.commune or "")
        named = [c for c in candidates if c.search_name == wanted] if wanted else []
        commune = named[0] if named else (candidates[0] if len(candidates) == 1 else None)
    if commune is None:
        fail("code_insee", "commune introuvable (indiquez un code INSEE ou un code postal et un nom valides)")
    postal_code = m.code_postal or (
        commune.postal_code_list[0] if commune and commune.postal_code_list else ""
    )
    if commune is not None and not postal_code:
        fail("code_postal", "code postal manquant")
    if require_address and not (m.adresse or "").strip():
        fail("adresse", "adresse manquante : un lieu d'accueil a besoin d'une adresse")
    for name, limit in (("adresse", 255), ("complement_adresse", 255), ("courriel", 254)):
        if len(getattr(m, name) or "") > limit:
            fail(name, f"trop long ({limit} caractères au plus)")
    lat, lon = m.latitude, m.longitude
    if (lat is None) != (lon is None):
        fail("latitude", "indiquez la latitude et la longitude, ou aucune des deux")
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        fail("latitude", "coordonnées hors limites (latitude entre -90 et 90, longitude entre -180 et 180)")
    elif lat is None and commune is not None:
        lat, lon = commune.latitude, commune.longitude
    plan.values.update(commune=commune, postal_code=postal_code, latitude=lat, longitude=lon)
    _check_contacts(plan, fail)


def _check_contacts(plan: _Planned, fail) -> None:
    """The phone and the opening hours, a reception site's or a remote entry's."""
    m = plan.model
    phone = m.telephone or ""
    try:
        validate_phone(phone)
    except ValidationError as error:
        fail("telephone", error.messages[0].rstrip("."))
    hours = " ".join((m.horaires_accueil or "").split())
    if len(hours) > 500:
        fail("horaires_accueil", "trop long (500 caractères au plus)")
    elif hours:
        try:
            validate_opening_hours(hours)
        except ValidationError:
            fail(
                "horaires_accueil", "horaires au format OpenStreetMap invalides (exemple : Mo-Fr 09:00-17:00)"
            )
    plan.values.update(phone=normalize_phone(phone), opening_hours=hours)


def is_remote(plan: _Planned, services: list[_Planned]) -> bool:
    """Whether a structure item is a remote-only entry: spro's own export says so (`spro.type_lieu`), or
    the item has no reception address nor position and every service of the file pointing to it is
    offered only at a distance (`modes_accueil` = ["a-distance"]: a phone line, a chat, a website)."""
    m, extra = plan.model, plan.extra
    if extra is not None:
        return extra.type_lieu == SiteKind.A_DISTANCE
    if (m.adresse or "").strip() or m.latitude is not None or m.longitude is not None:
        return False
    modes = [{mode.value for mode in (s.model.modes_accueil or [])} for s in services]
    return bool(modes) and all(found == {"a-distance"} for found in modes)


def _check_remote(plan: _Planned, label: str, problems: list[str], services: list[_Planned]) -> None:
    """A remote-only entry: no commune nor position kept; the territory it serves is read from its
    services' `zone_eligibilite` (départements, or communes: their département; a whole Région when
    its every département is listed). Without one (or with "france"), the Région running spro."""
    from spro.territories.models import Departement

    m = plan.model
    where = f"{label}, élément d'indice {plan.index} (id « {m.id[:80]} »)"

    def fail(field_name, reason):
        problems.append(f"{where}, champ « {field_name} » : {reason}.")

    for name, limit in (("adresse", 255), ("complement_adresse", 255), ("courriel", 254)):
        if len(getattr(m, name) or "") > limit:
            fail(name, f"trop long ({limit} caractères au plus)")
    _check_contacts(plan, fail)
    codes = sorted({str(code) for s in services for code in (s.model.zone_eligibilite or [])})
    departements = set()
    for code in codes:
        if code.isdigit() and len(code) == 5 and not code.startswith("99"):
            commune = get_commune(code)
            if commune is None:
                fail("zone_eligibilite", f"commune inconnue : {code}")
            else:
                departements.add(commune.departement_id)
        elif 2 <= len(code) <= 3:
            departements.add(code.upper())
        # "france", an EPCI or a country: no département to name; the Région is the territory below.
    known = {d.code: d.region_id for d in Departement.objects.filter(code__in=departements)}
    for code in sorted(departements - set(known)):
        fail("zone_eligibilite", f"département inconnu : {code[:10]}")
    region, served = "", sorted(known)
    if not served:
        region = settings.SPRO_REGION
    else:
        regions = set(known.values())
        if len(regions) == 1:
            whole = set(
                Departement.objects.filter(region_id=next(iter(regions))).values_list("code", flat=True)
            )
            if whole == set(served):
                region, served = next(iter(regions)), []
    # As written in the file (the data·inclusion model would add a trailing "/" to a bare domain).
    site_web = str(plan.item.get("site_web") or "").strip() if m.site_web else ""
    if len(site_web) > 200:
        fail("site_web", "trop long (200 caractères au plus)")
    plan.values.update(remote=True, served_region=region, served_departements=served, website=site_web)


def _check_structure(plan: _Planned, label: str, problems: list[str], networks, default_network) -> None:
    m, extra = plan.model, plan.extra
    where = f"{label}, élément d'indice {plan.index} (id « {m.id[:80]} »)"
    network = None
    if extra is not None and extra.reseau:
        network = networks["code"].get(extra.reseau)
        if network is None:
            problems.append(f"{where}, champ « spro.reseau » : réseau spro inconnu « {extra.reseau[:50]} ».")
            return
    if network is None:
        for carrier in sorted(r.value for r in (m.reseaux_porteurs or [])):
            network = networks["typology"].get(carrier)
            if network:
                break
    network = network or default_network
    if network is None:
        problems.append(
            f"{where}, champ « reseaux_porteurs » : aucun réseau spro ne correspond "
            "(précisez un réseau par défaut avec --reseau-par-defaut)."
        )
        return
    siret = normalize_siret(extra.structure.siret if extra and extra.structure else (m.siret or ""))
    try:
        validate_siret(siret)
    except ValidationError as error:
        problems.append(f"{where}, champ « siret » : {error.messages[0].rstrip('.')}.")
    if len(m.nom) > 200:
        problems.append(f"{where}, champ « nom » : trop long (200 caractères au plus).")
    plan.values.update(network=network, siret=siret)


def _needs_from(model) -> list[str]:
    needs = []
    for thematique in sorted(t.value for t in (model.thematiques or [])):
        need = THEMATIQUE_NEEDS.get(thematique) or CATEGORY_NEEDS.get(thematique.split("--")[0])
        if need and need not in needs:
            needs.append(str(need))
    return sorted(needs)


def import_directory(path, user=None, default_network: str | None = None) -> ImportReport:
    path = Path(path)
    problems: list[str] = []
    structure_items, service_items = [], []
    if path.is_dir():
        structure_items = read_items(path / "structures.json", "structures.json", problems)
        services_path = path / "services.json"
        if services_path.exists():
            service_items = read_items(services_path, "services.json", problems)
    else:
        items = read_items(path, path.name, problems)
        if items is not None:
            is_services = path.name.startswith("services") or (
                items and isinstance(items[0], dict) and "structure_id" in items[0]
            )
            structure_items, service_items = ([], items) if is_services else (items, [])
    if problems:
        raise ImportFailed(problems)

    networks = {"code": {}, "typology": {}}
    for network in Network.objects.all():
        networks["code"][network.code] = network
        if network.data_inclusion_typology:
            networks["typology"].setdefault(network.data_inclusion_typology, network)
    fallback = None
    if default_network:
        fallback = networks["code"].get(default_network)
        if fallback is None:
            raise ImportFailed([f"réseau par défaut inconnu : « {default_network} »."])

    s_label = "structures.json" if path.is_dir() or structure_items else path.name
    v_label = "services.json" if path.is_dir() else path.name
    sites = _validate_items(structure_items or [], di.Structure, SproSiteExtension, s_label, problems)
    services = _validate_items(service_items or [], di.Service, SproServiceExtension, v_label, problems)
    services_of: dict[str, list[_Planned]] = {}
    for plan in services:
        services_of.setdefault(plan.model.structure_id, []).append(plan)
    for plan in sites:
        if is_remote(plan, services_of.get(plan.model.id, [])):
            _check_remote(plan, s_label, problems, services_of.get(plan.model.id, []))
        else:
            _check_location(plan, s_label, problems, require_address=True)
        _check_structure(plan, s_label, problems, networks, fallback)
        if len(plan.model.source) > SOURCE_MAX_LENGTH:
            problems.append(
                f"{s_label}, élément d'indice {plan.index} (id « {plan.model.id[:80]} »), champ « source » : "
                f"trop long ({SOURCE_MAX_LENGTH} caractères au plus)."
            )
    site_ids = {plan.model.id for plan in sites}
    known_sites = set(
        Site.objects.filter(external_id__in={p.model.structure_id for p in services}).values_list(
            "external_id", flat=True
        )
    )
    for plan in services:
        m = plan.model
        where = f"{v_label}, élément d'indice {plan.index} (id « {m.id[:80]} »)"
        if m.structure_id not in site_ids and m.structure_id not in known_sites:
            problems.append(
                f"{where}, champ « structure_id » : structure « {m.structure_id[:80]} » inconnue."
            )
        if m.lien_mobilisation and len(str(m.lien_mobilisation)) > 200:
            problems.append(f"{where}, champ « lien_mobilisation » : trop long (200 caractères au plus).")
        if len(m.nom) > 200:
            problems.append(f"{where}, champ « nom » : trop long (200 caractères au plus).")
    parents = {p.extra.structure.id for p in sites if p.extra and p.extra.structure}
    for plan in sites:
        ref = plan.extra.structure if plan.extra else None
        if ref and ref.parent_id and ref.parent_id not in parents:
            if not Structure.objects.filter(external_id=ref.parent_id).exists():
                problems.append(
                    f"{s_label}, élément d'indice {plan.index} (id « {plan.model.id[:80]} »), champ "
                    "« spro.structure.parent_id » : structure de rattachement "
                    f"« {ref.parent_id[:80]} » inconnue."
                )
    if problems:
        raise ImportFailed(problems)
    # Another producer's service whose thématiques meet none of the SPRO's needs has no place here
    # (a service answers at least one need, as in the forms): left out, and counted in the report.
    kept = [p for p in services if p.extra is not None or _needs_from(p.model)]
    report = _write(sites, kept, user, {"structure": s_label, "lieu": s_label, "service": v_label})
    report.ignored_services = len(services) - len(kept)
    return report


def _deactivate_absent(sites: list[_Planned], user, report: ImportReport) -> list[int]:
    """Deactivate (never delete) the active sites of each source in the file that the file no longer
    lists; sites of other sources and sites made in spro are left alone. Returns their ids."""
    listed: dict[str, set[str]] = {}
    for plan in sites:
        listed.setdefault(plan.model.source, set()).add(plan.model.id)
    today = timezone.localdate()
    gone = []
    for source, ids in listed.items():
        # Compared in Python: a file of tens of thousands of ids would exceed SQLite's query parameters.
        active = Site.objects.select_for_update().filter(source=source, is_active=True).order_by("pk")
        for site in (s for s in active if s.external_id not in ids):
            before = history.snapshot(site)
            site.is_active, site.absent_from_source_since = False, today
            history.save_with_history(site, before, user, action=ChangeRecord.Action.IMPORT, reindex=False)
            report.deactivated += 1
            gone.append(site.pk)
    return gone


def _updated_at(day: date):
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _save(obj, before: dict | None, user, kind: str, report: ImportReport, day: date) -> bool:
    """Create or update `obj` with an `import` change record; its update date is the item's date_maj.

    Returns whether something was written; the caller reindexes the sites concerned once at the end.
    """
    if before is None:
        history.create_with_history(obj, user, action=ChangeRecord.Action.IMPORT, reindex=False)
        report.created[kind] += 1
    elif history.save_with_history(obj, before, user, action=ChangeRecord.Action.IMPORT, reindex=False):
        report.updated[kind] += 1
    else:
        report.unchanged[kind] += 1
        return False
    obj.updated_at = _updated_at(day)
    type(obj).objects.filter(pk=obj.pk).update(updated_at=obj.updated_at)
    return True


# Checked by the database itself (and by the validation above); `full_clean` checks everything else.
_FOREIGN_KEYS = ["network", "parent", "structure", "commune", "site", "updated_by"]


class _Rules:
    """The model rules (the ones every form obeys) applied to each record before it is written."""

    def __init__(self, labels: dict):
        self.labels = labels
        self.problems: list[str] = []

    def check(self, obj, kind: str, plan: _Planned) -> None:
        try:
            obj.full_clean(exclude=_FOREIGN_KEYS, validate_unique=False)
        except ValidationError as error:
            where = f"{self.labels[kind]}, élément d'indice {plan.index} (id « {plan.model.id[:80]} »)"
            for name, messages in error.message_dict.items():
                label = type(obj)._meta.get_field(name).verbose_name if name != "__all__" else "élément"
                for message in messages:
                    self.problems.append(f"{where}, {label} : {message.rstrip('.')}.")

    def stop_if_broken(self) -> None:
        """Raise (rolling the whole import back) once a pass found records the rules refuse."""
        if self.problems:
            raise ImportFailed(self.problems)


@transaction.atomic
def _write(sites: list[_Planned], services: list[_Planned], user, labels: dict) -> ImportReport:
    report = ImportReport()
    rules = _Rules(labels)
    to_reindex: set[int] = set()
    existing_structures = {
        s.external_id: s
        for s in Structure.objects.filter(
            external_id__in={
                (p.extra.structure.id if p.extra and p.extra.structure else p.model.id) for p in sites
            }
        )
    }
    existing_sites = {
        s.external_id: s for s in Site.objects.filter(external_id__in={p.model.id for p in sites})
    }
    existing_services = {
        s.external_id: s for s in Service.objects.filter(external_id__in={p.model.id for p in services})
    }
    structures: dict[str, Structure] = {}
    pending_parents: list[tuple[Structure, str]] = []
    for plan in sites:
        m, extra = plan.model, plan.extra
        ref = extra.structure if extra else None
        key = ref.id if ref else m.id
        if key in structures:
            continue
        structure = existing_structures.get(key)
        before = history.snapshot(structure) if structure else None
        structure = structure or Structure(external_id=key)
        network = plan.values["network"]
        structure.name = (ref.nom if ref else m.nom)[:200]
        structure.siret = plan.values["siret"]
        structure.network = network
        structure.membership_kind = (ref.type_adhesion if ref else "") or (
            structure.membership_kind or network.membership_kind
        )
        structure.website = (ref.site_web if ref else str(m.site_web or ""))[:200]
        structure.description = ref.description if ref else (m.description or "")
        if ref and ref.parent_id:
            pending_parents.append((structure, ref.parent_id))
        rules.check(structure, "structure", plan)
        if rules.problems:
            structures[key] = structure
            continue
        if _save(structure, before, user, "structure", report, m.date_maj):
            to_reindex.update(structure.sites.values_list("pk", flat=True))
        structures[key] = structure
    rules.stop_if_broken()
    for structure, parent_key in pending_parents:
        parent = structures.get(parent_key) or Structure.objects.filter(external_id=parent_key).first()
        if structure.parent_id != parent.pk:
            before = history.snapshot(structure)
            structure.parent = parent
            history.save_with_history(
                structure, before, user, action=ChangeRecord.Action.IMPORT, reindex=False
            )

    site_by_id: dict[str, Site] = {}
    for plan in sites:
        m, extra, values = plan.model, plan.extra, plan.values
        ref = extra.structure if extra else None
        site = existing_sites.get(m.id)
        before = history.snapshot(site) if site else None
        site = site or Site(external_id=m.id)
        site.structure = structures[ref.id if ref else m.id]
        site.name = m.nom
        site.address = (m.adresse or "").strip()
        site.address_complement = (m.complement_adresse or "").strip()
        if values.get("remote"):
            # A phone line, a chat, a website: no reception place, the territory it serves.
            site.kind = SiteKind.A_DISTANCE
            site.postal_code, site.commune, site.latitude, site.longitude = "", None, None, None
            site.served_region = values["served_region"]
            site.served_departements = values["served_departements"]
            site.website = values["website"]
        else:
            site.postal_code = values["postal_code"]
            site.commune = values["commune"]
            site.latitude, site.longitude = values["latitude"], values["longitude"]
            site.served_region, site.served_departements = "", []
            if site.kind == SiteKind.A_DISTANCE:
                site.kind = SiteKind.PRINCIPAL
        site.phone = values["phone"]
        site.email = str(m.courriel or "")
        site.opening_hours = values["opening_hours"]
        site.source = m.source
        if site.absent_from_source_since is not None:
            # Back in its source's file after an import had deactivated it: visible again. A site a
            # person deactivated (no such date) stays as they left it.
            site.is_active, site.absent_from_source_since = True, None
            report.reactivated += 1
        if extra:
            site.kind = extra.type_lieu
            site.reception_modes = extra.modes_accueil
            site.accessibility = extra.accessibilite
            site.description = extra.description
        else:
            site.description = m.description or ""
        rules.check(site, "lieu", plan)
        if not rules.problems and _save(site, before, user, "lieu", report, m.date_maj):
            to_reindex.add(site.pk)
        site_by_id[m.id] = site
    rules.stop_if_broken()
    to_reindex.update(_deactivate_absent(sites, user, report))

    for plan in services:
        m, extra = plan.model, plan.extra
        site = site_by_id.get(m.structure_id) or Site.objects.get(external_id=m.structure_id)
        service = existing_services.get(m.id)
        before = history.snapshot(service) if service else None
        previous_site = service.site_id if service else None
        service = service or Service(external_id=m.id)
        service.site = site
        service.name = m.nom
        service.is_free = m.frais is None or m.frais.value == "gratuit"
        service.appointment_url = str(m.lien_mobilisation or "")
        if extra:
            service.needs, service.publics = extra.besoins, normalize_publics(extra.publics)
            service.access_modes, service.description = extra.modalites_acces, extra.description
        else:
            service.description = m.description
            service.needs = _needs_from(m)
            service.publics = normalize_publics(
                sorted({str(PUBLIC_FROM_DI[p.value]) for p in (m.publics or []) if p.value in PUBLIC_FROM_DI})
            )
            modes = {mode.value for mode in (m.modes_mobilisation or [])}
            service.access_modes = [
                str(code)
                for code, wanted in (
                    (AccessMode.LIBRE, "se-presenter" in modes),
                    (AccessMode.RENDEZ_VOUS, bool(modes & {"telephoner", "utiliser-lien-mobilisation"})),
                    (
                        AccessMode.ORIENTATION,
                        m.mobilisable_par and {p.value for p in m.mobilisable_par} == {"professionnels"},
                    ),
                )
                if wanted
            ]
        rules.check(service, "service", plan)
        if not rules.problems and _save(service, before, user, "service", report, m.date_maj):
            to_reindex.update(pk for pk in (previous_site, site.pk) if pk)
    rules.stop_if_broken()
    for site in Site.objects.filter(pk__in=to_reindex).select_related("structure__network", "commune"):
        site.reindex()
    return report
