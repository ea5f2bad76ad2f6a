"""Committee sessions of the Région (COPIL SPRO, GT Orientation, Commission OMSPP… as the policy names
them): the sessions, past and coming; a session's agenda, an opinion per dossier, the minutes and
their PDF.

Views only read and call `spro.labels.committees` and `spro.labels.workflow.give_opinion`, which
check who acts, write and log; a refusal is their French message on the form, and nothing is written.
An invalid post re-displays the session page with that form in error (422).
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from spro.accounts.decorators import region_staff_required
from spro.core.guards import submitted_once
from spro.labels import committees, workflow
from spro.labels.minutes import agenda_rows, render_minutes
from spro.labels.models import CommitteeSession
from spro.labels.states import InvalidTransition
from spro.www.committees.forms import AgendaForm, MinutesForm, OpinionForm, SessionForm


def region_code() -> str:
    # One Région per deployment: its committees are those of SPRO_REGION's policy.
    return settings.SPRO_REGION


def _session_or_404(pk) -> CommitteeSession:
    return get_object_or_404(
        CommitteeSession.objects.select_related("committee", "created_by"),
        pk=pk,
        committee__region_code=region_code(),
    )


@region_staff_required
@require_GET
def index(request):
    """The sessions of each committee of the policy in force (coming first, then past), then those of
    bodies the policy no longer names."""
    today = timezone.localdate()
    sessions = list(
        CommitteeSession.objects.filter(committee__region_code=region_code())
        .select_related("committee")
        .prefetch_related("agenda_items", "opinions")
        .order_by("held_on", "pk")
    )
    groups = []
    named = set()
    for spec in committees.policy_committees(region_code()):
        named.add(spec["code"])
        mine = [s for s in sessions if s.committee.code == spec["code"]]
        groups.append(
            {
                "name": spec["name"],
                "role": "Rend un avis" if spec.get("role") == "avis" else "Décide",
                "coming": [s for s in mine if s.held_on >= today],
                "past": sorted((s for s in mine if s.held_on < today), key=lambda s: s.held_on, reverse=True),
            }
        )
    others = [s for s in sessions if s.committee.code not in named]
    if others:
        groups.append(
            {
                "name": "Instances que la politique en vigueur ne nomme plus",
                "role": "",
                "coming": [s for s in others if s.held_on >= today],
                "past": [s for s in reversed(others) if s.held_on < today],
            }
        )
    return render(request, "committees/index.html", {"groups": groups, "today": today})


@region_staff_required
@submitted_once
def create(request):
    specs = committees.policy_committees(region_code())
    if not specs:
        raise Http404("La politique de labellisation ne nomme aucune instance")
    form = SessionForm(request.POST or None, committees=specs)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = committees.plan_session(
                    region_code(),
                    data["committee"],
                    data["held_on"],
                    request.user,
                    place=data["place"],
                    members_present=data["members_present"],
                )
            except InvalidTransition as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, f"La séance « {session} » est créée.")
                return redirect("comites:session", pk=session.pk)
        status = 422
    return render(request, "committees/create.html", {"form": form}, status=status)


def _session_page(request, session, failed=None, failed_form=None, status=200):
    """The session; after a refused post, the form that failed is drawn bound, in error."""
    rows = []
    for application, volets, opinion in agenda_rows(session):
        form = None
        if opinion is None:
            if failed == ("opinion", application.pk):
                form = failed_form
            else:
                form = OpinionForm(prefix=f"dossier-{application.pk}")
        rows.append({"application": application, "volets": volets, "opinion": opinion, "form": form})
    candidates = list(committees.agenda_candidates(session))
    agenda_form = failed_form if failed == ("agenda",) else AgendaForm(candidates=candidates)
    minutes_form = (
        failed_form if failed == ("minutes",) else MinutesForm(initial={"minutes": session.minutes})
    )
    return render(
        request,
        "committees/session.html",
        {
            "session": session,
            "rows": rows,
            "given": sum(1 for row in rows if row["opinion"] is not None),
            "candidates": candidates,
            "agenda_form": agenda_form,
            "minutes_form": minutes_form,
            "failed_form": failed_form,  # counted in the page title (« Erreur : … »)
            "members": [line for line in session.members_present.splitlines() if line.strip()],
        },
        status=status,
    )


@region_staff_required
@require_GET
def session_detail(request, pk):
    return _session_page(request, _session_or_404(pk))


@region_staff_required
@require_POST
@submitted_once
def agenda_add(request, pk):
    session = _session_or_404(pk)
    if request.method != "POST":  # re-displayed by the one-time token guard
        return _session_page(request, session)
    form = AgendaForm(request.POST, candidates=committees.agenda_candidates(session))
    if form.is_valid():
        application = form.cleaned_data["application"]
        try:
            committees.add_to_agenda(session, application, request.user)
        except InvalidTransition as refusal:
            form.add_error("application", str(refusal))
        else:
            messages.success(
                request, f"Le dossier de « {application.structure.name} » est à l'ordre du jour."
            )
            return redirect(f"{session_url(session)}#dossier-{application.pk}")
    return _session_page(request, session, failed=("agenda",), failed_form=form, status=422)


def session_url(session) -> str:
    return reverse("comites:session", args=[session.pk])


@region_staff_required
@require_POST
@submitted_once
def opinion(request, pk, application_pk):
    session = _session_or_404(pk)
    item = session.agenda_items.select_related("application__structure").filter(application_id=application_pk)
    item = item.first()
    if item is None:
        raise Http404("Ce dossier n'est pas à l'ordre du jour de la séance")
    if request.method != "POST":  # re-displayed by the one-time token guard
        return _session_page(request, session)
    application = item.application
    form = OpinionForm(request.POST, prefix=f"dossier-{application.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            given = workflow.give_opinion(
                application, session, data["value"], request.user, reasoning=data["reasoning"].strip()
            )
        except InvalidTransition as refusal:
            if session.opinions.filter(application=application).exists():
                # Not a mistake in the form: the session's opinion was recorded meanwhile (another tab).
                messages.error(request, str(refusal))
                return redirect(f"{session_url(session)}#dossier-{application.pk}")
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, f"{given.get_value_display()} enregistré pour « {application.structure.name} »."
            )
            return redirect(f"{session_url(session)}#dossier-{application.pk}")
    return _session_page(request, session, failed=("opinion", application.pk), failed_form=form, status=422)


@region_staff_required
@require_POST
@submitted_once
def minutes(request, pk):
    session = _session_or_404(pk)
    if request.method != "POST":  # re-displayed by the one-time token guard
        return _session_page(request, session)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            committees.save_minutes(session, form.cleaned_data["minutes"], request.user)
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Le relevé de décisions est enregistré.")
            return redirect(f"{session_url(session)}#releve")
    return _session_page(request, session, failed=("minutes",), failed_form=form, status=422)


@region_staff_required
@require_GET
def minutes_pdf(request, pk):
    session = _session_or_404(pk)
    response = HttpResponse(render_minutes(session), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="proces-verbal-{session.committee.code}-{session.held_on:%Y-%m-%d}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
