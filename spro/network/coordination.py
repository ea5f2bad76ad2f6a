"""Local coordination by territory, each step atomic and logged (`NetworkLog` through
`workflow.log`), mail sent after commit. Views and `spro echeances-reseau` only call these functions;
a refused step raises `workflow.Refused` with the French sentence to show.

Convention (states in `ConventionState`), one term of `CoordinationPolicy.convention_months`:

| transition | from | to |
|---|---|---|
| sign | (none) | en-vigueur |
| renew (cron, at each anniversary: tacit) | en-vigueur, mise-en-demeure | unchanged, next term |
| send notice (a party, registered letter) | en-vigueur | mise-en-demeure |
| remedy (breach repaired before the deadline) | mise-en-demeure | en-vigueur (notice "levee") |
| expire (cron, deadline passed unheeded) | mise-en-demeure | resiliee (notice "resiliation") |

Designation of the local coordinator (states in `DesignationState`), each year at the convention's
anniversary: open (cron) → votes, one per member structure, by its administrator → close (cron, the
day after `closes_on`). A candidate is designated by the majority of the member structures (more than
half of the members on the closing day; abstentions and blank votes count against). Without it, the
Région's policy (`CoordinationPolicy.no_majority`) applies: the outgoing coordinator stays (default),
or a second round at the relative majority of votes cast, where a tie keeps the outgoing coordinator
(and, without one, leaves the committee without coordinator until next year).
"""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from spro.core.cron import for_each_locked
from spro.directory.models import Membership
from spro.labels.models import Committee, CommitteeSession, LabelPolicy, PolicyError
from spro.labels.uploads import check_upload
from spro.network import emails
from spro.network.codes import (
    ConventionState,
    DesignationResult,
    DesignationState,
    NoMajorityRule,
    NoticeOutcome,
)
from spro.network.models import (
    CommitteeMember,
    Convention,
    CoordinationDocument,
    CoordinationPolicy,
    CoordinationTerritory,
    Designation,
    FormalNotice,
    LocalCommittee,
    Meeting,
    Vote,
    territory_of,
)
from spro.network.workflow import Refused, log

DEFAULT_UPLOADS = {"max_size_mb": 10, "types": ["pdf", "odt", "docx", "png", "jpeg"]}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of the month when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def policy_of(local_committee) -> CoordinationPolicy:
    return CoordinationPolicy.for_region(local_committee.territory.region_code)


# --- the Région's rules -----------------------------------------------------------------------------

POLICY_FIELDS = ("grid", "convention_months", "notice_months", "vote_days", "no_majority")
GRID_LOCKED = (
    "Le maillage ne peut plus changer : la Région a déjà des territoires de coordination, et chacun est "
    "du type de ce maillage."
)


def grid_locked(region_code: str) -> bool:
    """The grid is chosen once: as soon as the Région has a territory, every territory follows it."""
    return CoordinationTerritory.objects.filter(region_code=region_code).exists()


@transaction.atomic
def update_policy(region_code: str, by=None, **values) -> CoordinationPolicy:
    """Change the Région's rules (the row is created on the first save: from then on the grid is chosen,
    and the first territory no longer sets it); the changed values are logged before and after. The
    rules apply to what comes next: a convention signed or renewed, a notice sent, a vote opened, a
    designation counted. The grid is refused once the Région has a territory."""
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"not a rule of the policy: {sorted(unknown)}")
    policy = CoordinationPolicy.objects.select_for_update().filter(region_code=region_code).first()
    policy = policy or CoordinationPolicy(region_code=region_code)
    if "grid" in values and values["grid"] != policy.grid and grid_locked(region_code):
        raise Refused(GRID_LOCKED)
    created = policy.pk is None  # saved once, the rules (the grid among them) are the Région's choice
    before = {name: getattr(policy, name) for name in values if getattr(policy, name) != values[name]}
    if not before and not created:
        return policy
    for name, value in values.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    log(
        "regles-coordination",
        policy.pk,
        "creation" if created else "modification",
        by=by,
        region=region_code,
        before=before,
        after={name: values[name] for name in (values if created else before)},
    )
    return policy


# --- committees and members -----------------------------------------------------------------------


@transaction.atomic
def create_committee(territory, by=None) -> LocalCommittee:
    if LocalCommittee.objects.filter(territory=territory).exists():
        raise Refused("Ce territoire a déjà son comité de coordination locale.")
    committee, _ = Committee.objects.get_or_create(
        region_code=territory.region_code,
        code=f"ccl-{territory.code}"[:50],
        defaults={"name": f"Comité de coordination locale — {territory.name}"[:200]},
    )
    local = LocalCommittee.objects.create(territory=territory, committee=committee)
    log("comite-local", local.pk, "creation", by=by, territory=territory.code)
    return local


