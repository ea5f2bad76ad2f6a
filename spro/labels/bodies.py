"""Regional bodies (COPIL SPRO, GT Orientation, Commission OMSPP, CLEFOP group, comités de suivi
départementaux) and their rhythm, as data: `profiles/<region>.json` names each body of the Région, its
minimum rhythm (`every_months`) and its sequence (`before`: a departmental committee meets ahead of the
COPIL). The same profile describes a network's tiers (Midi-Pyrénées' Cité des métiers).

A body is a `labels.Committee`, the same model as the label committees: its sessions, members, minutes and
the opinions (avis) it gives on texts. `remind(day)` is the step of the daily `spro echeances-labels` that
e-mails the Région once per missed due date.
"""

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from spro.labels import emails
from spro.labels.models import (
    BodyReminder,
    Committee,
    CommitteeMember,
    CommitteeSession,
    LabelPolicy,
    NetworkTier,
    TextOpinion,
)
from spro.labels.states import InvalidTransition
from spro.labels.validity import add_months
from spro.territories.models import Departement

PROFILE_DIR = Path(__file__).parent / "profiles"


@cache
def profile(region_code: str) -> dict:
    """The Région's profile of bodies and network tiers (empty when spro ships none)."""
    path = PROFILE_DIR / f"{region_code}.json"
    if not path.is_file():
        return {"bodies": []}
    return json.loads(path.read_text(encoding="utf-8"))


def _check_staff(user) -> None:
    if user is None or not user.is_authenticated or not user.is_active or not user.is_region_staff:
        raise InvalidTransition("Seuls les agents de la Région gèrent les instances.")


# --- the bodies ---------------------------------------------------------------------------------------


def departement_names(codes) -> dict[str, str]:
    return dict(Departement.objects.filter(code__in=list(codes)).values_list("code", "name"))


def body_specs(region_code: str) -> list[dict]:
    """Every body of the Région: those of its profile (a departmental body once per département), then
    the label committees its policy names that the profile does not. Each: code, name, every_months,
    before, departement, remind_days_before, source, role (of the label policy, if any)."""
    specs = []
    roles = {}
    policy = LabelPolicy.objects.reading(region_code)
    for committee in policy.committees if policy is not None else []:
        roles[committee["code"]] = committee
    departmental = [b for b in profile(region_code)["bodies"] if b.get("per_departement")]
    names = departement_names({d for b in departmental for d in b["per_departement"]})
    for body in profile(region_code)["bodies"]:
        common = {
            "every_months": body.get("every_months"),
            "before": body.get("before", ""),
            "remind_days_before": body.get("remind_days_before", 60),
            "source": body.get("source", ""),
            "role": roles.get(body["code"], {}).get("role", ""),
            "group": body["code"],
        }
        if body.get("per_departement"):
            for code in body["per_departement"]:
                specs.append(
                    {
                        **common,
                        "code": f"{body['code']}-{code.lower()}",
                        "name": f"{body['name']} — {names.get(code, code)} ({code})",
                        "departement": code,
                    }
                )
        else:
            specs.append({**common, "code": body["code"], "name": body["name"], "departement": ""})
    known = {s["code"] for s in specs}
    for code, committee in roles.items():
        if code not in known:
            specs.append(
                {
                    "code": code,
                    "name": committee["name"],
                    "every_months": None,
                    "before": "",
                    "remind_days_before": 60,
                    "source": "",
                    "role": committee.get("role", ""),
                    "group": code,
                    "departement": "",
                }
            )
    return specs


def spec(region_code: str, code: str) -> dict | None:
    return next((s for s in body_specs(region_code) if s["code"] == code), None)


def body(region_code: str, code: str) -> Committee:
    """The committee of body `code`, recorded the first time it is needed (renamed when the data is)."""
    found_spec = spec(region_code, code)
    if found_spec is None:
        raise InvalidTransition("Choisissez une instance de la Région.")
    found, created = Committee.objects.get_or_create(
        region_code=region_code,
        code=code,
        defaults={"name": found_spec["name"], "departement": found_spec["departement"]},
    )
    if not created and (found.name, found.departement) != (found_spec["name"], found_spec["departement"]):
        Committee.objects.filter(pk=found.pk).update(
            name=found_spec["name"], departement=found_spec["departement"]
        )
        found.name, found.departement = found_spec["name"], found_spec["departement"]
    return found


