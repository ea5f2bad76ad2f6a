"""Demonstration of labelling, on the demo directory of the Région (`SPRO_REGION`): members of each
status, applications at every stage of the workflow, a committee session with its opinions, granted
labels with their attestation, and a charter version with a few adhesions. Idempotent."""

from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from spro.directory.models import Membership, Structure
from spro.labels import committees, workflow
from spro.labels.models import Application, Charter, Committee, CommitteeSession, LabelPolicy
from spro.labels.policy import PolicyError
from spro.labels.status import refresh_status, set_region_status

APPLICANT_EMAIL = "labellisation@structure.demo"
INSTRUCTOR_EMAIL = "instructeur@region.demo"  # the same account as setup-demo's
# The networks whose structures apply for the label in the demo (not members by law).
APPLYING_NETWORKS = ("information-jeunesse", "cite-des-metiers", "maison-emploi", "e2c", "epide", "cidff")
# Stages shown, in the order the applying structures take them.
STAGES = ("brouillon", "depose", "en-instruction", "complement-demande", "complete", "avis-rendu",
          "accorde", "refuse", "ajourne", "accorde-metiers")  # fmt: skip
DEMO_PDF = b"%PDF-1.4\n% document de demonstration\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class DemoResult:
    already_loaded: bool = False
    skipped: str = ""
    stages: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)  # sessions per regional body
    tiers: dict = field(default_factory=dict)  # Cité des métiers sites per tier


def _user(email, first, last, **fields):
    password = import_module("spro.core.management.commands.setup-demo").DEMO_PASSWORD
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, **fields}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _answer(question, policy):
    kind = question["type"]
    if kind == "integer":
        return 250
    if kind == "boolean":
        return True
    if kind == "kind":
        return "association" if "association" in policy.kinds else next(iter(policy.kinds))
    if kind == "departements":
        return None  # pre-filled from the sites
    if kind == "table":
        return [["Forum des métiers", "Lycées du bassin", "120", "Élèves et familles"]]
    return f"Exemple de réponse (démonstration) : {question['label'].lower()}."


def _fill(application, user):
    policy = application.policy.policy
    answers = {}
    for question in policy.questions(application.volets):
        value = _answer(question, policy)
        if value is not None:
            answers[question["code"]] = value
    workflow.save_answers(application, answers, user)
    for item in policy.attachments(application.volets):
        workflow.attach(application, item["code"], ContentFile(DEMO_PDF, name=f"{item['code']}.pdf"), user)
    application.refresh_from_db()


def _submission_day(region_code, policy, today):
    """Today, or for a Région with campaigns the opening day of the last campaign whose members have
    entered the SPRO already (so that the demo shows labels in force)."""
    from spro.labels.models import Campaign

    if not policy.uses_campaigns:
        return today
    Campaign.objects.ensure(region_code, policy, today - timedelta(days=366))
    Campaign.objects.ensure(region_code, policy, today)
    last = Campaign.objects.filter(region_code=region_code, entry_on__lte=today).order_by("-entry_on").first()
    return last.opens_on


@transaction.atomic
def load(region_code: str | None = None) -> DemoResult:
    region_code = region_code or settings.SPRO_REGION
    result = DemoResult()
    if Application.objects.filter(structure__is_demo=True).exists():
        result.already_loaded = True
        return result
    try:
        policy_row = LabelPolicy.objects.in_force(region_code)
    except PolicyError:
        result.skipped = f"aucune politique de labellisation pour la Région {region_code}"
        return result
    policy = policy_row.policy
    demo = Structure.objects.filter(is_demo=True, is_active=True).select_related("network")
    if not demo.exists():
        result.skipped = "pas d'annuaire de démonstration"
        return result
    today = timezone.localdate()
    instructor = _user(INSTRUCTOR_EMAIL, "Inès", "Instructrice", region_role="instructeur")
    applicant = _user(APPLICANT_EMAIL, "Dominique", "Candidate")
    for structure in demo.iterator(chunk_size=500):  # bulk-created: their status by network
        refresh_status(structure, reason="Réseau de la structure (démonstration)")

    candidates = list(demo.filter(network__code__in=APPLYING_NETWORKS).order_by("network__code", "pk"))
    if len(candidates) < len(STAGES) + 2:
        result.skipped = "pas assez de structures de démonstration candidates"
        return result
    set_region_status(candidates.pop(), "reconnu", instructor, "Reconnu par délibération (démonstration)")
    set_region_status(candidates.pop(), "partenaire-local", instructor, "Partenaire local (démonstration)")

    committee_spec = policy.committees[0]
    committee, _ = Committee.objects.get_or_create(
        region_code=region_code, code=committee_spec["code"], defaults={"name": committee_spec["name"]}
    )
    session = CommitteeSession.objects.create(
        committee=committee,
        held_on=today,
        place="Hôtel de Région",
        members_present="Région (présidence), État, réseaux du SPRO, CARIF-OREF",
        minutes="Examen des dossiers de labellisation de la campagne (démonstration).",
        created_by=instructor,
    )
    day = _submission_day(region_code, policy, today)
    volet_codes = list(policy.volets)
    for stage, structure in zip(STAGES, candidates, strict=False):
        Membership.objects.get_or_create(
            user=applicant, structure=structure, defaults={"role": Membership.Role.ADMIN}
        )
        volets = [volet_codes[-1]] if stage == "accorde-metiers" else volet_codes[:1]
        application = workflow.start_application(structure, volets, applicant, region_code=region_code)
        _fill(application, applicant)
        result.stages[stage] = structure.name
        if stage == "brouillon":
            continue
        workflow.submit(application, applicant, day=day)
        if stage == "depose":
            continue
        workflow.start_instruction(application, instructor)
        for criterion in policy.criteria(application.volets):
            workflow.record_check(application, instructor, criterion["code"], True, "Vérifié sur pièces.")
        if stage == "en-instruction":
            continue
        question = policy.questions(application.volets)[-1]
        workflow.request_complement(
            application, instructor, "Merci de préciser votre réponse (démonstration).", [question["code"]]
        )
        if stage == "complement-demande":
            continue
        workflow.save_answers(application, {question["code"]: _answer(question, policy)}, applicant)
        application.refresh_from_db()
        workflow.complete(application, applicant, comment="Précision apportée.")
        if stage == "complete":  # on the session's agenda, awaiting its opinion
            committees.add_to_agenda(session, application, instructor)
            continue
        opinion = {"refuse": "defavorable", "ajourne": "ajournement"}.get(stage, "favorable")
        workflow.give_opinion(application, session, opinion, instructor, "Avis motivé (démonstration).")
        if stage == "avis-rendu":
            continue
        outcome = {"refuse": "refuse", "ajourne": "ajourne"}.get(stage, "accorde")
        workflow.decide(application, outcome, instructor, reasoning="Décision motivée (démonstration).")

    charter, _ = Charter.objects.get_or_create(
        region_code=region_code,
        version=1,
        defaults={"title": f"Charte — {policy.name}", "adopted_on": today - timedelta(days=365)},
    )
    for structure in Structure.objects.filter(labels__isnull=False, is_demo=True).distinct():
        workflow.adhere(charter, structure, applicant, "Dominique Candidate", "Directrice", today)
    _bodies(region_code, instructor, today, charter, result)
    for row in structure_statuses():
        result.statuses[row[0] or "aucun"] = row[1]
    return result


