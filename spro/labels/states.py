"""The workflows of labelling, each declared once: (name, label, from-states, to-state, who).

`spro.labels.workflow` is the only code that changes a state: it looks the transition up here, checks
who acts, writes the new state with a conditional UPDATE (a double click or a cron run at the same time
cannot both win) and logs the transition (who, when, from, to, comment).
"""

from dataclasses import dataclass

from django.db import models


class InvalidTransition(Exception):
    """A transition that cannot happen now; `str()` is a French sentence that may be shown as is."""


class SproStatusCode(models.TextChoices):
    MEMBRE_DE_DROIT = "membre-de-droit", "Membre de droit"
    RECONNU = "reconnu", "Reconnu par la Région"
    LABELLISE = "labellise", "Labellisé SPRO"
    PARTENAIRE_LOCAL = "partenaire-local", "Partenaire local"


class ApplicationState(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "depose", "Déposé"
    INSTRUCTION = "en-instruction", "En instruction"
    COMPLEMENT_ASKED = "complement-demande", "Complément demandé"
    COMPLETED = "complete", "Complété"
    OPINION_GIVEN = "avis-rendu", "Avis rendu"
    GRANTED = "accorde", "Accordé"
    REFUSED = "refuse", "Refusé"
    POSTPONED = "ajourne", "Ajourné"


class LabelState(models.TextChoices):
    ACTIVE = "actif", "Actif"
    RENEWED = "reconduit", "Reconduit tacitement"
    TO_RENEW = "a-renouveler", "À renouveler"
    EXPIRED = "expire", "Expiré"
    WITHDRAWN = "retire", "Retiré"


class CampaignState(models.TextChoices):
    UPCOMING = "a-venir", "À venir"
    OPEN = "ouverte", "Ouverte"
    CLOSED = "close", "Close"


APPLICANT = "candidat"  # an administrator of the applying structure
REGION = "region"  # Région staff (instructors and administrators)
SYSTEM = "systeme"  # the daily command `spro echeances-labels`

A = ApplicationState
L = LabelState

PENDING_APPLICATION_STATES = frozenset(
    {A.SUBMITTED, A.INSTRUCTION, A.COMPLEMENT_ASKED, A.COMPLETED, A.OPINION_GIVEN}
)
DECIDED_APPLICATION_STATES = frozenset({A.GRANTED, A.REFUSED, A.POSTPONED})
LIVE_LABEL_STATES = frozenset({L.ACTIVE, L.RENEWED, L.TO_RENEW})


@dataclass(frozen=True)
class Transition:
    name: str  # ASCII slug, in URLs and in the log
    label: str  # French, on the button
    sources: tuple[str, ...]
    target: str
    actor: str


# fmt: off
APPLICATION_TRANSITIONS = (
    Transition("deposer", "Déposer le dossier", (A.DRAFT,), A.SUBMITTED, APPLICANT),
    Transition("instruire", "Commencer l'instruction", (A.SUBMITTED,), A.INSTRUCTION, REGION),
    Transition("demander-complement", "Demander un complément", (A.INSTRUCTION, A.COMPLETED),
               A.COMPLEMENT_ASKED, REGION),
    Transition("completer", "Envoyer le complément", (A.COMPLEMENT_ASKED,), A.COMPLETED, APPLICANT),
    Transition("rendre-avis", "Enregistrer l'avis de l'instance", (A.INSTRUCTION, A.COMPLETED),
               A.OPINION_GIVEN, REGION),
    Transition("accorder", "Accorder", (A.OPINION_GIVEN,), A.GRANTED, REGION),
    Transition("refuser", "Refuser", (A.OPINION_GIVEN,), A.REFUSED, REGION),
    Transition("ajourner", "Ajourner", (A.OPINION_GIVEN,), A.POSTPONED, REGION),
)

LABEL_TRANSITIONS = (
    Transition("reconduire", "Reconduire tacitement", (L.ACTIVE, L.RENEWED), L.RENEWED, SYSTEM),
    Transition("confirmer-reconduction", "Reconduire malgré l'obligation non remplie", (L.ACTIVE, L.RENEWED),
               L.RENEWED, REGION),
    Transition("a-renouveler", "Passer à renouveler", (L.ACTIVE, L.RENEWED), L.TO_RENEW, SYSTEM),
    Transition("expirer", "Expirer", (L.ACTIVE, L.RENEWED, L.TO_RENEW), L.EXPIRED, SYSTEM),
    Transition("retirer", "Retirer le label", (L.ACTIVE, L.RENEWED, L.TO_RENEW), L.WITHDRAWN, REGION),
    Transition("denoncer", "Dénoncer la convention", (L.ACTIVE, L.RENEWED), L.WITHDRAWN, SYSTEM),
)
# fmt: on

DECISION_TRANSITIONS = {"accorde": "accorder", "refuse": "refuser", "ajourne": "ajourner"}


def find_transition(table, name: str) -> Transition:
    for transition in table:
        if transition.name == name:
            return transition
    raise InvalidTransition(f"Action « {name} » inconnue.")


def available(table, state: str, actor: str) -> list[Transition]:
    return [t for t in table if state in t.sources and t.actor == actor]
