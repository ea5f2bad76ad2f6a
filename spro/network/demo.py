"""The network's life on the demo directory (idempotent, run by load-demo): fictitious professionals of
demo structures who consented to be known (each showing a different set of fields), a référent SPRO per
structure concerned, and a professionalisation plan — sessions past and to come, offered by the Région,
the Carif-Oref and a network, with registrations, a full session with its waiting list, and attendance
with attestations for a past session. Written directly (no e-mail leaves for fictitious people)."""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from spro.directory.models import Membership, Structure
from spro.events.models import PARIS
from spro.network.attestation import new_reference
from spro.network.codes import Axis, Language, ProfileField, RegistrationState
from spro.network.models import (
    CONSENT_TEXT,
    NetworkLog,
    NewsItem,
    ProfessionalProfile,
    SproReferent,
    Training,
    TrainingRegistration,
)

DOMAIN = "reseau.demo"  # fictitious addresses: `.demo` is no real top-level domain
MAX_STRUCTURES = 40
FIRST_NAMES = ["Léa", "Hugo", "Chloé", "Nabil", "Inès", "Thomas", "Manon", "Karim", "Julie", "Yanis",
               "Sarah", "Lucas", "Emma", "Mehdi", "Zoé", "Paul"]  # fmt: skip
LAST_NAMES = ["Garcia", "Martin", "Bernard", "Roux", "Fabre", "Moreau", "Lopez", "Girard", "Mercier",
              "Blanc", "Faure", "Andrieu", "Castel", "Vidal", "Puech", "Soulié"]  # fmt: skip
FUNCTIONS = [
    "Conseillère en évolution professionnelle",
    "Chargé d'accueil",
    "Psychologue de l'Éducation nationale",
    "Conseiller en insertion professionnelle",
    "Documentaliste",
    "Référente VAE",
]
SHOWN_SETS = [
    [f.value for f in ProfileField],
    [ProfileField.FUNCTION, ProfileField.SPECIALITIES, ProfileField.EMAIL],
    [ProfileField.FUNCTION, ProfileField.TERRITORIES, ProfileField.PHONE, ProfileField.LANGUAGES],
    [ProfileField.SPECIALITIES, ProfileField.SITES],
]
SESSIONS = [
    # (title, days from today, hours, capacity, axis, label obligation, organiser kind)
    ("L'aiguillage en pratique : la bonne deuxième porte", 12, 6, 12, Axis.AIGUILLAGE, True, "region"),
    ("Accueillir les publics en situation de handicap", 20, 3, 3, Axis.PUBLICS, True, "region"),
    ("Les métiers qui recrutent sur le territoire", 34, 3, 20, Axis.INFORMATION_METIERS, False, "carif"),
    ("Le conseil en évolution professionnelle pour les actifs", 48, 6, 15, Axis.CEP, False, "reseau"),
    ("Premier accueil : écouter, informer, orienter", 62, 6, 16, Axis.PREMIER_ACCUEIL, True, "region"),
    ("Les outils du SPRO : annuaire, orientations, accueils", 75, 2, 40, Axis.OUTILS, False, "region"),
    ("Le décrochage scolaire et l'obligation de formation", -40, 6, 12, Axis.PUBLICS, True, "region"),
    ("Rencontre des référents SPRO", -15, 3, 30, Axis.AIGUILLAGE, False, "region"),
]  # fmt: skip


def generate() -> int:
    """Create the network's demo once; returns how many professionals were added (0 if already there)."""
    User = get_user_model()
    library()
    if User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
        return 0
    structures = list(
        Structure.objects.filter(is_demo=True, is_active=True, sites__isnull=False)
        .select_related("network")
        .prefetch_related("sites__commune")
        .distinct()
        .order_by("pk")[:MAX_STRUCTURES]
    )
    if not structures:
        return 0
    rng = random.Random(16)
    now = timezone.now()
    people = []
    with transaction.atomic():
        for index, structure in enumerate(structures):
            sites = [site for site in structure.sites.all() if site.is_active]
            for n in range(2):
                first = FIRST_NAMES[(index * 2 + n) % len(FIRST_NAMES)]
                last = LAST_NAMES[(index * 3 + n) % len(LAST_NAMES)]
                user = User.objects.create_user(
                    f"{first.lower()}.{last.lower()}.{structure.pk}-{n}@{DOMAIN}".replace("é", "e")
                    .replace("è", "e")
                    .replace("ï", "i"),
                    None,
                    first_name=first,
                    last_name=last,
                )
                Membership.objects.create(user=user, structure=structure, role=Membership.Role.ADVISER)
                people.append((user, structure))
                profile = _profile(rng, user, structure, sites, now, shown=SHOWN_SETS[(index + n) % 4])
                if n == 0:
                    SproReferent.objects.create(
                        structure=structure, user=user, email=profile.email, phone=profile.phone
                    )
        _demo_accounts(rng, now)
        _sessions(rng, people, structures, now)
        _news(now)
    return len(people)


