"""Label policies: each Région's rules of its SPRO membership, as data (see `policies/*.json`, README).

A policy is a JSON document. `validate(document)` lists every problem in French (empty when usable);
`Policy(document)` reads it for the workflow and the daily deadlines. The shipped policies are those of
Occitanie (76), Auvergne-Rhône-Alpes (84), Centre-Val de Loire (24) and Pays de la Loire (52); a Région
publishes its own with `spro politique-labels publier FICHIER`, which makes a new version.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

FORMAT = 1
POLICY_DIR = Path(__file__).parent / "policies"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
QUESTION_TYPES = {"text", "long-text", "integer", "boolean", "kind", "departements", "table"}
VALIDITY_KINDS = {"tacite-annuelle", "date-fixe", "convention", "sans-fin"}
CALENDAR_MODES = {"continu", "campagnes"}
UPLOAD_TYPES = {"pdf", "png", "jpeg", "odt", "docx"}
COMMITTEE_ROLES = {"avis", "decision"}
TOP_KEYS = {
    "format",
    "region",
    "name",
    "source",
    "volets",
    "kinds",
    "exclusions",
    "calendar",
    "territory",
    "validity",
    "dossier",
    "attachments",
    "criteria",
    "instruction",
    "annual_report",
    "uploads",
}


class PolicyError(ValueError):
    """A policy that cannot be used; `errors` lists every problem in French."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("Politique de labellisation invalide : " + " ; ".join(errors))


def shipped_regions() -> list[str]:
    return sorted(path.stem for path in POLICY_DIR.glob("*.json"))


@cache
def _shipped_text(region_code: str) -> str | None:
    path = POLICY_DIR / f"{region_code}.json"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def shipped_text(region_code: str) -> str | None:
    """The JSON text of the policy shipped for the Région, or None when spro ships none."""
    return _shipped_text(region_code)


def shipped_policy(region_code: str) -> dict | None:
    """A fresh copy of the policy shipped for the Région, or None when spro ships none."""
    text = _shipped_text(region_code)
    return json.loads(text) if text is not None else None


def parse_month_day(value: str, year: int) -> date:
    """ "03-31" of `year`; 29 February in a common year is the 28th."""
    month, day = int(value[:2]), int(value[3:])
    if (month, day) == (2, 29):
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return date(year, month, day)


# --- checking ----------------------------------------------------------------------------------------


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_slug_list(items, where, errors, known=None) -> list:
    if not isinstance(items, list):
        errors.append(f"{where} : une liste de codes est attendue.")
        return []
    for code in items:
        if not isinstance(code, str) or not SLUG.match(code):
            errors.append(f"{where} : « {code} » n'est pas un code (minuscules, chiffres et tirets).")
        elif known is not None and code not in known:
            errors.append(f"{where} : « {code} » est inconnu (possibles : {', '.join(sorted(known))}).")
    return items


def _check_coded(items, where, errors, label_key="label") -> list[str]:
    """A list of {code, label} objects; returns the codes."""
    codes = []
    if not isinstance(items, list):
        errors.append(f"{where} : une liste est attendue.")
        return codes
    for i, item in enumerate(items):
        at = f"{where}[{i + 1}]"
        if not isinstance(item, dict):
            errors.append(f"{at} : un objet est attendu.")
            continue
        code = item.get("code")
        if not isinstance(code, str) or not SLUG.match(code):
            errors.append(f"{at} : « code » doit être un code (minuscules, chiffres et tirets).")
        elif code in codes:
            errors.append(f"{at} : code « {code} » en double.")
        else:
            codes.append(code)
        if not _text(item.get(label_key)):
            errors.append(f"{at} : « {label_key} » est obligatoire.")
    return codes