@dataclass
class Rhythm:
    spec: dict
    last: date | None  # the last session held (on or before the day)
    next_planned: date | None  # the next session planned (after the day)
    due_on: date | None  # the last day the next session may be held by the rhythm
    overdue: bool
    before_gap: date | None = None  # a COPIL this departmental body has no session ahead of

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.overdue:
            if self.last is None:
                flags.append("Aucune séance enregistrée")
            else:
                flags.append(f"En retard : une séance était attendue au plus tard le {self.due_on:%d/%m/%Y}")
        if self.before_gap is not None:
            flags.append(f"Aucune séance enregistrée avant le COPIL du {self.before_gap:%d/%m/%Y}")
        return flags


def _sessions_by_code(region_code: str) -> dict[str, list[date]]:
    found: dict[str, list[date]] = {}
    rows = CommitteeSession.objects.filter(committee__region_code=region_code).values_list(
        "committee__code", "held_on"
    )
    for code, held_on in rows.order_by("held_on"):
        found.setdefault(code, []).append(held_on)
    return found


def rhythms(region_code: str, day: date) -> list[Rhythm]:
    """Each body's rhythm on `day`: its last and next sessions, when the next is due, and whether it is
    late; a departmental body is also flagged when the next COPIL is planned and it has no session in
    the `every_months` before it."""
    sessions = _sessions_by_code(region_code)
    rows = []
    for body_spec in body_specs(region_code):
        held = sessions.get(body_spec["code"], [])
        past = [d for d in held if d <= day]
        coming = [d for d in held if d > day]
        last = past[-1] if past else None
        every = body_spec["every_months"]
        due_on = add_months(last, every) if (last and every) else None
        # Late once the due date has passed (a session planned after it does not make up for it); a body
        # that never met is late until its first session is planned.
        overdue = bool(every) and (due_on < day if last else not coming)
        gap = None
        if body_spec["before"]:
            target = next((d for d in sessions.get(body_spec["before"], []) if d >= day), None)
            if target is not None:
                window_start = add_months(target, -(every or 12))
                if not any(window_start <= d < target for d in held):
                    gap = target
        rows.append(Rhythm(body_spec, last, coming[0] if coming else None, due_on, overdue, gap))
    return rows


def remind(day: date, region_code: str, counts: Counter) -> None:
    """E-mail the Région once per body that missed its rhythm (per due date) and once per département
    with no meeting ahead of a planned COPIL (from `remind_days_before` days before it)."""
    due = []
    for rhythm in rhythms(region_code, day):
        if rhythm.overdue:
            key = rhythm.due_on.isoformat() if rhythm.due_on else "aucune-seance"
            due.append((rhythm, key, rhythm.flags[0]))
        if (
            rhythm.before_gap is not None
            and rhythm.before_gap - timedelta(days=rhythm.spec["remind_days_before"]) <= day
        ):
            due.append((rhythm, f"avant-{rhythm.before_gap.isoformat()}", rhythm.flags[-1]))
    for rhythm, key, reason in due:
        try:
            with transaction.atomic():
                BodyReminder.objects.create(
                    region_code=region_code, body_code=rhythm.spec["code"], key=key, sent_on=day
                )
        except IntegrityError:
            continue  # already sent
        emails.send(
            "instance_rappel",
            emails.region_addresses(),
            {
                "body_name": rhythm.spec["name"],
                "reason": reason,
                "rhythm": rhythm,
                "url": f"{settings.SPRO_BASE_URL}{reverse('comites:index')}",
            },
        )
        counts["rappels du rythme des instances"] += 1


# --- members and opinions on texts ------------------------------------------------------------------


@transaction.atomic
def add_member(
    committee: Committee, user, name: str, function: str = "", institution: str = "", joined_on=None
):
    _check_staff(user)
    if not name.strip():
        raise InvalidTransition("Indiquez le nom du membre.")
    return CommitteeMember.objects.create(
        committee=committee,
        name=name.strip(),
        function=function.strip(),
        institution=institution.strip(),
        joined_on=joined_on or date.today(),
        added_by=user,
    )