def _profile(rng, user, structure, sites, now, shown) -> ProfessionalProfile:
    network = structure.network
    phone = next((site.phone for site in sites if site.phone), "")
    departements = sorted({site.commune.departement_id for site in sites if site.commune_id})
    profile = ProfessionalProfile.objects.create(
        user=user,
        consented_at=now,
        consent_text=CONSENT_TEXT,
        shown=[str(field) for field in shown],
        function=rng.choice(FUNCTIONS),
        territories=departements[:2],
        needs=sorted(rng.sample(network.needs, min(len(network.needs), 3))) if network.needs else [],
        publics=sorted(rng.sample(network.publics, min(len(network.publics), 2))) if network.publics else [],
        languages=["fr", *rng.sample([c for c in Language.values if c != "fr"], rng.randrange(0, 3))],
        phone=phone,
        email=user.email,
    )
    if sites:
        profile.sites.set(sites[:2])
    profile.reindex()
    NetworkLog.objects.create(subject="profil", object_id=profile.pk, action="accord", by=user)
    return profile


def _demo_accounts(rng, now) -> None:
    """The demo adviser (conseiller@structure.demo) is listed and référent; the administrator is not, so
    the demo shows both states."""
    User = get_user_model()
    adviser = User.objects.filter(email="conseiller@structure.demo").first()
    if adviser is None:
        return
    structures = list(adviser.structures().order_by("pk"))
    if not structures or ProfessionalProfile.objects.filter(user=adviser).exists():
        return
    sites = [site for structure in structures for site in structure.sites.filter(is_active=True)]
    profile = _profile(rng, adviser, structures[0], sites, now, shown=SHOWN_SETS[0])
    for structure in structures:
        SproReferent.objects.get_or_create(
            structure=structure, defaults={"user": adviser, "email": profile.email, "phone": profile.phone}
        )