def sites_in(local_committee, structure) -> list:
    """The structure's active sites that fall in the committee's territory (remote entries fall in none)."""
    territory = local_committee.territory
    return [
        site
        for site in structure.sites.filter(is_active=True).select_related("commune")
        if (found := territory_of(site, territory.region_code)) is not None and found.pk == territory.pk
    ]


@transaction.atomic
def add_member(local_committee, structure, joined_on: date, by=None) -> CommitteeMember:
    if local_committee.members.filter(structure=structure, left_on__isnull=True).exists():
        raise Refused("Cette structure est déjà membre du comité.")
    if not sites_in(local_committee, structure):
        raise Refused(
            "Cette structure n'a aucun lieu d'accueil dans ce territoire (un service à distance n'en a "
            "pas) : elle ne peut pas rejoindre ce comité."
        )
    member = CommitteeMember.objects.create(
        local_committee=local_committee, structure=structure, joined_on=joined_on
    )
    log("comite-local", local_committee.pk, "adhesion", by=by, structure=structure.pk, on=str(joined_on))
    return member


@transaction.atomic
def remove_member(member: CommitteeMember, left_on: date, by=None) -> CommitteeMember:
    member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise Refused("Cette structure a déjà quitté le comité.")
    if left_on < member.joined_on:
        raise Refused("La date de départ précède la date d'adhésion.")
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    log(
        "comite-local",
        member.local_committee_id,
        "depart",
        by=by,
        structure=member.structure_id,
        on=str(left_on),
    )
    return member


def voting_structures(user, local_committee, day: date) -> list:
    """The member structures (on `day`) that `user` administers."""
    administered = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values("structure")
    return [m.structure for m in local_committee.members_on(day).filter(structure__in=administered)]


# --- convention -------------------------------------------------------------------------------------


@transaction.atomic
def sign_convention(local_committee, reference: str, starts_on: date, by=None) -> Convention:
    LocalCommittee.objects.select_for_update().get(pk=local_committee.pk)
    if local_committee.current_convention() is not None:
        raise Refused("Ce comité a déjà une convention en vigueur.")
    months = policy_of(local_committee).convention_months
    convention = Convention.objects.create(
        local_committee=local_committee,
        reference=reference,
        starts_on=starts_on,
        term_ends_on=add_months(starts_on, months),
    )
    log("convention", convention.pk, "signature", by=by, to_state=convention.state, starts_on=str(starts_on))
    return convention


def renew_conventions(today: date, conventions=None) -> int:
    """Tacit renewal of every convention (of `conventions`, default all) whose term has come
    (idempotent: a renewed term ends later). Counts the terms renewed: a convention whose cron did not
    run for years catches up one term per anniversary."""

    def due(convention) -> bool:
        return convention.state != ConventionState.TERMINATED and convention.term_ends_on <= today

    def renew(convention) -> int:
        months = policy_of(convention.local_committee).convention_months
        renewed = 0
        while due(convention):
            previous = convention.term_ends_on
            convention.term_ends_on = add_months(convention.starts_on, months * (convention.renewals + 2))
            convention.renewals += 1
            convention.save(update_fields=["term_ends_on", "renewals"])
            log(
                "convention",
                convention.pk,
                "renouvellement",
                from_state=convention.state,
                to_state=convention.state,
                anniversary=str(previous),
                term_ends_on=str(convention.term_ends_on),
            )
            renewed += 1
        return renewed

    listed = (conventions if conventions is not None else Convention.objects).exclude(
        state=ConventionState.TERMINATED
    )
    return for_each_locked(
        listed.filter(term_ends_on__lte=today), due, renew, select_related=["local_committee__territory"]
    )


