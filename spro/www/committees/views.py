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
from spro.directory.models import Site
from spro.labels import bodies, committees, workflow
from spro.labels.minutes import agenda_rows, render_minutes
from spro.labels.models import Committee, CommitteeMember, CommitteeSession, NetworkTier, TextOpinion
from spro.labels.states import InvalidTransition
from spro.www.committees.forms import (
    AgendaForm,
    MemberForm,
    MemberLeaveForm,
    MinutesForm,
    OpinionForm,
    SessionForm,
    TextOpinionForm,
    TierForm,
)


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
    for spec in bodies.body_specs(region_code()):
        named.add(spec["code"])
        if spec["departement"]:
            continue  # one per département: their sessions are on each body's page
        mine = [s for s in sessions if s.committee.code == spec["code"]]
        groups.append(
            {
                "name": spec["name"],
                "code": spec["code"],
                "role": {"avis": "Rend un avis", "decision": "Décide"}.get(spec.get("role"), ""),
                "coming": [s for s in mine if s.held_on >= today],
                "past": sorted((s for s in mine if s.held_on < today), key=lambda s: s.held_on, reverse=True),
            }
        )
    others = [s for s in sessions if s.committee.code not in named]
    if others:
        groups.append(
            {
                "name": "Instances que la Région ne nomme plus",
                "code": "",
                "role": "",
                "coming": [s for s in others if s.held_on >= today],
                "past": [s for s in reversed(others) if s.held_on < today],
            }
        )
    rhythms = bodies.rhythms(region_code(), today)
    context = {
        "groups": groups,
        "today": today,
        "rhythms": rhythms,
        "late_count": sum(1 for r in rhythms if r.flags),
        "has_tiers": bodies.tiers(region_code()) is not None,
    }
    return render(request, "committees/index.html", context)


@region_staff_required
@submitted_once
def create(request):
    specs = bodies.body_specs(region_code())
    if not specs:
        raise Http404("La Région ne nomme aucune instance")
    chosen = request.GET.get("instance")
    initial = {"committee": chosen} if chosen else {}
    form = SessionForm(request.POST or None, committees=specs, initial=initial)
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
    text_form = failed_form if failed == ("text",) else TextOpinionForm(prefix="texte")
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
            "text_form": text_form,
            "text_opinions": session.text_opinions.all(),
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


@region_staff_required
@require_POST
@submitted_once
def text_opinion(request, pk):
    """The opinion the session's body gave on a text (a charter, a label policy, routing rules…)."""
    session = _session_or_404(pk)
    if request.method != "POST":  # re-displayed by the one-time token guard
        return _session_page(request, session)
    form = TextOpinionForm(request.POST, prefix="texte")
    if form.is_valid():
        data = form.cleaned_data
        try:
            given = bodies.record_text_opinion(
                session,
                request.user,
                data["document"],
                data["title"],
                data["value"],
                version=data["version"],
                comment=data["comment"],
            )
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{given.get_value_display()} enregistré sur « {given.title} ».")
            return redirect(f"{session_url(session)}#avis-textes")
    return _session_page(request, session, failed=("text",), failed_form=form, status=422)


# --- a body: its rhythm, members, sessions and opinions on texts --------------------------------------


def leave_prefix(member) -> str:
    return f"depart-{member.pk}"


def _body_page(request, code, form=None, status=200, leave_form=None, leaving=None):
    """The body's page; after a refused post, the form that failed is drawn bound, in error: the
    member-add form (`form`) or the departure form of member `leaving` (`leave_form`)."""
    spec = bodies.spec(region_code(), code)
    if spec is None:
        raise Http404("Instance inconnue")
    today = timezone.localdate()
    committee = bodies.body(region_code(), code) if request.method == "POST" else None
    if committee is None:
        committee = Committee.objects.filter(region_code=region_code(), code=code).first()
    rhythm = next(r for r in bodies.rhythms(region_code(), today) if r.spec["code"] == code)
    members = list(committee.members.all()) if committee else []
    current_members = [m for m in members if m.left_on is None]
    for member in current_members:
        if leave_form is not None and member.pk == leaving:
            member.leave_form = leave_form
        else:
            member.leave_form = MemberLeaveForm(prefix=leave_prefix(member), initial={"left_on": today})
    former_members = sorted(
        (m for m in members if m.left_on is not None), key=lambda m: (m.left_on, m.name), reverse=True
    )
    sessions = list(
        committee.sessions.prefetch_related("agenda_items", "opinions").order_by("-held_on")
        if committee
        else []
    )
    text_opinions = (
        list(
            TextOpinion.objects.filter(session__committee=committee)
            .select_related("session")
            .order_by("-given_on")
        )
        if committee
        else []
    )
    return render(
        request,
        "committees/body.html",
        {
            "spec": spec,
            "rhythm": rhythm,
            "current_members": current_members,
            "former_members": former_members,
            "sessions": sessions,
            "text_opinions": text_opinions,
            "form": form or MemberForm(initial={"joined_on": today}),
            "failed_form": (leave_form or form) if status != 200 else None,
        },
        status=status,
    )


