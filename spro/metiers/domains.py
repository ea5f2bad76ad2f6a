"""Labels of the ROME 4.0 arborescence: the 14 grands domaines (a letter) and the domaines
professionnels (a letter and two digits, e.g. "D11"), read from `domains.json`.

The fiche and appellation CSV files of France Travail carry codes only; the labels come from the ROME
arborescence published by France Travail (see `_source` in the JSON). A ROME code "D1102" belongs to
the domaine "D11" and the grand domaine "D": both are read from the code itself, so the aiguillage and
the agenda filter need no database query.
"""

import functools
import json
import re
from pathlib import Path

PATH = Path(__file__).with_name("domains.json")
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
DOMAIN_CODE = re.compile(r"^[A-N]\d{2}$")


@functools.cache
def _data() -> dict:
    return json.loads(PATH.read_text(encoding="utf-8"))


def grands_domaines() -> dict[str, str]:
    """Letter → label, in ROME order."""
    return dict(_data()["grands_domaines"])


def domains(grand_domaine: str | None = None) -> dict[str, str]:
    """Domain code → label, in ROME order; only those of `grand_domaine` when given."""
    items = _data()["domaines"].items()
    return {code: label for code, label in items if not grand_domaine or code[0] == grand_domaine}


def grand_domaine_label(code: str) -> str:
    """Label of a grand domaine ("A"), or of the grand domaine of a domain or ROME code; "" if unknown."""
    return _data()["grands_domaines"].get((code or "")[:1].upper(), "") if code else ""


def domain_label(code: str) -> str:
    """Label of a domaine professionnel ("D11"), or of the domain of a ROME code ("D1102"); "" if unknown."""
    return _data()["domaines"].get((code or "")[:3].upper(), "") if code and len(code) >= 3 else ""


def is_domain_code(code) -> bool:
    """True for a known domaine professionnel code such as "D11" (the agenda's `domaine` filter)."""
    return isinstance(code, str) and bool(DOMAIN_CODE.match(code)) and code in _data()["domaines"]


def is_grand_domaine_code(code) -> bool:
    return isinstance(code, str) and len(code) == 1 and code in _data()["grands_domaines"]


def is_rome_code(code) -> bool:
    """True for a well-formed ROME code ("D1102"); whether the fiche exists is the database's business."""
    return isinstance(code, str) and bool(ROME_CODE.match(code))