@transaction.atomic
def send_notice(
    convention, party, sent_on: date, letter_reference: str, grounds: str, by=None
) -> FormalNotice:
    """A party (the Région: `party` None, or a member structure) puts the other in default."""
    convention = (
        Convention.objects.select_for_update()
        .select_related("local_committee__territory")
        .get(pk=convention.pk)
    )
    if convention.state == ConventionState.TERMINATED:
        raise Refused("Cette convention est résiliée.")
    if convention.state == ConventionState.NOTICE:
        raise Refused("Une mise en demeure est déjà en cours sur cette convention.")
    if (
        party is not None
        and not convention.local_committee.members_on(sent_on).filter(structure=party).exists()
    ):
        raise Refused("Seuls la Région et les structures membres du comité sont parties à la convention.")
    if sent_on < convention.starts_on:
        raise Refused("La lettre ne peut pas précéder la prise d'effet de la convention.")
    months = policy_of(convention.local_committee).notice_months
    notice = FormalNotice.objects.create(
        convention=convention,
        party=party,
        sent_on=sent_on,
        letter_reference=letter_reference,
        grounds=grounds,
        deadline=add_months(sent_on, months),
        created_by=by,
    )
    before = convention.state
    convention.state = ConventionState.NOTICE
    convention.save(update_fields=["state"])
    log(
        "convention",
        convention.pk,
        "mise-en-demeure",
        by=by,
        from_state=before,
        to_state=convention.state,
        notice=notice.pk,
        deadline=str(notice.deadline),
    )
    _tell_members_and_region(
        convention.local_committee, "notice_sent", {"notice": notice, "convention": convention}
    )
    return notice


@transaction.atomic
def remedy_notice(notice, on: date, by=None) -> FormalNotice:
    notice = FormalNotice.objects.select_for_update().select_related("convention").get(pk=notice.pk)
    if notice.outcome != NoticeOutcome.PENDING:
        raise Refused("Cette mise en demeure est déjà close.")
    if on > notice.deadline:
        raise Refused("Le délai de la mise en demeure est passé : la convention est résiliée.")
    if on < notice.sent_on:
        raise Refused("La date précède l'envoi de la mise en demeure.")
    notice.outcome = NoticeOutcome.REMEDIED
    notice.closed_on = on
    notice.save(update_fields=["outcome", "closed_on"])
    convention = notice.convention
    convention.state = ConventionState.IN_FORCE
    convention.save(update_fields=["state"])
    log(
        "convention",
        convention.pk,
        "mise-en-demeure-levee",
        by=by,
        from_state=ConventionState.NOTICE,
        to_state=convention.state,
        notice=notice.pk,
    )
    return notice


def expire_notices(today: date) -> int:
    """Notices left unheeded past their deadline end the convention (idempotent)."""

    def expire(notice) -> int:
        convention = (
            Convention.objects.select_for_update()
            .select_related("local_committee__territory")
            .get(pk=notice.convention_id)
        )
        notice.outcome = NoticeOutcome.TERMINATION
        notice.closed_on = notice.deadline + timedelta(days=1)
        notice.save(update_fields=["outcome", "closed_on"])
        before = convention.state
        convention.state = ConventionState.TERMINATED
        convention.terminated_on = notice.closed_on
        convention.save(update_fields=["state", "terminated_on"])
        log(
            "convention",
            convention.pk,
            "resiliation",
            from_state=before,
            to_state=convention.state,
            notice=notice.pk,
            on=str(convention.terminated_on),
        )
        for designation in convention.local_committee.designations.filter(state=DesignationState.OPEN):
            designation.state = DesignationState.CLOSED
            designation.result = DesignationResult.NONE
            designation.closed_at = timezone.now()
            designation.save(update_fields=["state", "result", "closed_at"])
            log("designation", designation.pk, "annulation", from_state="ouverte", to_state="close")
        _tell_members_and_region(
            convention.local_committee,
            "convention_terminated",
            {"notice": notice, "convention": convention},
        )
        return 1

    return for_each_locked(
        FormalNotice.objects.filter(outcome=NoticeOutcome.PENDING, deadline__lt=today),
        lambda notice: notice.outcome == NoticeOutcome.PENDING,
        expire,
    )


def _upload_policy(region_code: str) -> dict:
    try:
        return LabelPolicy.objects.in_force(region_code).policy.uploads or DEFAULT_UPLOADS
    except (PolicyError, AttributeError):
        return DEFAULT_UPLOADS


@transaction.atomic
def attach(uploaded, purpose: str, by, convention=None, meeting=None) -> CoordinationDocument:
    """Join a signed document, checked on its content and size (spro.labels.uploads); a refused file
    raises `UploadRefused` and writes nothing."""
    if purpose not in CoordinationDocument.PURPOSES:
        raise Refused("Pièce inconnue.")
    owner = convention or meeting
    region_code = owner.local_committee.territory.region_code
    kind, digest = check_upload(uploaded, _upload_policy(region_code))
    document = CoordinationDocument.objects.create(
        convention=convention,
        meeting=meeting,
        purpose=purpose,
        file=uploaded,
        original_name=uploaded.name[-200:],
        kind=kind,
        size=uploaded.size,
        sha256=digest,
        uploaded_by=by,
    )
    subject, pk = ("convention", convention.pk) if convention else ("reunion", meeting.pk)
    log(subject, pk, "document", by=by, purpose=purpose, document=document.pk)
    return document


