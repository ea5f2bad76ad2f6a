"""A season of fictitious events for the demo structures (idempotent, bulk inserts), so that the agenda
is full after `make run`: forums, ateliers, job datings, portes ouvertes, webinaires, some taking
registrations on spro, some for professionals only; over the next four months."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from spro.directory.models import Site
from spro.events import rules
from spro.events.models import PARIS, Audience, Event, EventChange, Registration, State

PER_STRUCTURE = 3
MAX_EVENTS = 3000  # keeps load-demo within seconds, even for a national demo directory
SEASON_DAYS = 120
TITLES = {
    "forum": ["Forum des métiers", "Salon de l'orientation", "Forum de l'apprentissage"],
    "atelier": ["Atelier CV et lettre de motivation", "Atelier « Préparer son entretien »",
                "Atelier découverte des métiers"],
    "information": ["Réunion d'information sur la VAE", "Réunion d'information Parcoursup",
                    "Se reconvertir : réunion d'information"],
    "portes-ouvertes": ["Portes ouvertes", "Journée portes ouvertes"],
    "job-dating": ["Job dating de l'alternance", "Job dating des métiers qui recrutent"],
    "visite-entreprise": ["Visite d'entreprise : industrie", "Visite d'une exploitation agricole"],
    "webinaire": ["Webinaire : financer sa formation", "Webinaire : les métiers du numérique"],
}  # fmt: skip
THEMES = {
    "forum": ["decouvrir-metiers", "trouver-formation"],
    "atelier": ["trouver-emploi"],
    "information": ["vae", "orientation-etudes", "reconversion"],
    "portes-ouvertes": ["trouver-formation", "apprentissage"],
    "job-dating": ["trouver-emploi", "apprentissage"],
    "visite-entreprise": ["decouvrir-metiers"],
    "webinaire": ["trouver-formation", "reconversion"],
}
DOMAINS = ["A", "D11", "F", "H", "J", "K", "M18", "N"]
PRO_TITLES = ["Rencontre du réseau SPRO du bassin", "Professionnalisation : l'aiguillage en pratique"]


def _event(rng, site, today) -> Event:
    day = today + timedelta(days=rng.randrange(2, SEASON_DAYS))
    hour = rng.choice([9, 10, 14])
    start = datetime.combine(day, time(hour), tzinfo=PARIS)
    pro_only = rng.random() < 0.12
    kind = "professionnels" if pro_only else rng.choice(list(TITLES))
    title = rng.choice(PRO_TITLES) if pro_only else rng.choice(TITLES[kind])
    online = kind == "webinaire"
    registration = rng.choices(
        [Registration.FREE, Registration.SPRO, Registration.EXTERNAL], weights=[55, 35, 10]
    )[0]
    publics = [] if pro_only else rng.sample(list(rules.PUBLICS), rng.randrange(0, 3))
    themes = [] if pro_only else THEMES[kind]
    domains = (
        rng.sample(DOMAINS, rng.randrange(0, 3))
        if kind in ("forum", "job-dating", "visite-entreprise")
        else []
    )
    event = Event(
        structure_id=site.structure_id,
        title=title,
        kind=kind,
        description="Événement fictif créé pour la démonstration du portail : il n'aura pas lieu.",
        start=start,
        end=start + timedelta(hours=rng.choice([2, 3, 4])),
        site=None if online else site,
        address="" if online else site.address,
        commune_id=None if online else site.commune_id,
        latitude=None if online else site.latitude,
        longitude=None if online else site.longitude,
        online_url="https://visio.example.org/demo" if online else "",
        publics=publics,
        themes=themes,
        rome_domains=domains,
        accessibility=["fauteuil"] if rng.random() < 0.6 else [],
        registration=registration,
        registration_url="https://inscription.example.org/demo"
        if registration == Registration.EXTERNAL
        else "",
        capacity=rng.choice([20, 30, 50]) if registration == Registration.SPRO else None,
        audience=Audience.PROFESSIONALS if pro_only else Audience.PUBLIC,
        state=State.PUBLISHED,
    )
    event.denormalise()
    return event


@transaction.atomic
def generate(seed: int = 20, today=None) -> int:
    """Events for each demo structure that has none; returns how many were added."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    done = set(
        Event.objects.filter(structure__is_demo=True).values_list("structure_id", flat=True).distinct()
    )
    # Each structure's first active site, as rows (a prefetch would be too deep for SQLite nationally).
    sites = {}
    for site in (
        Site.objects.filter(structure__is_demo=True, is_active=True, latitude__isnull=False)
        .exclude(structure_id__in=done)
        .only("pk", "structure_id", "address", "commune_id", "latitude", "longitude")
        .order_by("structure_id", "pk")
        .iterator(chunk_size=2000)
    ):
        sites.setdefault(site.structure_id, site)
    events = []
    for site in sites.values():
        if len(events) >= MAX_EVENTS:
            break
        events.extend(_event(rng, site, today) for _ in range(PER_STRUCTURE))
    created = Event.objects.bulk_create(events, batch_size=500)
    EventChange.objects.bulk_create(
        [
            EventChange(event=event, action="creation", detail={"state": State.PUBLISHED, "demo": True})
            for event in created
        ],
        batch_size=500,
    )
    return len(created)