def _check_questions(questions, where, errors, volets, allow_volets=True):
    codes = _check_coded(questions, where, errors)
    for i, q in enumerate(questions if isinstance(questions, list) else []):
        if not isinstance(q, dict):
            continue
        at = f"{where}[{i + 1}] (« {q.get('code')} »)"
        if q.get("type") not in QUESTION_TYPES:
            errors.append(
                f"{at} : type « {q.get('type')} » inconnu (possibles : {', '.join(sorted(QUESTION_TYPES))})."
            )
        if not isinstance(q.get("required", False), bool):
            errors.append(f"{at} : « required » vaut true ou false.")
        if q.get("type") == "table":
            columns = q.get("columns")
            if not isinstance(columns, list) or not columns or not all(_text(c) for c in columns):
                errors.append(f"{at} : un tableau doit nommer ses colonnes (« columns »).")
        if "volets" in q:
            if not allow_volets:
                errors.append(f"{at} : « volets » n'a pas de sens ici.")
            else:
                _check_slug_list(q["volets"], f"{at}, volets", errors, set(volets))
    return codes


def validate(document) -> list[str]:
    """Every problem of a policy document, in French; an empty list when it can be used."""
    if not isinstance(document, dict):
        return ["la politique doit être un objet JSON."]
    errors: list[str] = []
    for key in sorted(set(document) - TOP_KEYS):
        errors.append(f"clé « {key} » inconnue.")
    if document.get("format") != FORMAT:
        errors.append(f"« format » doit valoir {FORMAT}.")
    region = document.get("region")
    if not isinstance(region, str) or not re.fullmatch(r"\d{2,3}", region):
        errors.append('« region » doit être le code INSEE de la Région, par exemple "76".')
    if not _text(document.get("name")):
        errors.append("« name » (nom du label ou de la charte) est obligatoire.")
    volets = _check_coded(document.get("volets"), "volets", errors)
    if not volets:
        errors.append("« volets » doit lister au moins un volet.")
    kinds = _check_coded(document.get("kinds", []), "kinds", errors)

    for i, rule in enumerate(document.get("exclusions") or []):
        at = f"exclusions[{i + 1}]"
        if not isinstance(rule, dict):
            errors.append(f"{at} : un objet est attendu.")
            continue
        _check_slug_list(rule.get("volets", []), f"{at}, volets", errors, set(volets))
        if not rule.get("kinds") and not rule.get("networks"):
            errors.append(f"{at} : indiquez les natures (« kinds ») ou les réseaux (« networks ») exclus.")
        _check_slug_list(rule.get("kinds", []), f"{at}, kinds", errors, set(kinds))
        _check_slug_list(rule.get("networks", []), f"{at}, networks", errors)
        if not _text(rule.get("message")):
            errors.append(f"{at} : le message expliquant l'exclusion (« message ») est obligatoire.")

    calendar = document.get("calendar")
    if not isinstance(calendar, dict) or calendar.get("mode") not in CALENDAR_MODES:
        errors.append("« calendar.mode » doit valoir « continu » ou « campagnes ».")
    elif calendar["mode"] == "campagnes":
        campaigns = calendar.get("campaigns")
        _check_coded(campaigns, "calendar.campaigns", errors)
        if not campaigns:
            errors.append("calendar.campaigns : au moins une campagne est attendue en mode « campagnes ».")
        for i, c in enumerate(campaigns or []):
            if not isinstance(c, dict):
                continue
            for key in ("opens", "closes", "entry"):
                if not isinstance(c.get(key), str) or not MONTH_DAY.match(c[key]):
                    errors.append(f"calendar.campaigns[{i + 1}] : « {key} » doit être une date MM-JJ.")
            if (
                all(isinstance(c.get(k), str) and MONTH_DAY.match(c[k]) for k in ("opens", "closes"))
                and c["closes"] < c["opens"]
            ):
                errors.append(f"calendar.campaigns[{i + 1}] : la clôture précède l'ouverture.")

    territory = document.get("territory")
    if territory is not None:
        limit = territory.get("max_departements") if isinstance(territory, dict) else None
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            errors.append("territory.max_departements doit être un entier positif (ou territory: null).")

    _check_validity(document.get("validity"), errors)

    dossier = document.get("dossier")
    question_codes: list[str] = []
    sections = dossier.get("sections") if isinstance(dossier, dict) else None
    _check_coded(sections, "dossier.sections", errors, label_key="title")
    if not sections:
        errors.append("dossier.sections : au moins une section est attendue.")
    for i, section in enumerate(sections or []):
        if isinstance(section, dict):
            codes = _check_questions(
                section.get("questions", []), f"dossier.sections[{i + 1}].questions", errors, volets
            )
            for code in codes:
                if code in question_codes:
                    errors.append(f"dossier : la question « {code} » figure dans deux sections.")
                question_codes.append(code)
    for i, rule in enumerate(document.get("exclusions") or []):
        if isinstance(rule, dict) and rule.get("unless") and rule["unless"] not in question_codes:
            errors.append(f"exclusions[{i + 1}] : « unless » doit nommer une question du dossier.")

    _check_coded(document.get("attachments", []), "attachments", errors)
    for i, item in enumerate(document.get("attachments") or []):
        if isinstance(item, dict) and "volets" in item:
            _check_slug_list(item["volets"], f"attachments[{i + 1}], volets", errors, set(volets))
    _check_coded(document.get("criteria", []), "criteria", errors)

    instruction = document.get("instruction")
    if not isinstance(instruction, dict):
        errors.append("« instruction » (qui instruit, quelles instances) est obligatoire.")
    else:
        if not _text(instruction.get("instructed_by")):
            errors.append("instruction.instructed_by : qui instruit les dossiers est obligatoire.")
        if not _text(instruction.get("decided_by")):
            errors.append("instruction.decided_by : qui décide est obligatoire.")
        committees = instruction.get("committees", [])
        _check_coded(committees, "instruction.committees", errors, label_key="name")
        for i, c in enumerate(committees if isinstance(committees, list) else []):
            if isinstance(c, dict) and c.get("role") not in COMMITTEE_ROLES:
                errors.append(f"instruction.committees[{i + 1}] : « role » vaut « avis » ou « decision ».")

    report = document.get("annual_report")
    if report is not None:
        if not isinstance(report, dict):
            errors.append("« annual_report » doit être un objet (ou null sans bilan annuel).")
        else:
            if not isinstance(report.get("due"), str) or not MONTH_DAY.match(report["due"]):
                errors.append('annual_report.due doit être une date MM-JJ, par exemple "03-31".')
            for key in ("reminder_days_before", "late_reminder_every_days"):
                value = report.get(key, 30)
                if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 365:
                    errors.append(f"annual_report.{key} doit être un nombre de jours entre 1 et 365.")
            contents = report.get("contents")
            if not isinstance(contents, dict) or not contents:
                errors.append("annual_report.contents : le contenu du bilan par volet est obligatoire.")
            else:
                for volet, questions in contents.items():
                    if volet not in volets:
                        errors.append(f"annual_report.contents : volet « {volet} » inconnu.")
                    _check_questions(
                        questions, f"annual_report.contents.{volet}", errors, volets, allow_volets=False
                    )

    uploads = document.get("uploads")
    if not isinstance(uploads, dict):
        errors.append("« uploads » (taille, types et durée de conservation des pièces) est obligatoire.")
    else:
        size = uploads.get("max_size_mb")
        if isinstance(size, bool) or not isinstance(size, int | float) or not 0 < size <= 50:
            errors.append("uploads.max_size_mb doit être un nombre de mégaoctets entre 1 et 50.")
        _check_slug_list(uploads.get("types", []), "uploads.types", errors, UPLOAD_TYPES)
        keep = uploads.get("keep_years")
        if isinstance(keep, bool) or not isinstance(keep, int) or not 1 <= keep <= 30:
            errors.append("uploads.keep_years doit être un nombre d'années entre 1 et 30.")
    return errors