@transaction.atomic
def member_leaves(member: CommitteeMember, user, day: date) -> None:
    """Record that `member` left the body on `day`: once, not before they joined, not after today."""
    _check_staff(user)
    # Read under lock: two agents (or two tabs) recording the same departure write it once.
    current = CommitteeMember.objects.select_for_update().get(pk=member.pk)
    if current.left_on is not None:
        raise InvalidTransition(
            f"{current.name} a déjà quitté l'instance le {current.left_on:%d/%m/%Y} : "
            "ce départ n'est pas enregistré une seconde fois."
        )
    if day < current.joined_on:
        raise InvalidTransition(
            f"La date de départ précède l'arrivée du membre (le {current.joined_on:%d/%m/%Y})."
        )
    if day > timezone.localdate():
        raise InvalidTransition("La date de départ ne peut pas être postérieure à aujourd'hui.")
    CommitteeMember.objects.filter(pk=member.pk).update(left_on=day)
    member.left_on = day


@transaction.atomic
def record_text_opinion(
    session: CommitteeSession,
    user,
    document: str,
    title: str,
    value: str,
    version: str = "",
    comment: str = "",
) -> TextOpinion:
    _check_staff(user)
    if document not in TextOpinion.Document.values or value not in TextOpinion.Value.values:
        raise InvalidTransition("Choisissez un texte et un avis dans les listes.")
    return TextOpinion.objects.create(
        session=session,
        document=document,
        version=version.strip(),
        title=title.strip(),
        value=value,
        given_on=session.held_on,
        comment=comment.strip(),
        recorded_by=user,
    )


# --- network tiers (Midi-Pyrénées' Cité des métiers) ------------------------------------------------


def tiers(region_code: str) -> dict | None:
    """The network and tiers of the Région's profile ({network, tiers: [...]}), or None."""
    return profile(region_code).get("cite_des_metiers")


def tier_spec(region_code: str, code: str) -> dict | None:
    data = tiers(region_code)
    return next((t for t in data["tiers"] if t["code"] == code), None) if data else None


@transaction.atomic
def assign_tier(site, region_code: str, tier: str, user) -> NetworkTier:
    """Put `site` in tier `tier` of the Région's network; refused in French when the site is not of that
    network, has no commune, or the tier is full (one site central; two centres associés per département)."""
    _check_staff(user)
    data = tiers(region_code)
    found = tier_spec(region_code, tier)
    if found is None:
        raise InvalidTransition("Choisissez un niveau du réseau.")
    network = site.structure.network
    if network is None or network.code != data["network"]:
        raise InvalidTransition("Ce lieu n'est pas une structure du réseau des Cités des métiers.")
    if site.commune is None:
        raise InvalidTransition("Ce lieu n'a pas de commune : son département est inconnu.")
    departement = site.commune.departement_id
    # Lock the tier's rows so that two agents cannot both fill its last place.
    others = list(
        NetworkTier.objects.select_for_update()
        .filter(region_code=region_code, tier=tier)
        .exclude(site=site)
        .select_related("site")
    )
    if found.get("max_in_region") and len(others) >= found["max_in_region"]:
        raise InvalidTransition(
            f"Le réseau compte déjà {len(others)} « {found['label']} » "
            f"({', '.join(sorted(o.site.name for o in others))}) : pas plus de {found['max_in_region']}."
        )
    same_dep = [o for o in others if o.departement == departement]
    limit = found.get("max_per_departement")
    if limit and len(same_dep) >= limit:
        raise InvalidTransition(
            f"Le département {departement} compte déjà {len(same_dep)} « {found['label']} » "
            f"({', '.join(sorted(o.site.name for o in same_dep))}) : pas plus de {limit} par département."
        )
    placed, _ = NetworkTier.objects.update_or_create(
        site=site,
        defaults={"region_code": region_code, "tier": tier, "departement": departement, "assigned_by": user},
    )
    return placed


@transaction.atomic
def remove_tier(site, user) -> None:
    _check_staff(user)
    NetworkTier.objects.filter(site=site).delete()


def site_tier(site) -> dict | None:
    """What a site's public page shows of its tier: the label, its minimum offer and its guarantor."""
    placed = NetworkTier.objects.filter(site=site).first()
    if placed is None:
        return None
    found = tier_spec(placed.region_code, placed.tier)
    if found is None:
        return None
    guarantor = None
    if not found.get("guarantor"):
        central = next((t["code"] for t in tiers(placed.region_code)["tiers"] if t.get("guarantor")), None)
        head = (
            NetworkTier.objects.filter(region_code=placed.region_code, tier=central)
            .select_related("site")
            .first()
        )
        guarantor = head.site if head else None
    return {
        "label": found["label"],
        "offer": found["offer"],
        "guarantor": guarantor,
        "is_guarantor": bool(found.get("guarantor")),
    }