@region_staff_required
@require_GET
def body_detail(request, code):
    return _body_page(request, code)


@region_staff_required
@require_POST
@submitted_once
def member_add(request, code):
    if bodies.spec(region_code(), code) is None:
        raise Http404("Instance inconnue")
    if request.method != "POST":  # re-displayed by the one-time token guard
        return _body_page(request, code)
    form = MemberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            member = bodies.add_member(
                bodies.body(region_code(), code),
                request.user,
                data["name"],
                function=data["function"],
                institution=data["institution"],
                joined_on=data["joined_on"],
            )
        except InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{member.name} est membre de l'instance.")
            return redirect(reverse("comites:body", args=[code]) + "#membres")
    return _body_page(request, code, form=form, status=422)


@region_staff_required
@require_POST
@submitted_once
def member_leave(request, code, pk):
    """Record that a member left the body: the date is not before they joined nor after today, and a
    departure is recorded once (a second one, from another tab, is refused in French)."""
    if bodies.spec(region_code(), code) is None:
        raise Http404("Instance inconnue")
    member = get_object_or_404(
        CommitteeMember, pk=pk, committee__region_code=region_code(), committee__code=code
    )
    if request.method != "POST":  # re-displayed by the one-time token guard
        return _body_page(request, code)
    form = MemberLeaveForm(request.POST, prefix=leave_prefix(member))
    if form.is_valid():
        try:
            bodies.member_leaves(member, request.user, form.cleaned_data["left_on"])
        except InvalidTransition as refusal:
            if CommitteeMember.objects.filter(pk=member.pk, left_on__isnull=False).exists():
                # Not a mistake in the form: the departure was recorded meanwhile (another tab).
                messages.error(request, str(refusal))
                return _body_page(request, code, status=422)
            form.add_error("left_on", str(refusal))
        else:
            messages.success(
                request, f"Le départ de {member.name} le {member.left_on:%d/%m/%Y} est enregistré."
            )
            return redirect(reverse("comites:body", args=[code]) + "#anciens-membres")
    return _body_page(request, code, status=422, leave_form=form, leaving=member.pk)


# --- the Cité des métiers network's tiers (Midi-Pyrénées) --------------------------------------------


def _network_sites(network_code: str):
    return list(
        Site.objects.filter(structure__network__code=network_code, structure__is_active=True, is_active=True)
        .select_related("commune", "structure", "network_tier")
        .order_by("commune__departement_id", "name")
    )


def _tiers_page(request, form=None, status=200):
    data = bodies.tiers(region_code())
    if data is None:
        raise Http404("La Région ne décrit pas de réseau à niveaux")
    sites = _network_sites(data["network"])
    placed = {t.site_id: t for t in NetworkTier.objects.filter(region_code=region_code())}
    rows = []
    for tier in data["tiers"]:
        mine = [s for s in sites if s.pk in placed and placed[s.pk].tier == tier["code"]]
        rows.append({"tier": tier, "sites": mine})
    unplaced = [s for s in sites if s.pk not in placed]
    return render(
        request,
        "committees/tiers.html",
        {
            "data": data,
            "rows": rows,
            "unplaced": unplaced,
            "form": form or TierForm(sites=sites, tiers=data["tiers"]),
            "failed_form": form if status != 200 else None,
        },
        status=status,
    )


@region_staff_required
@require_GET
def tiers(request):
    return _tiers_page(request)


@region_staff_required
@require_POST
@submitted_once
def tier_assign(request):
    data = bodies.tiers(region_code())
    if data is None:
        raise Http404("La Région ne décrit pas de réseau à niveaux")
    if request.method != "POST":  # re-displayed by the one-time token guard
        return _tiers_page(request)
    form = TierForm(request.POST, sites=_network_sites(data["network"]), tiers=data["tiers"])
    if form.is_valid():
        site, tier = form.cleaned_data["site"], form.cleaned_data["tier"]
        try:
            if tier:
                placed = bodies.assign_tier(site, region_code(), tier, request.user)
            else:
                bodies.remove_tier(site, request.user)
        except InvalidTransition as refusal:
            form.add_error("tier", str(refusal))
        else:
            if tier:
                label = bodies.tier_spec(region_code(), placed.tier)["label"]
                messages.success(request, f"« {site.name} » est {label.lower()} du réseau.")
            else:
                messages.success(request, f"« {site.name} » n'a plus de niveau dans le réseau.")
            return redirect("comites:tiers")
    return _tiers_page(request, form=form, status=422)