def _check_validity(validity, errors):
    if not isinstance(validity, dict) or validity.get("kind") not in VALIDITY_KINDS:
        errors.append(f"validity.kind doit valoir l'un de : {', '.join(sorted(VALIDITY_KINDS))}.")
        return
    kind = validity["kind"]
    if not isinstance(validity.get("obligations_required", False), bool):
        errors.append("validity.obligations_required vaut true ou false.")
    if kind == "tacite-annuelle":
        if validity.get("first_until") not in ("fin-annee-suivante", "fin-annee"):
            errors.append("validity.first_until vaut « fin-annee-suivante » ou « fin-annee ».")
        renewals = validity.get("tacit_renewals")
        if isinstance(renewals, bool) or not isinstance(renewals, int) or not 0 <= renewals <= 10:
            errors.append("validity.tacit_renewals doit être un entier entre 0 et 10.")
        if not isinstance(validity.get("renewal_deadline"), str) or not MONTH_DAY.match(
            validity["renewal_deadline"]
        ):
            errors.append("validity.renewal_deadline doit être une date MM-JJ.")
    elif kind == "date-fixe":
        try:
            date.fromisoformat(validity.get("until") or "")
        except (TypeError, ValueError):
            errors.append("validity.until doit être une date AAAA-MM-JJ.")
    elif kind == "convention":
        for key in ("months", "formal_notice_months"):
            value = validity.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 120:
                errors.append(f"validity.{key} doit être un nombre de mois entre 1 et 120.")


