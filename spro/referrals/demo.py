"""A year of fictitious referrals between the demo structures (`spro demo-orientations`, run by
`spro load-demo`), so that the figures by network pair (/region/orientations/, the indicator pages)
have content. Idempotent: nothing is added once a demo structure has sent a referral.

No person behind them: every personal field is empty (the coordinates "given to the person", never
recorded), each referral has the transitions of its history, and its state follows its age (the
recent ones still waiting, the old ones answered, received, refused or expired).
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from spro.directory.models import Site
from spro.referrals.models import Referral, ReferralTransition, RefusalReason
from spro.referrals.workflow import ReferralState as S
from spro.routing.codes import BESOINS

PER_STRUCTURE = 30
MAX_STRUCTURES = 60
NEEDS = list(BESOINS)
# (state, weight, transitions after "envoyer": (name, to-state))
OUTCOMES = [
    (S.RECEIVED, 50, (("accepter", S.ACCEPTED), ("personne-recue", S.RECEIVED))),
    (S.REFUSED, 12, (("refuser", S.REFUSED),)),
    (S.NO_FOLLOW_UP, 10, (("accepter", S.ACCEPTED), ("sans-suite", S.NO_FOLLOW_UP))),
    (S.EXPIRED, 8, (("expirer", S.EXPIRED),)),
    (S.ACCEPTED, 10, (("accepter", S.ACCEPTED),)),
]
RECENT_DAYS = 10  # younger referrals are still waiting for an answer


def generate(seed: int = 21, now=None) -> int:
    """Referrals over the past year among the demo structures; returns how many were added."""
    if Referral.objects.filter(sender_structure__is_demo=True).exists():
        return 0
    rng = random.Random(seed)
    now = now or timezone.now()
    sites = list(
        Site.objects.filter(structure__is_demo=True, structure__is_active=True, is_active=True)
        .exclude(commune=None)
        .select_related("structure__network", "commune")
        .order_by("structure_id", "pk")
    )
    by_departement: dict[str, list[Site]] = {}
    senders: dict[int, Site] = {}
    for site in sites:
        by_departement.setdefault(site.commune.departement_id, []).append(site)
        senders.setdefault(site.structure_id, site)
    reasons = list(RefusalReason.objects.filter(is_active=True))
    referrals, histories = [], []
    for sender_site in list(senders.values())[:MAX_STRUCTURES]:
        sender = sender_site.structure
        targets = [
            s
            for s in by_departement.get(sender_site.commune.departement_id, [])
            if s.structure.network_id != sender.network_id
        ]
        if not targets:
            continue
        for _ in range(PER_STRUCTURE):
            target = rng.choice(targets)
            created = now - timedelta(days=rng.randrange(365), minutes=rng.randrange(600))
            if now - created < timedelta(days=RECENT_DAYS):
                state, steps = S.SENT, ()
            else:
                state, _weight, steps = rng.choices(OUTCOMES, weights=[o[1] for o in OUTCOMES])[0]
            at, history = created, [("envoyer", "", S.SENT, created)]
            previous = S.SENT
            for name, to_state in steps:
                at = (
                    at + timedelta(days=15)
                    if name == "expirer"
                    else at + timedelta(hours=rng.randrange(4, 96))
                )
                history.append((name, previous, to_state, at))
                previous = to_state
            answered = history[1][3] if len(history) > 1 and history[1][0] != "expirer" else None
            closed = at if state not in (S.SENT, S.ACCEPTED) else None
            referrals.append(
                Referral(
                    state=state,
                    sender_structure=sender,
                    from_network=sender.network.code,
                    to_site=target,
                    to_structure=target.structure,
                    to_network=target.structure.network.code,
                    need=rng.choice(NEEDS),
                    mode=Referral.Mode.DETAILS_GIVEN,
                    consent_kind=Referral.Consent.ORAL,
                    consent_at=created,
                    refusal_reason=rng.choice(reasons) if state == S.REFUSED and reasons else None,
                    created_at=created,
                    answered_at=answered,
                    closed_at=closed,
                )
            )
            histories.append(history)
    with transaction.atomic():
        Referral.objects.bulk_create(referrals, batch_size=2000)
        ReferralTransition.objects.bulk_create(
            [
                ReferralTransition(
                    referral=referral,
                    name=name,
                    from_state=from_state,
                    to_state=to_state,
                    at=at,
                    refusal_reason=referral.refusal_reason if to_state == S.REFUSED else None,
                )
                for referral, history in zip(referrals, histories, strict=True)
                for name, from_state, to_state, at in history
            ],
            batch_size=2000,
        )
    return len(referrals)