# A year of sessions per body, as months before today (the label committee's session of today apart).
DEMO_MONTHS_AGO = {"gt-orientation": (2, 4, 6, 8, 10), "copil-spro": (11,), "commission-omspp": (3, 9)}
DEMO_MEMBERS = [
    ("Claire Martin", "Vice-présidente chargée de l'orientation", "Région"),
    ("Karim Benali", "Délégué régional", "État — DRAJES"),
    ("Sophie Laurent", "Directrice", "CARIF-OREF"),
]
LATE_DEPARTEMENT = "46"  # the demo's département with no comité de suivi ahead of the COPIL


def _bodies(region_code, instructor, today, charter, result) -> None:
    """Every regional body of the profile with a year of sessions and its members; the past COPIL gives
    its avis on the charter; in Occitanie one département has no comité de suivi ahead of the COPIL,
    and the Cité des métiers sites get their tier."""
    from spro.labels import bodies
    from spro.labels.models import TextOpinion
    from spro.labels.validity import add_months

    for spec in bodies.body_specs(region_code):
        committee = bodies.body(region_code, spec["code"])
        if spec["departement"]:
            months = (14,) if spec["departement"] == LATE_DEPARTEMENT else (3 + len(result.bodies) % 6,)
        else:
            months = DEMO_MONTHS_AGO.get(spec["code"], (10,) if spec["every_months"] else ())
            for name, function, institution in DEMO_MEMBERS:
                bodies.add_member(
                    committee, instructor, name, function, institution, joined_on=add_months(today, -24)
                )
        for ago in months:
            session = CommitteeSession.objects.create(
                committee=committee,
                held_on=add_months(today, -ago),
                place="Hôtel de Région" if not spec["departement"] else "Préfecture",
                members_present="\n".join(m[0] for m in DEMO_MEMBERS),
                minutes="Relevé de décisions de la séance (démonstration).",
                created_by=instructor,
            )
            result.bodies[spec["code"]] = result.bodies.get(spec["code"], 0) + 1
        if spec["code"] == "copil-spro" and months:
            bodies.record_text_opinion(
                session, instructor, TextOpinion.Document.CHARTER, charter.title, "favorable", version="v1"
            )
            bodies.record_text_opinion(
                session,
                instructor,
                TextOpinion.Document.LABEL_POLICY,
                "Politique de labellisation",
                "favorable-reserves",
                version="v1",
                comment="Préciser le calendrier des bilans annuels (démonstration).",
            )
    data = bodies.tiers(region_code)
    if data is None:
        return
    from spro.directory.models import Site
    from spro.labels.states import InvalidTransition

    sites = Site.objects.filter(
        structure__is_demo=True,
        is_active=True,
        structure__network__code=data["network"],
        commune__region_id=region_code,
    ).select_related("commune", "structure__network")
    sites = sorted(sites, key=lambda s: (s.commune.code != "31555", s.commune.departement_id, s.pk))
    placed_departements = set()
    for index, site in enumerate(sites):
        departement = site.commune.departement_id
        tier = "site-central" if index == 0 else "point-relais"
        if index and departement not in placed_departements:
            tier = "centre-associe"
        try:
            bodies.assign_tier(site, region_code, tier, instructor)
        except InvalidTransition:
            continue
        placed_departements.add(departement)
        result.tiers[tier] = result.tiers.get(tier, 0) + 1


def structure_statuses():
    from django.db.models import Count

    from spro.labels.models import SproStatus

    return list(
        SproStatus.objects.filter(structure__is_demo=True)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    )