# --- reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why an application cannot be submitted; `field` names the question or attachment at fault."""

    field: str
    message: str


class Policy:
    """A checked policy document, read by the workflow and the deadlines."""

    def __init__(self, document: dict):
        errors = validate(document)
        if errors:
            raise PolicyError(errors)
        self.document = document

    @property
    def region_code(self) -> str:
        return self.document["region"]

    @property
    def name(self) -> str:
        return self.document["name"]

    @property
    def volets(self) -> dict[str, str]:
        return {v["code"]: v["label"] for v in self.document["volets"]}

    @property
    def kinds(self) -> dict[str, str]:
        return {k["code"]: k["label"] for k in self.document.get("kinds", [])}

    @property
    def validity(self) -> dict:
        return self.document["validity"]

    @property
    def calendar(self) -> dict:
        return self.document["calendar"]

    @property
    def uses_campaigns(self) -> bool:
        return self.calendar["mode"] == "campagnes"

    @property
    def annual_report(self) -> dict | None:
        return self.document.get("annual_report")

    @property
    def uploads(self) -> dict:
        return self.document["uploads"]

    @property
    def committees(self) -> list[dict]:
        return self.document["instruction"].get("committees", [])

    def questions(self, volets) -> list[dict]:
        """The dossier's questions that apply to an application for `volets`."""
        chosen = set(volets)
        return [
            q
            for section in self.document["dossier"]["sections"]
            for q in section.get("questions", [])
            if "volets" not in q or chosen & set(q["volets"])
        ]

    def attachments(self, volets) -> list[dict]:
        chosen = set(volets)
        return [
            a for a in self.document.get("attachments", []) if "volets" not in a or chosen & set(a["volets"])
        ]

    def criteria(self, volets) -> list[dict]:
        chosen = set(volets)
        return [
            c for c in self.document.get("criteria", []) if "volets" not in c or chosen & set(c["volets"])
        ]

    def report_questions(self, volets) -> list[tuple[str, dict]]:
        contents = (self.annual_report or {}).get("contents", {})
        return [(volet, q) for volet in volets for q in contents.get(volet, [])]

    def exclusions_for(self, volets, kind: str, network_code: str, answers: dict) -> list[Problem]:
        """Exclusion rules that refuse these volets to a structure of this nature and network."""
        problems = []
        for rule in self.document.get("exclusions") or []:
            if rule.get("volets") and not set(volets) & set(rule["volets"]):
                continue
            hit = kind in rule.get("kinds", []) or network_code in rule.get("networks", [])
            if hit and not (rule.get("unless") and answers.get(rule["unless"]) is True):
                problems.append(Problem("nature", rule["message"]))
        return problems

    def flagged_exclusions(self, volets, kind: str, answers: dict) -> list[str]:
        """Exceptions claimed by the applicant (an `unless` answered yes) that the instructor checks."""
        return [
            rule["unless"]
            for rule in self.document.get("exclusions") or []
            if rule.get("unless")
            and kind in rule.get("kinds", [])
            and set(volets) & set(rule.get("volets") or volets)
            and answers.get(rule["unless"]) is True
        ]
