"""The applicant's side of labelling (espace pro): the structure's SPRO status, labels, dossiers,
charters to sign and annual reports; the dossier itself, one step per section of the Région's policy.

Views only read and call `spro.labels.workflow`, which checks who acts, writes and logs; a refusal is
its French message, shown on the form, and nothing is written.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from spro.core.guards import submitted_once
from spro.directory.models import Membership, Structure
from spro.events.models import PARIS, Event
from spro.events.models import State as EventState
from spro.events.rules import KINDS
from spro.labels import workflow
from spro.labels.models import (
    Adhesion,
    AnnualReport,
    Application,
    Attachment,
    Charter,
    Label,
    LabelPolicy,
    SproStatus,
)
from spro.labels.policy import PolicyError
from spro.labels.states import ApplicationState, InvalidTransition
from spro.labels.uploads import UploadRefused, check_upload
from spro.network import professionalisation
from spro.referrals.models import Referral
from spro.www.labellisation.forms import (
    AdhesionForm,
    AttachmentForm,
    CompleteForm,
    QuestionsForm,
    ReportForm,
    StartForm,
    SubmitForm,
    table_to_text,
)

A = ApplicationState
RECAP = "recapitulatif"
ATTACHMENTS = "pieces"


# --- access ------------------------------------------------------------------------------------------


def _can_read(user, structure) -> bool:
    return user.is_region_staff or Membership.objects.filter(user=user, structure=structure).exists()


def _structure_for(request, pk, act=False) -> Structure:
    """The structure if the user is one of its members or Région staff (404 otherwise); acting on its
    labelling is for its administrators (403)."""
    structure = get_object_or_404(Structure.objects.select_related("network"), pk=pk)
    if not _can_read(request.user, structure):
        raise Http404("Structure inconnue")
    if act and not request.user.is_structure_admin(structure):
        raise PermissionDenied
    return structure


def _application_for(request, pk, act=False) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("structure__network", "policy", "campaign"), pk=pk
    )
    _structure_for(request, application.structure_id, act)
    return application


def _can_act(request, structure) -> bool:
    return request.user.is_structure_admin(structure)


def refused_status(request) -> int:
    """A page drawn on a POST is a refused form (a success redirects): 422, as everywhere in spro."""
    return 422 if request.method == "POST" else 200


# --- the dossier's steps -----------------------------------------------------------------------------


@dataclass
class Step:
    code: str
    title: str
    url: str
    questions: list


def steps_of(application: Application) -> list[Step]:
    """One step per section of the policy that has questions for the volets asked, then the
    attachments, then the recap."""
    policy = application.policy.policy
    chosen = set(application.volets)
    steps = []
    for section in policy.document["dossier"]["sections"]:
        questions = [
            q for q in section.get("questions", []) if "volets" not in q or chosen & set(q["volets"])
        ]
        if questions:
            url = reverse("labellisation:step", args=[application.pk, section["code"]])
            steps.append(Step(section["code"], section["title"], url, questions))
    steps.append(
        Step(ATTACHMENTS, "Pièces jointes", reverse("labellisation:attachments", args=[application.pk]), [])
    )
    steps.append(
        Step(RECAP, "Récapitulatif et dépôt", reverse("labellisation:application", args=[application.pk]), [])
    )
    return steps


def _stepper(application, current_code) -> dict:
    steps = steps_of(application)
    index = next(i for i, s in enumerate(steps) if s.code == current_code)
    return {
        "steps": steps,
        "step": steps[index],
        "step_number": index + 1,
        "step_count": len(steps),
        "next_step": steps[index + 1] if index + 1 < len(steps) else None,
        "previous_step": steps[index - 1] if index > 0 else None,
    }


def _editable(application) -> set | None:
    """None: everything (draft); a set: the items a complement request reopened; empty: nothing."""
    if application.state == A.DRAFT:
        return None
    if application.state == A.COMPLEMENT_ASKED:
        return set(application.requested_items)
    return set()


def _display(question, value, policy) -> str:
    if value in (None, "", []):
        return "Non renseigné"
    kind = question["type"]
    if kind == "boolean":
        return "Oui" if value is True else "Non"
    if kind == "kind":
        return policy.kinds.get(value, value)
    if kind == "departements":
        return ", ".join(value) if isinstance(value, list) else str(value)
    if kind == "table":
        return table_to_text(value)
    return str(value)


# --- pages -------------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    """The structures of the user: each one's labelling overview."""
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("structure__network")
        .order_by("structure__name")
    )
    statuses = {
        s.structure_id: s for s in SproStatus.objects.filter(structure__memberships__user=request.user)
    }
    rows = [(m, statuses.get(m.structure_id)) for m in memberships]
    return render(request, "labellisation/index.html", {"rows": rows})


