"""Vocabulary and validation of an event (issue 20): stored codes are ASCII slugs; publics and themes
reuse the aiguillage codes (spro.routing.codes); métier domains are ROME codes, either a grand domaine
letter (A–N) or a domaine professionnel (letter + two digits, e.g. "D11")."""

import re

from django.core.exceptions import ValidationError

from spro.routing.codes import BESOINS, STATUTS

KINDS = {
    "forum": "Forum ou salon",
    "atelier": "Atelier",
    "information": "Réunion d'information",
    "portes-ouvertes": "Portes ouvertes",
    "job-dating": "Job dating",
    "visite-entreprise": "Visite d'entreprise",
    "webinaire": "Webinaire",
    "professionnels": "Rencontre de professionnels",
}

AGE_BANDS = {
    "moins-16": "Moins de 16 ans",
    "16-25": "16 à 25 ans",
    "26-44": "26 à 44 ans",
    "45-plus": "45 ans et plus",
}

# Publics: the aiguillage statuts and the age bands, in one list of codes.
PUBLICS = {**STATUTS, **AGE_BANDS}
THEMES = BESOINS

ACCESSIBILITY = {
    "fauteuil": "Accessible en fauteuil roulant",
    "boucle-magnetique": "Boucle magnétique",
    "lsf": "Interprétation en langue des signes",
    "sous-titrage": "Sous-titrage",
    "facile-a-lire": "Documents faciles à lire et à comprendre",
}

ROME_DOMAIN = re.compile(r"[A-N](\d{2})?")


def _codes(value, allowed: dict, what: str):
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(f"Les {what} doivent être une liste de codes.")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ValidationError(f"{what.capitalize()} inconnus : {', '.join(unknown)}.")
    if len(set(value)) != len(value):
        raise ValidationError(f"Les {what} ne doivent pas se répéter.")


def validate_publics(value):
    _codes(value, PUBLICS, "publics")


def validate_themes(value):
    _codes(value, THEMES, "thèmes")


def validate_accessibility(value):
    _codes(value, ACCESSIBILITY, "aménagements d'accessibilité")


def validate_rome_domains(value):
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError("Les domaines de métiers doivent être une liste de codes ROME.")
    wrong = [code for code in value if not ROME_DOMAIN.fullmatch(code)]
    if wrong:
        raise ValidationError(
            "Code ROME de domaine invalide : %(codes)s. Écrivez une lettre de A à N (grand domaine) "
            "ou une lettre suivie de deux chiffres (domaine professionnel, par exemple D11).",
            params={"codes": ", ".join(wrong)},
        )
    if len(set(value)) != len(value):
        raise ValidationError("Les domaines de métiers ne doivent pas se répéter.")
