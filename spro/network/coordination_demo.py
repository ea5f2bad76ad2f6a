"""Local coordination on the demo directory (idempotent, run by `spro demo-reseau`): a territory per
département of the demo structures (the départemental grid: the demo has no bassins de vie), each with
its committee, its members, a convention signed fourteen months ago and tacitly renewed once, a
coordinator designated at its anniversary, a year of quarterly meetings, and, in the committee of the
demo administrator's structures, this year's designation open to the vote. Written directly: no e-mail
leaves for fictitious people."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from spro.directory.models import Structure
from spro.network import coordination
from spro.network.models import (
    Convention,
    CoordinationPolicy,
    CoordinationTerritory,
    Designation,
    Vote,
)

MAX_TERRITORIES = 3
MAX_MEMBERS = 6
DEMO_ADMIN = "structure@structure.demo"
AGENDAS = [
    "1. Programme de l'année\n2. Calendrier des forums des métiers",
    "1. Bilan du premier accueil partagé\n2. Présentation des nouveaux lieux d'accueil",
    "1. Préparation de la semaine de l'orientation\n2. Échanges de pratiques sur l'aiguillage",
    "1. Bilan d'activité de l'année\n2. Désignation du coordinateur local",
]


def add_years(day, years: int):
    return coordination.add_months(day, 12 * years)


def generate() -> int:
    """Create the demo's committees once; returns how many were added (0 if already there)."""
    region = settings.SPRO_REGION
    if CoordinationTerritory.objects.filter(region_code=region, code__startswith="demo-").exists():
        return 0
    structures = (
        Structure.objects.filter(is_demo=True, is_active=True, sites__commune__region_id=region)
        .distinct()
        .order_by("pk")
    )
    by_departement: dict[str, list] = {}
    for structure in structures.prefetch_related("sites__commune__departement"):
        for site in structure.sites.all():
            if site.is_active and site.commune_id:
                by_departement.setdefault(site.commune.departement, [])
                if structure not in by_departement[site.commune.departement]:
                    by_departement[site.commune.departement].append(structure)
    admin = get_user_model().objects.filter(email=DEMO_ADMIN).first()
    administered = list(admin.administered_structures()) if admin else []
    # The demo administrator's département first: its committee holds the open designation.
    order = sorted(
        by_departement,
        key=lambda d: (
            not any(s in administered for s in by_departement[d]),
            -len(by_departement[d]),
            d.code,
        ),
    )
    today = timezone.localdate()
    added = 0
    with transaction.atomic():
        CoordinationPolicy.objects.get_or_create(region_code=region, defaults={"grid": "departement"})
        for index, departement in enumerate(order[:MAX_TERRITORIES]):
            territory = CoordinationTerritory.objects.create(
                region_code=region,
                code=f"demo-{departement.code}",
                name=departement.name,
                kind="departement",
                reference=departement.code,
            )
            local = coordination.create_committee(territory)
            # The first committee's convention was signed two years ago today: its designation opens
            # today, as `spro echeances-reseau` would open it; the others' fourteen months ago.
            signed = add_years(today, -2) if index == 0 else today - timedelta(days=426)
            members = [s for s in administered if s in by_departement[departement]]
            members += [s for s in by_departement[departement] if s not in members]
            members = members[:MAX_MEMBERS]
            for structure in members:
                coordination.add_member(local, structure, signed)
            convention = coordination.sign_convention(local, f"CCL-{departement.code}-DEMO", signed)
            coordination.renew_conventions(today, Convention.objects.filter(pk=convention.pk))
            anniversary = coordination.anniversary_in(convention, signed.year + 1)
            first = Designation.objects.create(
                local_committee=local,
                year=anniversary.year,
                opens_on=anniversary,
                closes_on=anniversary + timedelta(days=29),
            )
            for voter in members:
                Vote.objects.create(
                    designation=first, voter=voter, candidate=members[0], cast_at=timezone.now()
                )
            coordination.count(first, anniversary + timedelta(days=30), notify=False)
            for quarter, agenda in enumerate(AGENDAS):
                held_on = today - timedelta(days=330 - 90 * quarter)
                if held_on >= today:
                    break
                coordination.record_meeting(
                    local,
                    held_on,
                    agenda,
                    None,
                    place=f"Locaux de {members[quarter % len(members)].name} (adresse fictive)",
                    present=members[: max(2, len(members) - quarter % 2)],
                    minutes="Compte rendu fictif de démonstration : tour de table des structures.",
                    decisions="Décisions fictives de démonstration.",
                )
            if index == 0:
                Designation.objects.create(
                    local_committee=local,
                    year=today.year,
                    opens_on=today,
                    closes_on=today + timedelta(days=29),
                    outgoing=local.coordinator,
                )
            added += 1
    return added