@login_required
@require_GET
def overview(request, pk):
    structure = _structure_for(request, pk)
    today = timezone.localdate()
    status = SproStatus.objects.filter(structure=structure).first()
    policy = LabelPolicy.objects.reading(structure_region(structure))
    labels = list(Label.objects.filter(structure=structure).select_related("decision", "policy"))
    for label in labels:
        label.volets_text = workflow.volets_text(label.policy.policy, label.volets)
    applications = list(
        Application.objects.filter(structure=structure).select_related("policy").prefetch_related("log__by")
    )
    for application in applications:
        application.volets_text = workflow.volets_text(application.policy.policy, application.volets)
    reports = list(
        AnnualReport.objects.filter(label__structure=structure).select_related("label").order_by("-year")
    )
    for report in reports:
        report.late = report.is_late(today)
    charter = Charter.objects.current_for(structure_region(structure))
    adhesions = list(Adhesion.objects.filter(structure=structure).select_related("charter", "accepted_by"))
    to_sign = charter if charter and not any(a.charter_id == charter.pk for a in adhesions) else None
    can_start = (
        policy is not None
        and not any(a.state not in (A.GRANTED, A.REFUSED, A.POSTPONED) for a in applications)
        and _can_act(request, structure)
    )
    return render(
        request,
        "labellisation/overview.html",
        {
            "structure": structure,
            "status": status,
            "policy": policy,
            "labels": labels,
            "applications": applications,
            "reports": reports,
            "charter": to_sign,
            "adhesions": adhesions,
            "can_act": _can_act(request, structure),
            "can_start": can_start,
            "today": today,
        },
    )


def structure_region(structure) -> str:
    # One Région per deployment: its policy and charters are those of SPRO_REGION.
    return settings.SPRO_REGION


@login_required
@submitted_once
def start(request, pk):
    structure = _structure_for(request, pk, act=True)
    try:
        policy = LabelPolicy.objects.in_force(structure_region(structure)).policy
    except PolicyError:
        raise Http404("Aucune politique de labellisation pour cette Région") from None
    form = StartForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            application = workflow.start_application(structure, form.cleaned_data["volets"], request.user)
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Le dossier est créé en brouillon : répondez étape par étape.")
            first = steps_of(application)[0]
            return redirect(first.url)
    return render(
        request,
        "labellisation/start.html",
        {"structure": structure, "form": form, "policy": policy},
        status=refused_status(request),
    )


