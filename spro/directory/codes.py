"""Stored codes of the directory (ASCII slugs) and their French labels.

Needs follow the data·inclusion v1 thematiques where one exists (`choisir-un-metier`, `se-former`,
`trouver-un-emploi`, `creer-une-entreprise`); the SPRO adds its own needs.

A need, a public and a reception mode are also a bit of the site's search masks (`Site.needs_mask`…):
its rank in its list. Add new codes at the END of these three lists (a code moved or removed changes
the bits of the others: a migration must then recompute the masks).
"""

from functools import cache

from django.db import models


class MembershipKind(models.TextChoices):
    DE_DROIT = "membre-de-droit", "Membre de droit"
    LABELLISE = "labellise", "Membre labellisé"
    PARTENAIRE = "partenaire", "Partenaire associé"


class SiteKind(models.TextChoices):
    PRINCIPAL = "site-principal", "Site principal"
    ANTENNE = "antenne", "Antenne"
    POINT_RELAIS = "point-relais", "Point relais"
    PERMANENCE = "permanence", "Permanence"
    # No reception address: a phone line, a chat, a website, serving a territory (Site.served_*).
    A_DISTANCE = "a-distance", "Service à distance"


class ReceptionMode(models.TextChoices):
    SUR_PLACE = "sur-place", "Sur place, sans rendez-vous"
    RENDEZ_VOUS = "sur-rendez-vous", "Sur rendez-vous"
    TELEPHONE = "telephone", "Par téléphone"
    VISIO = "visio", "En visioconférence"
    COURRIEL = "courriel", "Par courriel"


class Accessibility(models.TextChoices):
    PMR = "pmr", "Accessible aux personnes à mobilité réduite"
    BOUCLE = "boucle-magnetique", "Boucle magnétique"
    LSF = "langue-des-signes", "Accueil en langue des signes"
    FALC = "facile-a-lire", "Documents faciles à lire et à comprendre"


class Need(models.TextChoices):
    CHOISIR_UN_METIER = "choisir-un-metier", "Choisir un métier"
    SE_FORMER = "se-former", "Se former"
    TROUVER_UN_EMPLOI = "trouver-un-emploi", "Trouver un emploi"
    CREER_UNE_ENTREPRISE = "creer-une-entreprise", "Créer une entreprise"
    CEP = "conseil-evolution-professionnelle", "Conseil en évolution professionnelle"
    VAE = "vae", "Validation des acquis de l'expérience (VAE)"
    INFORMATION_METIERS = "information-metiers", "Information sur les métiers"
    APPRENTISSAGE = "apprentissage", "Apprentissage"
    ORIENTATION_SCOLAIRE = "orientation-scolaire", "Orientation scolaire et études"
    ACCES_DROITS = "acces-aux-droits", "Accès aux droits"
    REMOBILISATION = "remobilisation", "Remobilisation et raccrochage"


class Public(models.TextChoices):
    TOUS = "tous-publics", "Tous publics"
    ELEVES = "eleves", "Collégiens et lycéens"
    ETUDIANTS = "etudiants", "Étudiants"
    JEUNES = "jeunes-16-25", "Jeunes de 16 à 25 ans"
    DEMANDEURS = "demandeurs-emploi", "Demandeurs d'emploi"
    SALARIES = "salaries", "Salariés"
    INDEPENDANTS = "independants", "Indépendants"
    AGENTS_PUBLICS = "agents-publics", "Agents publics"
    CADRES = "cadres", "Cadres"
    HANDICAP = "personnes-handicapees", "Personnes en situation de handicap"
    FEMMES = "femmes", "Femmes"
    FAMILLES = "familles", "Familles et parents"


class AccessMode(models.TextChoices):
    LIBRE = "acces-libre", "Accès libre"
    RENDEZ_VOUS = "sur-rendez-vous", "Sur rendez-vous"
    ORIENTATION = "sur-orientation", "Sur orientation d'un professionnel"


@cache
def _bits(choices: type[models.TextChoices]) -> dict[str, int]:
    """{code: bit} of a list, built once: `choices.values` builds its list on each access (cProfile of
    bench.search: 0.15 ms per search for the two or three codes it looks up)."""
    return {code: 1 << rank for rank, code in enumerate(choices.values)}


def code_bit(choices: type[models.TextChoices], code: str) -> int:
    """The bit of a code in its search mask; 0 for a code the list does not know."""
    return _bits(choices).get(code, 0)


def code_mask(choices: type[models.TextChoices], codes) -> int:
    mask = 0
    for code in codes or []:
        mask |= code_bit(choices, code)
    return mask