# --- meetings ---------------------------------------------------------------------------------------


@transaction.atomic
def record_meeting(
    local_committee, held_on: date, agenda: str, by, place="", present=(), minutes="", decisions=""
) -> Meeting:
    members = set(local_committee.members_on(held_on).values_list("structure_id", flat=True))
    strangers = [s for s in present if s.pk not in members]
    if strangers:
        raise Refused(f"« {strangers[0].name} » n'était pas membre du comité à cette date.")
    session = CommitteeSession.objects.create(
        committee=local_committee.committee,
        held_on=held_on,
        place=place,
        members_present="\n".join(sorted(s.name for s in present)),
        minutes=minutes,
        created_by=by,
    )
    meeting = Meeting.objects.create(
        session=session, local_committee=local_committee, agenda=agenda, decisions=decisions
    )
    meeting.present.set(present)
    log("reunion", meeting.pk, "enregistrement", by=by, held_on=str(held_on), present=len(present))
    return meeting


# --- designation of the local coordinator -------------------------------------------------------------


def anniversary_in(convention, year: int) -> date:
    day = convention.starts_on
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def open_designations(today: date) -> int:
    """Open the year's designation of every committee whose convention's anniversary has come
    (idempotent: one designation per committee, year and round)."""
    opened = 0
    conventions = Convention.objects.exclude(state=ConventionState.TERMINATED).select_related(
        "local_committee__territory"
    )
    for convention in conventions.filter(starts_on__lt=date(today.year, 1, 1)):
        local = convention.local_committee
        anniversary = anniversary_in(convention, today.year)
        if today < anniversary or local.designations.filter(year=today.year).exists():
            continue
        with transaction.atomic():
            LocalCommittee.objects.select_for_update().get(pk=local.pk)
            if local.designations.filter(year=today.year).exists():
                continue
            designation = _open(local, today.year, 1, today)
            opened += 1 if designation else 0
    return opened


def _open(local, year: int, round_: int, today: date) -> Designation:
    days = policy_of(local).vote_days
    designation = Designation.objects.create(
        local_committee=local,
        year=year,
        round=round_,
        opens_on=today,
        closes_on=today + timedelta(days=days - 1),
        outgoing=local.coordinator,
    )
    log("designation", designation.pk, "ouverture", to_state=designation.state, year=year, round=round_)
    admins = Membership.objects.filter(
        role=Membership.Role.ADMIN,
        user__is_active=True,
        structure__in=local.members_on(today).values("structure"),
    ).values_list("user__email", flat=True)
    _mail("designation_opened", admins, {"designation": designation, "committee": local})
    return designation


def _members_url() -> str:
    from django.urls import reverse

    return f"{settings.SPRO_BASE_URL}{reverse('territoires:index')}"


