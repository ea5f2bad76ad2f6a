"""Labelling for tests: an applying structure with its administrator, Région staff, dossiers filled as
each shipped policy asks, committee sessions, and documents whose content is what their name says."""

import io
import zipfile
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from spro.directory.models import Membership
from spro.labels import workflow
from spro.labels.models import Application, Committee, CommitteeSession, LabelPolicy
from tests.accounts import factories as accounts
from tests.directory import factories as directory

# A commune of each seed Région, for the structure's site (its département pre-fills the territory).
COMMUNE_OF = {"76": "31555", "84": "69123", "24": "45234", "52": "44109"}

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf_file(name: str = "piece.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def docx_file(name: str = "piece.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def applicant(region_code: str, name: str = "Maison de l'orientation", network: str = "information-jeunesse"):
    """(structure, its administrator): a structure with one site in the Région."""
    site = directory.site(
        name=f"{name} — accueil", network_code=network, commune_code=COMMUNE_OF[region_code]
    )
    structure = site.structure
    structure.name = name
    structure.save()
    email = f"admin-{structure.pk}@structure.test"
    admin = accounts.member(structure, email, role=Membership.Role.ADMIN)
    return structure, admin


def instructor(email: str = "instructeur@region.test"):
    return accounts.region_instructor(email)


def answer_for(question: dict, policy):
    kind = question["type"]
    if kind == "integer":
        return 120
    if kind == "boolean":
        return True
    if kind == "kind":
        return next(iter(policy.kinds))
    if kind == "departements":
        return None  # pre-filled from the structure's sites
    if kind == "table":
        return [["Action", "Partenaire"]]
    return f"Réponse à « {question['label']} »"


def fill(application: Application, user, skip=(), **answers) -> Application:
    """Answer every question of the dossier (but `skip`) and join every required attachment."""
    policy = application.policy.policy
    values = {}
    for question in policy.questions(application.volets):
        code = question["code"]
        if code in skip:
            continue
        value = answers.get(code, answer_for(question, policy))
        if value is not None:
            values[code] = value
    workflow.save_answers(application, values, user)
    for item in policy.attachments(application.volets):
        if item["code"] not in skip:
            workflow.attach(application, item["code"], pdf_file(f"{item['code']}.pdf"), user)
    application.refresh_from_db()
    return application


def draft(region_code: str, volets=("spro",), name: str = "Maison de l'orientation", **answers):
    structure, admin = applicant(region_code, name)
    application = workflow.start_application(structure, list(volets), admin, region_code=region_code)
    return fill(application, admin, **answers), admin


def session(region_code: str, committee_code: str | None = None, held_on: date | None = None):
    policy = LabelPolicy.objects.in_force(region_code).policy
    spec = next(c for c in policy.committees if committee_code in (None, c["code"]))
    committee, _ = Committee.objects.get_or_create(
        region_code=region_code, code=spec["code"], defaults={"name": spec["name"]}
    )
    return CommitteeSession.objects.create(
        committee=committee, held_on=held_on or date.today(), members_present="Région, État, réseaux"
    )


def grant(application: Application, agent, day: date | None = None, held_on: date | None = None):
    """Walk a submitted dossier through instruction, a favourable opinion and a granting decision."""
    workflow.start_instruction(application, agent)
    workflow.give_opinion(application, session(application.region_code, held_on=held_on), "favorable", agent)
    return workflow.decide(application, "accorde", agent, day=day)
