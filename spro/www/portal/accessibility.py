"""The accessibility statement, computed from the RGAA 4.1.2 criteria and the audit results.

Two JSON files: the official criteria (`rgaa/criteres-4.1.json`, DINUM, RGAA 4.1, Licence Ouverte 2.0),
shipped unchanged, and the results of the audit (`rgaa/audit.json`, or the file a Région names in
SPRO_ACCESSIBILITY_AUDIT): a status and a justification for each of the 106 criteria, plus the date, the
sample of pages, the technologies and tools. The rate and the état de conformité follow the legal rule
(décret n° 2019-768, RGAA 4.1.2): rate = conformes / (conformes + non conformes); "totalement conforme"
at 100 %, "partiellement conforme" from 50 %, "non conforme" below.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings

DATA_DIR = Path(__file__).resolve().parent / "rgaa"
CRITERIA_FILE = DATA_DIR / "criteres-4.1.json"
DEFAULT_AUDIT_FILE = DATA_DIR / "audit.json"

COMPLIANT, NOT_COMPLIANT, NOT_APPLICABLE = "conforme", "non conforme", "non applicable"
STATUSES = (COMPLIANT, NOT_COMPLIANT, NOT_APPLICABLE)
NOT_VERIFIED = "non vérifié"

_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


class AuditError(ValueError):
    """The audit file is unreadable or incomplete (message in French, for the Région)."""


@dataclass(frozen=True)
class Criterion:
    number: str  # "1.1"
    topic: str
    title: str
    status: str
    justification: str
    verification: str

    @property
    def verified(self) -> bool:
        return self.verification != NOT_VERIFIED


@dataclass(frozen=True)
class Statement:
    criteria: list[Criterion]
    audit_date: date
    made_by: str
    method: str
    technologies: list[str]
    environment: list[str]
    tools: list[str]
    pages: list[dict]
    exemptions: list[dict]
    not_subject: list[dict]
    topics: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for c in self.criteria if c.status == status)

    @property
    def compliant_count(self) -> int:
        return self.count(COMPLIANT)

    @property
    def not_compliant_count(self) -> int:
        return self.count(NOT_COMPLIANT)

    @property
    def not_applicable_count(self) -> int:
        return self.count(NOT_APPLICABLE)

    @property
    def rate(self) -> float:
        """Share of compliant criteria among the applicable ones, in percent (0 when none applies)."""
        applicable = self.count(COMPLIANT) + self.count(NOT_COMPLIANT)
        return 100 * self.count(COMPLIANT) / applicable if applicable else 0.0

    @property
    def rate_label(self) -> str:
        """The rate rounded down to the unit, so that 99.6 % never reads as 100 %."""
        return f"{int(self.rate)} %"

    @property
    def level(self) -> str:
        """ "totalement", "partiellement" or "non" (conforme)."""
        if self.rate >= 100:
            return "totalement"
        if self.rate >= 50:
            return "partiellement"
        return "non"

    @property
    def level_label(self) -> str:
        return "non conforme" if self.level == "non" else f"{self.level} conforme"

    @property
    def failures(self) -> list[Criterion]:
        """Non-compliant criteria that an audit found so."""
        return [c for c in self.criteria if c.status == NOT_COMPLIANT and c.verified]

    @property
    def unverified(self) -> list[Criterion]:
        """Criteria not verified yet, counted as non-compliant."""
        return [c for c in self.criteria if c.status == NOT_COMPLIANT and not c.verified]


def official_criteria(path: Path = CRITERIA_FILE) -> list[tuple[str, str, str]]:
    """The RGAA criteria as (number, topic, title), in the order of the référentiel."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for topic in data["topics"]:
        for item in topic["criteria"]:
            criterion = item["criterium"]
            title = _MARKDOWN_LINK.sub(r"\1", criterion["title"]).replace("`", "")
            rows.append((f"{topic['number']}.{criterion['number']}", topic["topic"], title))
    return rows


def audit_file() -> Path:
    configured = getattr(settings, "SPRO_ACCESSIBILITY_AUDIT", "")
    return Path(configured) if configured else DEFAULT_AUDIT_FILE


def _list(audit: dict, key: str, what: str) -> list:
    value = audit.get(key, [])
    if not isinstance(value, list):
        raise AuditError(f"« {key} » doit être une liste ({what}).")
    return value


def load_statement(path: Path | None = None) -> Statement:
    """Read and check the audit file: every official criterion has exactly one known status."""
    path = path or audit_file()
    try:
        audit = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AuditError(f"Fichier d'audit d'accessibilité illisible ({path}) : {error}") from error
    if not isinstance(audit, dict) or not isinstance(audit.get("criteres"), dict):
        raise AuditError(f"{path} : l'objet « criteres » (un statut par critère) manque.")
    results = audit["criteres"]
    official = official_criteria()
    known = {number for number, _, _ in official}
    problems = [f"critère {n} inconnu du RGAA 4.1.2" for n in results if n not in known]
    criteria = []
    for number, topic, title in official:
        result = results.get(number)
        if not isinstance(result, dict) or not result.get("statut"):
            problems.append(f"critère {number} sans statut")
            continue
        status = result["statut"]
        if status not in STATUSES:
            problems.append(
                f"critère {number} : statut « {status} » inconnu (attendu : {', '.join(STATUSES)})"
            )
            continue
        justification = str(result.get("justification", "")).strip()
        if not justification:
            problems.append(f"critère {number} sans justification")
            continue
        verification = str(result.get("verification", "")).strip()
        criteria.append(Criterion(number, topic, title, status, justification, verification))
    try:
        audit_date = date.fromisoformat(str(audit.get("date", "")))
    except ValueError:
        problems.append("date de l'audit absente ou invalide (attendu : AAAA-MM-JJ)")
        audit_date = None
    if problems:
        raise AuditError(f"{path} : " + " ; ".join(problems) + ".")
    return Statement(
        criteria=criteria,
        audit_date=audit_date,
        made_by=str(audit.get("realise_par", "")),
        method=str(audit.get("methode", "")),
        technologies=_list(audit, "technologies", "technologies utilisées"),
        environment=_list(audit, "environnement", "environnement de test"),
        tools=_list(audit, "outils", "outils d'évaluation"),
        pages=_list(audit, "pages", "pages de l'échantillon"),
        exemptions=_list(audit, "derogations", "dérogations pour charge disproportionnée"),
        not_subject=_list(audit, "contenus_non_soumis", "contenus non soumis à l'obligation"),
        topics=list(dict.fromkeys(topic for _, topic, _ in official)),
    )


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> Statement:
    return load_statement(Path(path))


def current_statement() -> Statement:
    """The statement of the configured audit file, read again only when the file changes."""
    path = audit_file()
    return _cached(str(path), path.stat().st_mtime)