def cast_vote(designation, voter, candidate, by, candidate_person=None, now=None) -> Vote:
    """`by`, administrator of the member structure `voter`, casts its one vote (`candidate` None: a
    blank vote)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        designation = (
            Designation.objects.select_for_update().select_related("local_committee").get(pk=designation.pk)
        )
        local = designation.local_committee
        if designation.state != DesignationState.OPEN or not (
            designation.opens_on <= today <= designation.closes_on
        ):
            raise Refused("Cette désignation n'est pas ouverte au vote.")
        if not Membership.objects.filter(user=by, structure=voter, role=Membership.Role.ADMIN).exists():
            raise Refused("Seul un administrateur de la structure vote en son nom.")
        members = local.members_on(today)
        if not members.filter(structure=voter).exists():
            raise Refused("Cette structure ne fait pas (ou plus) partie du comité : elle ne vote pas.")
        if candidate is not None and not members.filter(structure=candidate).exists():
            raise Refused("La structure candidate doit être membre du comité.")
        if candidate_person is not None and (
            candidate is None
            or not Membership.objects.filter(
                user=candidate_person, structure=candidate, user__is_active=True
            ).exists()
        ):
            raise Refused("La personne proposée doit appartenir à la structure candidate.")
        if designation.votes.filter(voter=voter).exists():
            raise Refused("Votre structure a déjà voté : une structure ne vote qu'une fois.")
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    designation=designation,
                    voter=voter,
                    candidate=candidate,
                    candidate_person=candidate_person,
                    cast_by=by,
                    cast_at=now,
                )
        except IntegrityError as error:  # a double submit that passed the check at the same time
            raise Refused("Votre structure a déjà voté : une structure ne vote qu'une fois.") from error
        log("designation", designation.pk, "vote", by=by, voter=voter.pk)
        return vote


def close_designations(today: date) -> int:
    """Count every designation whose vote has ended (idempotent: a closed one is not counted again)."""

    def close(designation) -> int:
        count(designation, today)
        return 1

    return for_each_locked(
        Designation.objects.filter(state=DesignationState.OPEN, closes_on__lt=today),
        lambda designation: designation.state == DesignationState.OPEN,
        close,
    )


def count(designation, today: date, notify: bool = True) -> Designation:
    """Count the votes (in the caller's transaction, designation locked) and record the outcome; the
    Région and the members are told (`notify`: the demo tells no fictitious person)."""
    local = designation.local_committee
    policy = policy_of(local)
    members = set(local.members_on(designation.closes_on).values_list("structure_id", flat=True))
    votes = [
        v for v in designation.votes.select_related("candidate", "candidate_person") if v.voter_id in members
    ]
    tally: dict[int, int] = {}
    for vote in votes:
        if vote.candidate_id in members:
            tally[vote.candidate_id] = tally.get(vote.candidate_id, 0) + 1
    ranked = sorted(tally.items(), key=lambda item: -item[1])
    top = ranked[0] if ranked else None
    unique_top = top is not None and (len(ranked) == 1 or ranked[1][1] < top[1])
    designation.members_count = len(members)
    designation.tally = {
        "membres": len(members),
        "votants": len(votes),
        "blancs": sum(1 for v in votes if v.candidate_id not in members),
        "abstentions": len(members) - len(votes),
        "voix": {str(pk): n for pk, n in ranked},
    }
    elected = None
    if designation.round == 1 and top and top[1] * 2 > len(members):
        result, elected = DesignationResult.MAJORITY, top[0]
    elif designation.round > 1 and unique_top:
        result, elected = DesignationResult.MAJORITY, top[0]
    elif designation.round == 1 and policy.no_majority == NoMajorityRule.SECOND_ROUND:
        result = DesignationResult.SECOND_ROUND
    elif designation.outgoing_id and designation.outgoing_id in members:
        result, elected = DesignationResult.OUTGOING_KEPT, designation.outgoing_id
    else:
        result = DesignationResult.NONE
    designation.result = result
    designation.state = DesignationState.CLOSED
    designation.closed_at = timezone.now()
    designation.elected_id = elected
    if elected is not None:
        proposed = [v.candidate_person for v in votes if v.candidate_id == elected and v.candidate_person_id]
        if result == DesignationResult.OUTGOING_KEPT and local.coordinator_id == elected:
            designation.elected_person = local.coordinator_person
        elif proposed:
            designation.elected_person = max(proposed, key=lambda p: (proposed.count(p), -p.pk))
    designation.save()
    log(
        "designation",
        designation.pk,
        "depouillement",
        from_state=DesignationState.OPEN,
        to_state=designation.state,
        result=result,
        elected=elected,
        tally=designation.tally,
    )
    if result != DesignationResult.SECOND_ROUND:
        before = local.coordinator_id
        local.coordinator_id = elected
        local.coordinator_person = designation.elected_person
        local.save(update_fields=["coordinator", "coordinator_person"])
        log(
            "comite-local",
            local.pk,
            "coordinateur",
            from_state=str(before or ""),
            to_state=str(elected or ""),
            designation=designation.pk,
        )
        if notify:
            _tell_members_and_region(local, "designation_result", {"designation": designation})
    else:
        _open(local, designation.year, designation.round + 1, today)
    return designation


def _tell_members_and_region(local, name: str, context: dict) -> None:
    """Mail the Région's staff and the administrators of the member structures."""
    region = get_user_model().objects.region_staff().values_list("email", flat=True)
    admins = Membership.objects.filter(
        role=Membership.Role.ADMIN,
        user__is_active=True,
        structure__in=local.members.filter(left_on__isnull=True).values("structure"),
    ).values_list("user__email", flat=True)
    _mail(name, [*region, *admins], {"committee": local, **context})


def _mail(name: str, addresses, context: dict) -> None:
    """One message per person: the members' addresses are not shown to each other."""
    for address in sorted(set(addresses)):
        emails.send(name, [address], {"url": _members_url(), **context})
