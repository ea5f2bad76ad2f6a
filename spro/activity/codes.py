"""Vocabulary of the reception log (issue 12): stored codes (ASCII slugs) and their French labels.

Statut and need reuse the aiguillage's codes (spro.routing.codes), with "non précisé" added where the
person did not say.
"""

from spro.routing.codes import BESOINS, SEXES, STATUTS

NOT_SAID = "non-precise"

MODES = {
    "sur-place": "Sur place",
    "telephone": "Téléphone",
    "courriel": "Courriel",
    "visio-chat": "Visio ou chat",
    "hors-les-murs": "Hors les murs",
    "evenement": "Événement",
}
SEXES_LOG = {**SEXES, NOT_SAID: "Non précisé"}
AGE_BANDS = {
    "moins-de-16": "Moins de 16 ans",
    "16-17": "16 à 17 ans",
    "18-25": "18 à 25 ans",
    "26-29": "26 à 29 ans",
    "30-44": "30 à 44 ans",
    "45-54": "45 à 54 ans",
    "55-plus": "55 ans et plus",
    NOT_SAID: "Non précisé",
}
STATUTS_LOG = {**STATUTS, NOT_SAID: "Non précisé"}
NEEDS_LOG = dict(BESOINS)
ANSWERS = {
    "information": "Information de premier niveau",
    "conseil": "Conseil",
    "orientation": "Orientation vers un réseau",
}
