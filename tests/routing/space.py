"""The situation space of the consistency and coverage tests: every statut × age band × need × secteur
× RQTH (and, for the pairs of rules, cadre, sexe, diploma and time out of school), each field also absent."""

import itertools
import re

from spro.routing.codes import BESOINS, SECTEURS, STATUTS

# One age per band the rules distinguish: under 16, 16–18, 19–25 (two), 26–29, adult, 65 and over.
AGE_BANDS = {
    None: "âge non donné",
    14: "moins de 16 ans",
    17: "16-18 ans",
    20: "19-22 ans",
    24: "23-25 ans",
    28: "26-29 ans",
    45: "30-64 ans",
    67: "65 ans et plus",
}
STATUTS_OR_NONE = [None, *STATUTS]
BESOINS_OR_NONE = [None, *BESOINS]
SECTEURS_OR_NONE = [None, *SECTEURS]


def situation(**fields) -> dict:
    return {k: v for k, v in fields.items() if v is not None and v is not False}


def coverage_space(first_doors=(None,)):
    """statut × age band × besoin × secteur × RQTH × first door."""
    for statut, age, besoin, secteur, rqth, door in itertools.product(
        STATUTS_OR_NONE, AGE_BANDS, BESOINS_OR_NONE, SECTEURS_OR_NONE, (False, True), first_doors
    ):
        yield situation(
            statut=statut, age=age, besoin=besoin, secteur=secteur, rqth=rqth, premiere_porte=door
        )


def pair_space():
    """The coverage space, then the fields it leaves out (cadre, sexe, diploma, months out of school)."""
    yield from coverage_space()
    for statut, age, besoin, cadre, sexe, diplome, mois in itertools.product(
        STATUTS_OR_NONE,
        AGE_BANDS,
        BESOINS_OR_NONE,
        (False, True),
        (None, "femme"),
        (None, "aucun", "bac+5"),
        (None, 14),
    ):
        yield situation(
            statut=statut,
            age=age,
            besoin=besoin,
            cadre=cadre,
            sexe=sexe,
            diplome=diplome,
            mois_hors_ecole=mois,
        )


SEED = re.compile(r"\d{3}_[0-9a-f]{16}")
WORKED_SITUATION = re.compile(r"situation \d")
CHARTER = ("Cahier des charges", "Charte", "charte", "domain.md")


def source_level(source: str) -> int:
    """How specific a rule's source is: 3 a seed's worked situation, 2 a seed or charter text, 1 a general
    mission text (a law, a code, a circular)."""
    if SEED.search(source) and WORKED_SITUATION.search(source):
        return 3
    if SEED.search(source) or any(word in source for word in CHARTER):
        return 2
    return 1