@login_required
def step(request, pk, section):
    application = _application_for(request, pk)
    steps = {s.code: s for s in steps_of(application)}
    if section not in steps or section in (ATTACHMENTS, RECAP):
        raise Http404("Étape inconnue")
    policy = application.policy.policy
    editable = _editable(application)
    can_edit = _can_act(request, application.structure) and editable != set()
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = QuestionsForm(
        request.POST or None,
        questions=[(q["code"], q) for q in steps[section].questions],
        policy=policy,
        region_code=application.region_code,
        initial_answers=application.answers,
        editable=editable if can_edit else set(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.save_answers(application, form.answers(), request.user)
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            context = _stepper(application, section)
            if "continuer" in request.POST and context["next_step"]:
                messages.success(request, "Réponses enregistrées dans le brouillon.")
                return redirect(context["next_step"].url)
            messages.success(request, "Brouillon enregistré.")
            return redirect(steps[section].url)
    return render(
        request,
        "labellisation/step.html",
        {
            "application": application,
            "form": form,
            "can_edit": can_edit and any(not field.disabled for field in form.fields.values()),
            **_stepper(application, section),
        },
        status=refused_status(request),
    )


@login_required
@submitted_once
def attachments(request, pk):
    application = _application_for(request, pk)
    policy = application.policy.policy
    editable = _editable(application)
    items = policy.attachments(application.volets)
    open_items = [i for i in items if editable is None or i["code"] in editable]
    can_edit = _can_act(request, application.structure) and bool(open_items)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = AttachmentForm(
        request.POST or None, request.FILES or None, items=open_items, uploads=policy.uploads
    )
    if request.method == "POST" and form.is_valid():
        try:
            attachment = workflow.attach(
                application, form.cleaned_data["code"], form.cleaned_data["file"], request.user
            )
        except UploadRefused as refusal:
            form.add_error("file", str(refusal))
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"« {attachment.original_name} » est joint au dossier.")
            return redirect("labellisation:attachments", pk=application.pk)
    joined = {}
    for attachment in application.attachments.all():
        joined.setdefault(attachment.code, []).append(attachment)
    rows = [(item, joined.get(item["code"], [])) for item in items]
    return render(
        request,
        "labellisation/attachments.html",
        {
            "application": application,
            "form": form,
            "rows": rows,
            "can_edit": can_edit,
            **_stepper(application, ATTACHMENTS),
        },
        status=refused_status(request),
    )


def _problem_url(application, code) -> str | None:
    """Where the applicant answers what a submission problem names: its question in its step, or the
    attachments; None for what no step holds (the campaign calendar)."""
    for s in steps_of(application):
        if any(q["code"] == code for q in s.questions):
            return f"{s.url}#question-{code}"
    if any(item["code"] == code for item in application.policy.policy.attachments(application.volets)):
        return reverse("labellisation:attachments", args=[application.pk])
    return None


def _recap(request, application, submit_form=None, complete_form=None, status=200):
    policy = application.policy.policy
    can_act = _can_act(request, application.structure)
    sections = []
    for s in steps_of(application):
        if s.questions:
            rows = [(q, _display(q, application.answers.get(q["code"]), policy)) for q in s.questions]
            sections.append((s, rows))
    joined = {}
    for attachment in application.attachments.all():
        joined.setdefault(attachment.code, []).append(attachment)
    attachment_rows = [
        (item, joined.get(item["code"], [])) for item in policy.attachments(application.volets)
    ]
    problems = (
        workflow.submission_problems(application, timezone.localdate())
        if application.state == A.DRAFT
        else []
    )
    problems = [(problem.message, _problem_url(application, problem.field)) for problem in problems]
    requested = []
    if application.state == A.COMPLEMENT_ASKED:
        labels = {q["code"]: q["label"] for q in policy.questions(application.volets)}
        labels.update({a["code"]: a["label"] for a in policy.attachments(application.volets)})
        requested = [labels.get(code, code) for code in application.requested_items]
    if submit_form is None and application.state == A.DRAFT and can_act:
        submit_form = SubmitForm()
    if complete_form is None and application.state == A.COMPLEMENT_ASKED and can_act:
        complete_form = CompleteForm()
    return render(
        request,
        "labellisation/application.html",
        {
            "application": application,
            "volets_text": workflow.volets_text(policy, application.volets),
            "sections": sections,
            "attachment_rows": attachment_rows,
            "problems": problems,
            "requested": requested,
            "log": application.log.select_related("by"),
            "submit_form": submit_form,
            "complete_form": complete_form,
            "form": submit_form or complete_form,
            "can_act": can_act,
            **_stepper(application, RECAP),
        },
        status=status,
    )


@login_required
@require_GET
def application_detail(request, pk):
    return _recap(request, _application_for(request, pk))


@login_required
@require_POST
@submitted_once
def submit(request, pk):
    application = _application_for(request, pk, act=True)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            workflow.submit(application, request.user)
        except workflow.SubmissionRefused as refusal:
            for problem in refusal.problems:
                form.add_error(None, problem.message)
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Votre dossier est déposé : la Région en est informée.")
            return redirect("labellisation:application", pk=application.pk)
    return _recap(request, application, submit_form=form, status=422)


@login_required
@require_POST
@submitted_once
def complete(request, pk):
    application = _application_for(request, pk, act=True)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            workflow.complete(application, request.user, comment=form.cleaned_data["comment"])
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Le complément est envoyé à la Région.")
            return redirect("labellisation:application", pk=application.pk)
    return _recap(request, application, complete_form=form, status=422)


@login_required
@require_GET
def download(request, pk):
    """An attachment, to the applicant's members and Région staff only (404 to anyone else)."""
    attachment = get_object_or_404(Attachment.objects.select_related("application__structure"), pk=pk)
    if not _can_read(request.user, attachment.application.structure):
        raise Http404("Pièce inconnue")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("Ce fichier n'est plus conservé.") from None
    content_types = {
        "pdf": "application/pdf",
        "png": "image/png",
        "jpeg": "image/jpeg",
        "odt": "application/vnd.oasis.opendocument.text",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=content_types.get(attachment.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@submitted_once
def adhesion(request, pk, charter_id):
    structure = _structure_for(request, pk, act=True)
    charter = get_object_or_404(Charter, pk=charter_id, region_code=structure_region(structure))
    signed = Adhesion.objects.filter(charter=charter, structure=structure).first()
    form = AdhesionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = data["document"] if data["mode"] == AdhesionForm.MODE_DOCUMENT else None
        try:
            if document is not None:
                policy = LabelPolicy.objects.reading(charter.region_code)
                check_upload(document, policy.uploads if policy else {"max_size_mb": 10})
            workflow.adhere(
                charter,
                structure,
                request.user,
                data["signatory_name"],
                data["signatory_function"],
                data["signed_on"],
                document=document,
            )
        except UploadRefused as refusal:
            form.add_error("document", str(refusal))
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"La déclaration d'adhésion à « {charter} » est enregistrée.")
            return redirect("labellisation:overview", pk=structure.pk)
    return render(
        request,
        "labellisation/adhesion.html",
        {"structure": structure, "charter": charter, "signed": signed, "form": form},
        status=refused_status(request),
    )


def known_figures(structure, year: int) -> dict:
    """What spro knows of the structure's year: referrals sent and received, active sites, the events it
    published in the agenda (held, and cancelled)."""
    in_year = Q(created_at__year=year)
    events = list(
        Event.objects.filter(structure=structure)
        .of_year(year)
        .order_by("start", "id")
        .values_list("start", "title", "kind", "state")
    )
    held = [item for item in events if item[3] != EventState.CANCELLED]
    trainings = professionalisation.for_year(structure, year)
    return {
        "evenements": len(held),
        "evenements_annules": len(events) - len(held),
        "evenements_liste": [
            f"{start.astimezone(PARIS):%d/%m/%Y} — {title} ({KINDS.get(kind, kind)})"
            for start, title, kind, _ in held
        ],
        "formations_suivies": len(trainings.rows),
        "formations_heures": professionalisation.hours_text(trainings.hours),
        "orientations_envoyees": Referral.objects.filter(in_year, sender_structure=structure).count(),
        "orientations_recues": Referral.objects.filter(in_year, to_structure=structure).count(),
        "lieux": list(structure.sites.filter(is_active=True).order_by("name").values_list("name", flat=True)),
    }


def report_prefill(annual, questions) -> dict:
    """The report's answers, with the "effort de professionnalisation" (ARA) pre-filled from the trainings
    the structure's people followed that year while the report is not submitted nor answered."""
    answers = dict(annual.answers)
    if annual.submitted_at is not None:
        return answers
    for key, _question in questions:
        if key.split(".", 1)[-1] == professionalisation.QUESTION_CODE and not answers.get(key):
            text = professionalisation.for_year(annual.label.structure, annual.year).text()
            if text:
                answers[key] = text
    return answers


@login_required
@submitted_once
def report(request, pk):
    annual = get_object_or_404(
        AnnualReport.objects.select_related("label__structure", "label__policy"), pk=pk
    )
    structure = _structure_for(request, annual.label.structure_id)
    policy = annual.label.policy.policy
    can_act = _can_act(request, structure) and annual.submitted_at is None
    if request.method == "POST" and not can_act:
        raise PermissionDenied
    questions = [(f"{volet}.{q['code']}", q) for volet, q in policy.report_questions(annual.label.volets)]
    figures = known_figures(structure, annual.year)
    form = ReportForm(
        request.POST or None,
        questions=questions,
        policy=policy,
        region_code=annual.label.region_code,
        initial_answers=report_prefill(annual, questions),
        editable=None if can_act else set(),
    )
    if request.method == "POST" and form.is_valid():
        answers = {**form.answers(), "connu-par-spro": figures, "signature": form.signature()}
        try:
            workflow.submit_report(annual, answers, request.user)
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Le bilan {annual.year} est signé et remis à la Région.")
            return redirect("labellisation:overview", pk=structure.pk)
    volets = {}
    for key, _question in questions:
        volets.setdefault(key.split(".", 1)[0], []).append(form[key])
    volet_groups = [(policy.volets.get(code, code), fields) for code, fields in volets.items()]
    return render(
        request,
        "labellisation/report.html",
        {
            "structure": structure,
            "report": annual,
            "form": form,
            "volet_groups": volet_groups,
            "signature_fields": [form["signatory_name"], form["signatory_function"], form["certify"]],
            "figures": figures,
            "can_act": can_act,
            "late": annual.is_late(timezone.localdate()),
        },
        status=refused_status(request),
    )