def _sessions(rng, people, structures, now) -> None:
    today = timezone.localdate()
    network_structure = structures[0]
    demo_admin = get_user_model().objects.filter(email="structure@structure.demo").first()
    for title, days, hours, capacity, axis, obligation, kind in SESSIONS:
        start = datetime.combine(today + timedelta(days=days), time(9), tzinfo=PARIS)
        online = axis == Axis.OUTILS
        training = Training.objects.create(
            title=title,
            objectives="Partager les pratiques entre réseaux du SPRO et connaître les interlocuteurs du "
            "territoire. Session fictive de démonstration.",
            organiser=network_structure if kind == "reseau" else None,
            organiser_name="Carif-Oref (fictif)" if kind == "carif" else "",
            start=start,
            end=start + timedelta(hours=hours),
            mode="distanciel" if online else "presentiel",
            place="" if online else "Salle de réunion de la Région (adresse fictive)",
            online_url="https://visio.region.demo/spro" if online else "",
            capacity=capacity,
            audience="Professionnels des structures du SPRO",
            axis=axis,
            label_obligation=obligation,
            created_at=now,
        )
        count = min(
            len(people), capacity + (2 if capacity <= 3 else -rng.randrange(1, max(capacity // 2, 2)))
        )
        for position, (user, structure) in enumerate(rng.sample(people, max(count, 0))):
            waiting = position >= capacity
            past = days < 0
            TrainingRegistration.objects.create(
                training=training,
                user=user,
                structure=structure,
                state=RegistrationState.WAITING if waiting else RegistrationState.REGISTERED,
                registered_by=user,
                created_at=now - timedelta(days=30),
                waiting_since=now - timedelta(days=30, seconds=-position) if waiting else None,
                attended=(position % 5 != 4) if past else None,
                attendance_recorded_at=start + timedelta(hours=hours) if past else None,
                attestation_reference=new_reference(start.year) if past and position % 5 != 4 else None,
            )
        if demo_admin and days < 0:
            for structure in demo_admin.structures().order_by("pk")[:1]:
                TrainingRegistration.objects.get_or_create(
                    training=training,
                    user=demo_admin,
                    defaults={
                        "structure": structure,
                        "state": RegistrationState.REGISTERED,
                        "registered_by": demo_admin,
                        "attended": True,
                        "attendance_recorded_at": start + timedelta(hours=hours),
                        "attestation_reference": new_reference(start.year),
                    },
                )


def _news(now) -> None:
    NewsItem.objects.create(
        title="Séminaire annuel du réseau SPRO (fictif)",
        body="La Région réunit les référents SPRO de chaque structure pour son séminaire annuel : bilan de "
        "l'année, nouveaux outils de l'espace professionnel, travail en ateliers par bassin.",
        published_at=now - timedelta(days=3),
    )
    NewsItem.objects.create(
        title="Nouvelle session du plan de professionnalisation",
        body="Une session « L'aiguillage en pratique » est ouverte aux inscriptions dans le catalogue des "
        "formations du réseau. Elle compte pour l'obligation de professionnalisation du label.",
        published_at=now - timedelta(days=10),
    )


# --- the resources library and a news item with its attachment (each added once) ----------------------

LIBRARY_MARK = "(démonstration)"
LIBRARY = [
    # (title, kind, visibility, publisher, départements, sector, domain, publics, "pdf" or a link)
    ("Guide des métiers qui recrutent", "guide", "public", "region", [], "", "",
     ["tous-publics", "familles"], "pdf"),
    ("Fiche secteur : l'hôtellerie et la restauration", "fiche-secteur", "public", "region", ["31"],
     "G", "G16", ["eleves", "jeunes-16-25"], "pdf"),
    ("Onisep : toutes les formations et les métiers", "guide", "public", "region", [], "", "",
     ["eleves", "etudiants", "familles"], "https://www.onisep.fr/"),
    ("Étude : les parcours d'orientation des jeunes", "etude", "membres", "region", [], "", "",
     ["jeunes-16-25"], "pdf"),
    ("Support d'atelier : découvrir les métiers du numérique", "support", "membres", "structure", [],
     "M", "M18", ["eleves"], "pdf"),
    ("Fiche secteur : les métiers du soin", "fiche-secteur", "public", "structure", [], "J", "J15",
     ["demandeurs-emploi", "salaries"], "pdf"),
]  # fmt: skip


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small fictitious PDF (reportlab)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(56, 780, title[:70])
    page.setFont("Helvetica", 11)
    y = 750
    for line in ["Document fictif de démonstration de spro.", *lines]:
        page.drawString(56, y, line[:95])
        y -= 18
    page.save()
    return buffer.getvalue()


def _demo_structure():
    membership = (
        Membership.objects.filter(user__email="structure@structure.demo", structure__is_active=True)
        .select_related("structure")
        .order_by("structure_id")
        .first()
    )
    if membership:
        return membership.structure
    return Structure.objects.filter(is_demo=True, is_active=True).order_by("pk").first()


def library(now=None) -> int:
    """Public and members-only resources (generated PDFs, an official site's link), one waiting for the
    Région's validation, and a news item with an attachment; returns how many resources were added."""
    import hashlib

    from django.core.files.base import ContentFile

    from spro.network.codes import ResourceState
    from spro.network.models import NewsAttachment, Resource

    if Resource.objects.filter(title__endswith=LIBRARY_MARK).exists():
        return 0
    structure = _demo_structure()
    if structure is None:
        return 0
    now = now or timezone.now()
    added = 0
    with transaction.atomic():
        for index, (
            title,
            kind,
            visibility,
            publisher,
            departements,
            sector,
            domain,
            publics,
            source,
        ) in enumerate(LIBRARY):
            full_title = f"{title} {LIBRARY_MARK}"
            resource = Resource(
                title=full_title,
                summary=f"{title} : une ressource fictive de la bibliothèque de démonstration.",
                kind=kind,
                visibility=visibility,
                structure=structure if publisher == "structure" else None,
                departements=departements,
                sector=sector,
                domain=domain,
                publics=publics,
                # The last resource of a structure waits for the Région's validation.
                state=ResourceState.PENDING if index == len(LIBRARY) - 1 else ResourceState.PUBLISHED,
                published_at=None if index == len(LIBRARY) - 1 else now - timedelta(days=index * 5),
                created_at=now - timedelta(days=index * 5),
            )
            if source == "pdf":
                content = demo_pdf(title, [resource.summary])
                resource.file_kind, resource.size = "pdf", len(content)
                resource.sha256 = hashlib.sha256(content).hexdigest()
                resource.original_name = f"ressource-{index + 1}.pdf"
                resource.file.save(resource.original_name, ContentFile(content), save=False)
            else:
                resource.link = source
            resource.save()
            NetworkLog.objects.create(
                subject="ressource", object_id=resource.pk, action="publication", to_state=resource.state
            )
            added += 1
        item = NewsItem.objects.create(
            title=f"Compte rendu du COPIL SPRO {LIBRARY_MARK}",
            body="Le compte rendu du dernier comité de pilotage du SPRO est joint : décisions, "
            "calendrier des labellisations et prochaines rencontres du réseau.",
            published_at=now - timedelta(days=1),
        )
        content = demo_pdf("Compte rendu du COPIL SPRO", ["Décisions et calendrier (fictifs)."])
        attachment = NewsAttachment(
            news=item,
            original_name="compte-rendu-copil.pdf",
            kind="pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        attachment.file.save(attachment.original_name, ContentFile(content), save=False)
        attachment.save()
    return added
