"""The two workflows of the referrals app, each declared in one table: (name, from-states, to-state).

Views never change a state themselves: they call `actions.process_referral(referral, name, user=...)`
or `contact_request.process(name, user=...)`, which checks the table, who may act, writes the new state
with a conditional UPDATE (so that two clicks or a cron run at the same time cannot both win) and logs
the transition; `process_referral` then schedules the transition's email after commit. A transition
not allowed raises `InvalidTransition`, whose message is French and may be shown as is.
"""

from dataclasses import dataclass

from django.db import models


class InvalidTransition(Exception):
    """A transition that cannot happen now; `str()` is a French sentence for the person who asked."""


class ReferralState(models.TextChoices):
    SENT = "envoyee", "Envoyée"
    ACCEPTED = "acceptee", "Acceptée"
    REFUSED = "refusee", "Refusée"
    RECEIVED = "personne-recue", "Personne reçue"
    NO_FOLLOW_UP = "sans-suite", "Sans suite"
    EXPIRED = "expiree", "Expirée"


OPEN_STATES = frozenset({ReferralState.SENT, ReferralState.ACCEPTED})
CLOSED_STATES = frozenset(set(ReferralState) - OPEN_STATES)


class ContactStatus(models.TextChoices):
    NEW = "nouvelle", "Nouvelle"
    HANDLED = "traitee", "Traitée"
    NO_FOLLOW_UP = "sans-suite", "Sans suite"


# Who may fire a transition: the receiving structure's members, the sending structure's, or cron only.
RECEIVER = "destinataire"
SENDER = "emetteur"
SYSTEM = "systeme"


@dataclass(frozen=True)
class Transition:
    name: str  # ASCII slug, used in URLs and in the log
    label: str  # French, on the button
    sources: tuple[str, ...]
    target: str
    actor: str = RECEIVER
    needs_refusal_reason: bool = False
    email: str = ""  # email template sent after commit ("" for none)
    button_class: str = ""


S = ReferralState
C = ContactStatus

# fmt: off
REFERRAL_TRANSITIONS = (
    # name, button label, from-states, to-state, then who may fire it (default: receiving side) and email
    Transition("accepter", "Accepter l'orientation", (S.SENT,), S.ACCEPTED, email="acceptee"),
    Transition("refuser", "Refuser l'orientation", (S.SENT,), S.REFUSED, needs_refusal_reason=True,
               email="refusee", button_class="fr-btn--secondary"),
    Transition("personne-recue", "La personne a été reçue", (S.ACCEPTED,), S.RECEIVED),
    Transition("sans-suite", "Classer sans suite", (S.ACCEPTED,), S.NO_FOLLOW_UP,
               button_class="fr-btn--secondary"),
    Transition("expirer", "Expirer", (S.SENT,), S.EXPIRED, actor=SYSTEM, email="expiree"),
)

CONTACT_TRANSITIONS = (
    Transition("traiter", "Marquer comme traitée", (C.NEW,), C.HANDLED),
    Transition("sans-suite", "Classer sans suite", (C.NEW,), C.NO_FOLLOW_UP,
               button_class="fr-btn--secondary"),
)
# fmt: on


def find_transition(table, name: str) -> Transition:
    for transition in table:
        if transition.name == name:
            return transition
    raise InvalidTransition(f"Action « {name} » inconnue.")


def available(table, state: str, actor: str) -> list[Transition]:
    return [t for t in table if state in t.sources and t.actor == actor]
