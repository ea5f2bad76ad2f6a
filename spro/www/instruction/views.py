"""The Région's side of labelling (back office): the queue of dossiers and the instruction of one
dossier — start, checklist of the policy's criteria, complement request, decision, withdrawal.

Views only read and call `spro.labels.workflow`, which checks who acts, writes with a conditional
UPDATE and logs; a refusal is its French message on the form (422) and nothing is written. Every
action's form carries a one-time token (`submitted_once`): a double click writes once.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from spro.accounts.decorators import region_staff_required
from spro.core.guards import submitted_once
from spro.core.spreadsheets import table_response
from spro.directory.models import Network
from spro.labels import workflow
from spro.labels.models import Application, Campaign, Decision, Label
from spro.labels.states import (
    APPLICATION_TRANSITIONS,
    LIVE_LABEL_STATES,
    ApplicationState,
    InvalidTransition,
)
from spro.territories.models import Departement
from spro.www.instruction.forms import (
    CHECK_CHOICES,
    CheckForm,
    ComplementForm,
    DecisionForm,
    QueueFilterForm,
    StartForm,
    WithdrawForm,
    check_choice,
)
from spro.www.labellisation.forms import table_to_text

A = ApplicationState
PAGE_SIZE = 25
CHECKABLE_STATES = (A.INSTRUCTION, A.COMPLETED, A.COMPLEMENT_ASKED)
COMPLEMENT_STATES = (A.INSTRUCTION, A.COMPLETED)
TRANSITION_LABELS = {"creer": "Dossier créé", **{t.name: t.label for t in APPLICATION_TRANSITIONS}}
EXPORT_HEADERS = [
    "Dossier n°",
    "Structure",
    "Réseau",
    "Départements",
    "Volets",
    "Campagne",
    "État",
    "Déposé le",
    "Décidé le",
]


def _region() -> str:
    return settings.SPRO_REGION


def _departements_of(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# --- the queue ---------------------------------------------------------------------------------------


def _filtered(applications, data: dict):
    """The dossiers matching the filters other than the state (the counts per state are theirs)."""
    if data.get("reseau"):
        applications = applications.filter(structure__network__code=data["reseau"])
    if data.get("campagne"):
        applications = applications.filter(campaign_id=int(data["campagne"]))
    if data.get("q"):
        applications = applications.filter(structure__name__icontains=data["q"])
    if data.get("departement"):
        # The territory is an answer of the dossier (a list of codes in JSON): read on both databases.
        wanted = data["departement"]
        ids = [
            pk
            for pk, territory in applications.values_list("pk", "answers__territoire")
            if wanted in _departements_of(territory)
        ]
        applications = applications.filter(pk__in=ids)
    return applications


def _export_rows(applications):
    for application in applications:
        policy = application.policy.policy
        yield [
            application.pk,
            application.structure.name,
            application.structure.network.label,
            ", ".join(application.departements),
            workflow.volets_text(policy, application.volets),
            str(application.campaign) if application.campaign else "",
            application.get_state_display(),
            application.submitted_at.date() if application.submitted_at else None,
            application.decided_at.date() if application.decided_at else None,
        ]


@region_staff_required
@require_GET
def queue(request):
    """The dossiers by state, département, network and campaign; oldest submission first."""
    region = _region()
    campaigns = list(Campaign.objects.filter(region_code=region).order_by("-opens_on"))
    form = QueueFilterForm(
        request.GET or None,
        departements=Departement.objects.filter(region_id=region).order_by("code"),
        networks=Network.objects.order_by("label"),
        campaigns=campaigns,
    )
    status = 200
    data = {}
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
        else:
            status = 400
    applications = Application.objects.filter(region_code=region).select_related(
        "structure__network", "campaign", "policy"
    )
    filtered = _filtered(applications, data) if status == 200 else applications.none()
    counts = dict(filtered.order_by().values_list("state").annotate(n=Count("pk")))
    state = data.get("statut")
    listed = filtered.filter(state=state) if state else filtered.exclude(state=A.DRAFT)
    listed = listed.order_by(F("submitted_at").asc(nulls_last=True), "pk")
    fmt = request.GET.get("format")
    if fmt is not None and status == 200:
        return table_response(
            "dossiers-de-labellisation", EXPORT_HEADERS, _export_rows(listed), fmt, "Dossiers"
        )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    for application in page.object_list:
        application.volets_text = workflow.volets_text(application.policy.policy, application.volets)
    query = request.GET.copy()
    for key in ("page", "format"):
        query.pop(key, None)
    by_state = request.GET.copy()
    for key in ("page", "format", "statut"):
        by_state.pop(key, None)
    state_rows = []
    for code, label in A.choices:
        by_state["statut"] = code
        state_rows.append(
            {"code": code, "label": label, "count": counts.get(code, 0), "href": f"?{by_state.urlencode()}"}
        )
    return render(
        request,
        "instruction/queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "state_rows": state_rows,
            "state": state,
            "total": sum(counts.values()),
        },
        status=status,
    )


# --- one dossier -------------------------------------------------------------------------------------


def _application(pk) -> Application:
    return get_object_or_404(
        Application.objects.select_related("structure__network", "policy", "campaign"),
        pk=pk,
        region_code=_region(),
    )


def _answer_text(question, value, policy) -> str:
    if value in (None, "", []):
        return "Non renseigné"
    kind = question["type"]
    if kind == "boolean":
        return "Oui" if value is True else "Non"
    if kind == "kind":
        return policy.kinds.get(value, str(value))
    if kind == "departements":
        return ", ".join(_departements_of(value))
    if kind == "table":
        return table_to_text(value)
    return str(value)


def _sections(application, policy) -> list[dict]:
    chosen = set(application.volets)
    sections = []
    for section in policy.document["dossier"]["sections"]:
        rows = [
            (q["label"], _answer_text(q, application.answers.get(q["code"]), policy))
            for q in section.get("questions", [])
            if "volets" not in q or chosen & set(q["volets"])
        ]
        if rows:
            sections.append({"title": section["title"], "rows": rows})
    return sections


def _live_label(application) -> Label | None:
    return Label.objects.filter(decision__application=application, state__in=LIVE_LABEL_STATES).first()


def _render(request, application, bound: dict | None = None, status: int = 200):
    """The dossier page with the actions its state allows; `bound` replaces a form by the one posted."""
    policy = application.policy.policy
    bound = bound or {}
    state = application.state
    criteria = policy.criteria(application.volets)
    questions = policy.questions(application.volets)
    attachments = policy.attachments(application.volets)
    item_labels = {q["code"]: q["label"] for q in questions}
    item_labels.update({a["code"]: a["label"] for a in attachments})
    verdicts = dict(CHECK_CHOICES)
    checklist = []
    for criterion in criteria:
        stored = application.checklist.get(criterion["code"])
        form = None
        if criterion["code"] in bound.get("checks", {}):
            form = bound["checks"][criterion["code"]]
        elif state in CHECKABLE_STATES:
            initial = {"met": check_choice(stored["met"]), "comment": stored["comment"]} if stored else None
            form = CheckForm(initial=initial, criterion=criterion)
        checklist.append(
            {
                "criterion": criterion,
                "verdict": verdicts[check_choice(stored["met"])] if stored else "Pas encore apprécié",
                "comment": stored["comment"] if stored else "",
                "form": form,
                "url": reverse("instruction:check", args=[application.pk, criterion["code"]]),
            }
        )
    label = Label.objects.filter(decision__application=application).first()
    forms = {
        "start_form": StartForm() if state == A.SUBMITTED else None,
        "complement_form": (
            ComplementForm(questions=questions, attachments=attachments)
            if state in COMPLEMENT_STATES
            else None
        ),
        "decision_form": DecisionForm() if state == A.OPINION_GIVEN else None,
        "withdraw_form": WithdrawForm() if label is not None and label.state in LIVE_LABEL_STATES else None,
    }
    forms.update({key: form for key, form in bound.items() if key != "checks"})
    joined = {}
    for attachment in application.attachments.all():
        joined.setdefault(attachment.code, []).append(attachment)
    answers = application.answers
    flagged = [
        item_labels.get(code, code)
        for code in policy.flagged_exclusions(application.volets, answers.get("nature", ""), answers)
    ]
    log = list(application.log.select_related("by"))
    for entry in log:
        entry.action = TRANSITION_LABELS.get(entry.transition, entry.transition)
    return render(
        request,
        "instruction/dossier.html",
        {
            "application": application,
            "crumb": f"Dossier n° {application.pk}",
            "policy": policy,
            "volets_text": workflow.volets_text(policy, application.volets),
            "sections": _sections(application, policy),
            "attachment_rows": [(item, joined.get(item["code"], [])) for item in attachments],
            "requested": [item_labels.get(c, c) for c in application.requested_items],
            "flagged": flagged,
            "checklist": checklist,
            "log": log,
            "opinions": application.opinions.select_related("session__committee", "given_by"),
            "committees": policy.committees,
            "decision": Decision.objects.filter(application=application).first(),
            "label": label,
            "label_log": label.log.select_related("by") if label else [],
            **forms,
        },
        status=status,
    )


def _done(request, application, message: str, anchor: str = ""):
    messages.success(request, message)
    url = reverse("instruction:dossier", args=[application.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@region_staff_required
@require_GET
def dossier(request, pk):
    return _render(request, _application(pk))


@region_staff_required
@require_POST
@submitted_once
def start(request, pk):
    application = _application(pk)
    if request.method != "POST":  # a form without its one-time token: the page, with the guard's message
        return _render(request, application)
    form = StartForm(request.POST)
    try:
        workflow.start_instruction(application, request.user)
    except InvalidTransition as refusal:
        form.add_error(None, str(refusal))
        return _render(request, application, {"start_form": form}, status=422)
    return _done(request, application, "L'instruction du dossier est commencée.", "grille")


@region_staff_required
@require_POST
@submitted_once
def check(request, pk, criterion):
    application = _application(pk)
    criteria = {c["code"]: c for c in application.policy.policy.criteria(application.volets)}
    if criterion not in criteria:
        raise Http404("Critère inconnu pour ce dossier")
    if request.method != "POST":  # re-displayed by the one-time token guard: the page, nothing written
        return _render(request, application)
    form = CheckForm(request.POST, criterion=criteria[criterion])
    if form.is_valid():
        try:
            workflow.record_check(
                application, request.user, criterion, form.verdict(), form.cleaned_data["comment"]
            )
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            label = criteria[criterion]["label"]
            return _done(
                request, application, f"Appréciation enregistrée : « {label} ».", f"critere-{criterion}"
            )
    return _render(request, application, {"checks": {criterion: form}}, status=422)


@region_staff_required
@require_POST
@submitted_once
def complement(request, pk):
    application = _application(pk)
    if request.method != "POST":  # re-displayed by the one-time token guard: the page, nothing written
        return _render(request, application)
    policy = application.policy.policy
    form = ComplementForm(
        request.POST,
        questions=policy.questions(application.volets),
        attachments=policy.attachments(application.volets),
    )
    if form.is_valid():
        try:
            workflow.request_complement(
                application, request.user, form.cleaned_data["comment"], form.cleaned_data["items"]
            )
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            return _done(
                request,
                application,
                "Le complément est demandé : la structure en est informée par courriel et le dossier lui est "
                "rouvert pour les seuls éléments cochés.",
            )
    return _render(request, application, {"complement_form": form}, status=422)


@region_staff_required
@require_POST
@submitted_once
def decision(request, pk):
    application = _application(pk)
    if request.method != "POST":  # re-displayed by the one-time token guard: the page, nothing written
        return _render(request, application)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            made = workflow.decide(
                application,
                form.cleaned_data["outcome"],
                request.user,
                reasoning=form.cleaned_data["reasoning"],
            )
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            message = (
                f"Décision enregistrée : {made.get_outcome_display()}. "
                "La structure en est informée par courriel"
            )
            if made.attestation_reference:
                message += f", avec l'attestation {made.attestation_reference}"
            return _done(request, application, message + ".")
    return _render(request, application, {"decision_form": form}, status=422)


@region_staff_required
@require_POST
@submitted_once
def withdraw(request, pk):
    application = _application(pk)
    if request.method != "POST":  # re-displayed by the one-time token guard: the page, nothing written
        return _render(request, application)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        label = _live_label(application)
        try:
            if label is None:
                raise InvalidTransition("Ce dossier n'a pas de label en cours : il n'y a rien à retirer.")
            workflow.withdraw(label, request.user, form.cleaned_data["reason"])
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            return _done(
                request, application, "Le label est retiré ; la structure en est informée par courriel."
            )
    return _render(request, application, {"withdraw_form": form}, status=422)
