"""Committee sessions: the bodies the policy names, their sessions, the dossiers on each agenda and the
minutes. The opinion itself is `workflow.give_opinion` (it moves the dossier and logs the transition).

A dossier may go on an agenda when an opinion may be given on it: the states « rendre-avis » starts
from, and « avis rendu » (a second body, ARA's Commission OMSPP after the GT Orientation, gives its own
opinion on a dossier another session has already examined).
"""

from datetime import date

from django.db import IntegrityError, transaction

from spro.labels import bodies
from spro.labels.models import AgendaItem, Application, Committee, CommitteeSession, LabelPolicy
from spro.labels.states import (
    APPLICATION_TRANSITIONS,
    ApplicationState,
    InvalidTransition,
    find_transition,
)

READY_FOR_OPINION = frozenset(find_transition(APPLICATION_TRANSITIONS, "rendre-avis").sources) | {
    ApplicationState.OPINION_GIVEN
}


def _check_staff(user) -> None:
    if user is None or not user.is_authenticated or not user.is_active or not user.is_region_staff:
        raise InvalidTransition("Seuls les agents de la Région organisent les séances des instances.")


def policy_committees(region_code: str) -> list[dict]:
    """The committees named by the policy in force (code, name, role)."""
    policy = LabelPolicy.objects.reading(region_code)
    return policy.committees if policy is not None else []


def committee(region_code: str, code: str) -> Committee:
    """The committee `code` of the policy in force, recorded the first time a session is planned."""
    spec = next((c for c in policy_committees(region_code) if c["code"] == code), None)
    if spec is None and bodies.spec(region_code, code) is not None:
        return bodies.body(region_code, code)  # a regional body of the Région's profile
    if spec is None:
        raise InvalidTransition("Choisissez une instance nommée par la politique de labellisation.")
    found, created = Committee.objects.get_or_create(
        region_code=region_code, code=code, defaults={"name": spec["name"]}
    )
    if not created and found.name != spec["name"]:  # the policy renamed it
        Committee.objects.filter(pk=found.pk).update(name=spec["name"])
        found.name = spec["name"]
    return found


@transaction.atomic
def plan_session(
    region_code: str, committee_code: str, held_on: date, user, place: str = "", members_present: str = ""
) -> CommitteeSession:
    _check_staff(user)
    return CommitteeSession.objects.create(
        committee=committee(region_code, committee_code),
        held_on=held_on,
        place=place.strip(),
        members_present=members_present.strip(),
        created_by=user,
    )


def agenda_candidates(session: CommitteeSession):
    """Dossiers of the session's Région an opinion may be given on, not yet on its agenda."""
    return (
        Application.objects.filter(region_code=session.committee.region_code, state__in=READY_FOR_OPINION)
        .exclude(agenda_items__session=session)
        .select_related("structure", "policy")
        .order_by("submitted_at", "pk")
    )


@transaction.atomic
def add_to_agenda(session: CommitteeSession, application: Application, user) -> AgendaItem:
    _check_staff(user)
    if application.region_code != session.committee.region_code:
        raise InvalidTransition("Ce dossier n'est pas de la Région de cette instance.")
    if application.state not in READY_FOR_OPINION:
        raise InvalidTransition(
            f"Le dossier est « {application.get_state_display()} » : "
            "il ne peut pas recevoir d'avis, il ne va pas à l'ordre du jour."
        )
    try:
        with transaction.atomic():
            return AgendaItem.objects.create(session=session, application=application, added_by=user)
    except IntegrityError:
        raise InvalidTransition("Ce dossier est déjà à l'ordre du jour de la séance.") from None


@transaction.atomic
def save_minutes(session: CommitteeSession, text: str, user) -> None:
    _check_staff(user)
    CommitteeSession.objects.filter(pk=session.pk).update(minutes=text.strip())
    session.minutes = text.strip()
