"""Local coordination by territory. Members (/espace-pro/territoires/): the committees of their
structures, each with its members, convention (notices, signed documents), meetings, the designation of
the local coordinator and its vote form for the structures' administrators, the yearly programme and
activity report. The Région (/region/territoires/): its rules of local coordination (the grid only while
it has no territory), every territory and committee, conventions with their notices (a mise en demeure
sent, or lifted), meetings recorded, designation results.

Every write goes through spro.network.coordination; documents are served by `document` only, to the
committee's member structures and the Région's staff.
"""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from spro.accounts.models import User
from spro.core.guards import submitted_once
from spro.directory import permissions
from spro.directory.models import Structure
from spro.labels.uploads import UploadRefused
from spro.network import coordination
from spro.network.access import is_network_member
from spro.network.codes import DesignationState
from spro.network.models import (
    CommitteeMember,
    CommitteeReport,
    Convention,
    CoordinationDocument,
    CoordinationPolicy,
    CoordinationTerritory,
    Designation,
    FormalNotice,
    LocalCommittee,
)
from spro.network.reports import territory_indicators
from spro.www.territories.forms import (
    ConventionForm,
    DocumentForm,
    LeaveForm,
    MeetingForm,
    MemberForm,
    NoticeForm,
    PolicyForm,
    RemedyForm,
    ReportForm,
    TerritoryForm,
    VoteForm,
)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _committees():
    return LocalCommittee.objects.select_related(
        "territory", "committee", "coordinator", "coordinator_person"
    )


def _visible_committees(user):
    """The committees a member reads: those any of their structures belongs (or belonged) to; every one
    for the Région's staff."""
    if not is_network_member(user):
        raise PermissionDenied("La coordination locale est réservée aux membres du réseau.")
    committees = _committees()
    if user.is_region_staff:
        return committees
    return committees.filter(members__structure__in=user.structures()).distinct()


def _context(local, user) -> dict:
    today = timezone.localdate()
    convention = local.conventions.prefetch_related("notices__party", "documents").first()
    meetings = local.meetings.select_related("session").prefetch_related("present", "documents")
    designations = local.designations.select_related("elected", "elected_person", "outgoing")
    open_designation = designations.filter(state=DesignationState.OPEN).first()
    voters = coordination.voting_structures(user, local, today) if open_designation else []
    voted = set(open_designation.votes.values_list("voter_id", flat=True)) if open_designation else set()
    return {
        "local": local,
        "members": local.members.select_related("structure").order_by("left_on", "structure__name"),
        "convention": convention,
        "conventions": local.conventions.all(),
        "meetings": meetings,
        "designations": designations,
        "open_designation": open_designation,
        "may_vote": [s for s in voters if s.pk not in voted],
        "has_voted": [s for s in voters if s.pk in voted],
        "reports": local.reports.all(),
    }


@login_required
@require_GET
def index(request):
    committees = list(_visible_committees(request.user).order_by("territory__name"))
    open_designations = Designation.objects.filter(
        local_committee__in=committees, state=DesignationState.OPEN
    ).select_related("local_committee__committee")
    return render(
        request, "territories/index.html", {"committees": committees, "open_designations": open_designations}
    )


@login_required
@require_GET
def committee(request, pk: int):
    local = get_object_or_404(_visible_committees(request.user), pk=pk)
    return render(request, "territories/committee.html", _context(local, request.user))


def _vote_form(request, designation, data=None):
    today = timezone.localdate()
    local = designation.local_committee
    voted = set(designation.votes.values_list("voter_id", flat=True))
    # Every structure the person votes for stays a choice (a second vote is refused in words), the
    # ones that have not voted yet first; the form shows while one of them has not voted.
    voters = sorted(
        coordination.voting_structures(request.user, local, today), key=lambda s: (s.pk in voted, s.name)
    )
    pending = [s for s in voters if s.pk not in voted]
    candidates = [
        m.structure for m in local.members_on(today).select_related("structure").order_by("structure__name")
    ]
    people = (
        User.objects.filter(is_active=True, memberships__structure__in=[s.pk for s in candidates])
        .distinct()
        .order_by("last_name", "first_name")
    )
    return VoteForm(data, voters=voters, candidates=candidates, people=people), voters, pending


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def vote(request, pk: int):
    designation = get_object_or_404(
        Designation.objects.select_related("local_committee__committee", "local_committee__territory"),
        pk=pk,
        local_committee__in=_visible_committees(request.user),
    )
    form, voters, pending = _vote_form(
        request, designation, request.POST if request.method == "POST" else None
    )
    status = 200
    if request.method == "POST" and voters and designation.is_open:
        if form.is_valid():
            try:
                coordination.cast_vote(
                    designation,
                    form.cleaned_data["voter"],
                    form.cleaned_data["candidate"],
                    request.user,
                    candidate_person=form.cleaned_data["person"],
                )
            except coordination.Refused as refusal:
                form.add_error(None, str(refusal))
                status = 400
            else:
                messages.success(request, "Le vote de votre structure est enregistré. Merci.")
                return redirect("territoires:committee", pk=designation.local_committee_id)
        else:
            status = 422
    elif request.method == "POST":
        status = 403
    return render(
        request,
        "territories/vote.html",
        {"designation": designation, "local": designation.local_committee, "form": form, "voters": pending},
        status=status,
    )


@login_required
@require_GET
def document(request, pk: int):
    found = get_object_or_404(CoordinationDocument.objects.select_related("convention", "meeting"), pk=pk)
    local_id = (
        found.convention.local_committee_id if found.convention_id else found.meeting.local_committee_id
    )
    if not _visible_committees(request.user).filter(pk=local_id).exists():
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=found.original_name,
        content_type=CONTENT_TYPES.get(found.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _may_write_report(user, local) -> bool:
    today = timezone.localdate()
    return user.is_region_staff or local.coordinator_id in {
        s.pk for s in coordination.voting_structures(user, local, today)
    }


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def report(request, pk: int):
    """The yearly programme and activity report: the coordinator's structure writes it, pre-filled with
    the territory's indicators of the past year; the Région reads it."""
    local = get_object_or_404(_visible_committees(request.user), pk=pk)
    year = timezone.localdate().year - 1
    existing = local.reports.filter(year=year).first()
    may_write = _may_write_report(request.user, local) and not (existing and existing.submitted_at)
    indicators = (
        existing.indicators
        if existing and existing.submitted_at
        else territory_indicators(local.territory, year)
    )
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        initial={"programme": existing.programme, "activity": existing.activity} if existing else None,
    )
    status = 200
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("Seule la structure coordinatrice transmet le programme et le bilan.")
        if form.is_valid():
            with transaction.atomic():
                CommitteeReport.objects.update_or_create(
                    local_committee=local,
                    year=year,
                    defaults={
                        **form.cleaned_data,
                        "indicators": indicators,
                        "submitted_at": timezone.now(),
                        "submitted_by": request.user,
                    },
                )
                coordination.log("comite-local", local.pk, "bilan", by=request.user, year=year)
            messages.success(request, "Le programme et le bilan sont transmis à la Région.")
            return redirect("territoires:committee", pk=local.pk)
        status = 422
    return render(
        request,
        "territories/report.html",
        {
            "local": local,
            "year": year,
            "report": existing,
            "form": form,
            "may_write": may_write,
            "indicators": indicators,
        },
        status=status,
    )


# --- the Région's side --------------------------------------------------------------------------------


def _staff_only(request):
    if not permissions.can_use_back_office(request.user):
        raise PermissionDenied("Réservé aux agents de la Région.")


@login_required
@require_GET
def region_index(request):
    _staff_only(request)
    return _region_index(request)


def _region_index(request, status=200, **kwargs):
    territories = CoordinationTerritory.objects.filter(region_code=settings.SPRO_REGION).select_related(
        "local_committee__coordinator", "local_committee__committee"
    )
    conventions = Convention.objects.filter(local_committee__territory__region_code=settings.SPRO_REGION)
    notices = FormalNotice.objects.filter(convention__in=conventions).select_related(
        "convention__local_committee__committee", "party"
    )
    designations = Designation.objects.filter(
        local_committee__territory__region_code=settings.SPRO_REGION
    ).select_related("local_committee__committee", "elected", "elected_person")
    policy = CoordinationPolicy.objects.filter(region_code=settings.SPRO_REGION).first()
    grid_locked = coordination.grid_locked(settings.SPRO_REGION)
    policy_form = kwargs.get("policy_form") or PolicyForm(
        instance=policy or CoordinationPolicy.for_region(settings.SPRO_REGION), grid_locked=grid_locked
    )
    return render(
        request,
        "territories/region_index.html",
        {
            "territory_form": kwargs.get("territory_form") or TerritoryForm(),
            "policy_form": policy_form,
            "grid_locked": grid_locked,
            "policy": policy,
            "territories": territories,
            "conventions": conventions.select_related("local_committee__committee"),
            "notices": notices[:200],
            "designations": designations[:200],
        },
        status=status,
    )


def _candidate_members(local):
    """Active structures with a site in the committee's communes, not members yet."""
    current = local.members.filter(left_on__isnull=True).values("structure")
    return list(
        Structure.objects.filter(
            is_active=True, sites__is_active=True, sites__commune__in=local.territory.commune_queryset()
        )
        .exclude(pk__in=current)
        .distinct()
        .order_by("name")[:500]
    )


def _region_committee(request, pk, **forms):
    local = get_object_or_404(_committees(), pk=pk)
    context = _context(local, request.user)
    status = forms.pop("status", 200)
    today = timezone.localdate()
    members = [m.structure for m in local.members_on(today).select_related("structure")]
    context["notice_form"] = forms.get("notice_form") or NoticeForm(
        parties=members, region_name=settings.SPRO_REGION_NAME or "La Région"
    )
    context["remedy_form"] = forms.get("remedy_form") or RemedyForm(initial={"remedied_on": today})
    context["meeting_form"] = forms.get("meeting_form") or MeetingForm(structures=members)
    context["document_form"] = forms.get("document_form") or DocumentForm()
    context["convention_form"] = forms.get("convention_form") or ConventionForm(initial={"starts_on": today})
    context["leave_form"] = forms.get("leave_form") or LeaveForm(initial={"left_on": today})
    context["member_form"] = forms.get("member_form") or MemberForm(
        structures=_candidate_members(local), initial={"joined_on": today}
    )
    return render(request, "territories/region_committee.html", context, status=status)


@login_required
@require_GET
def region_committee(request, pk: int):
    _staff_only(request)
    return _region_committee(request, pk)


def _attach(request, form, field, purpose, **owner):
    uploaded = form.cleaned_data.get(field)
    if uploaded:
        coordination.attach(uploaded, purpose, request.user, **owner)


def _staff_post(
    request, page, form_name: str, form, act, success: str, refused=coordination.Refused, field=None
):
    """The skeleton of the Région's forms below, each behind `require_POST` and `submitted_once`.

    The guard re-displays a post it refused (no valid one-time token) by calling the view again as a
    GET: `page()` answers it, without writing (this branch is live, not dead code behind
    `require_POST`). Then the form's errors (422, the page with `form_name` bound), the step's refusal
    (one of `refused`, on `field` or the whole form: 400), else `act(cleaned_data)` has written: the
    `success` message and the redirect `act` returns."""
    if request.method != "POST":
        return page()
    if not form.is_valid():
        return page(status=422, **{form_name: form})
    try:
        response = act(form.cleaned_data)
    except refused as refusal:
        form.add_error(field, str(refusal))
        return page(status=400, **{form_name: form})
    messages.success(request, success)
    return response


def _committee_page(request, pk: int):
    return partial(_region_committee, request, pk)


@login_required
@require_http_methods(["POST"])
@submitted_once
def region_notice(request, pk: int):
    _staff_only(request)
    convention = get_object_or_404(Convention.objects.select_related("local_committee"), pk=pk)
    members = [m.structure for m in convention.local_committee.members_on(timezone.localdate())]
    form = NoticeForm(
        request.POST, request.FILES, parties=members, region_name=settings.SPRO_REGION_NAME or "La Région"
    )

    def send(data):
        with transaction.atomic():
            coordination.send_notice(
                convention,
                data["party"],
                data["sent_on"],
                data["letter_reference"],
                data["grounds"],
                request.user,
            )
            _attach(request, form, "letter", "mise-en-demeure", convention=convention)
        return redirect("region_territoires:committee", pk=convention.local_committee_id)

    return _staff_post(
        request,
        _committee_page(request, convention.local_committee_id),
        "notice_form",
        form,
        send,
        "La mise en demeure est enregistrée ; les parties sont prévenues par courriel.",
        refused=(coordination.Refused, UploadRefused),
    )


@login_required
@require_http_methods(["POST"])
@submitted_once
def region_remedy(request, pk: int):
    _staff_only(request)
    notice = get_object_or_404(FormalNotice.objects.select_related("convention"), pk=pk)
    local_id = notice.convention.local_committee_id

    def remedy(data):
        coordination.remedy_notice(notice, data["remedied_on"], request.user)
        return redirect("region_territoires:committee", pk=local_id)

    return _staff_post(
        request,
        _committee_page(request, local_id),
        "remedy_form",
        RemedyForm(request.POST),
        remedy,
        "La mise en demeure est levée : la convention continue.",
    )


@login_required
@require_http_methods(["POST"])
@submitted_once
def region_meeting(request, pk: int):
    _staff_only(request)
    local = get_object_or_404(_committees(), pk=pk)
    members = [m.structure for m in local.members.select_related("structure")]
    form = MeetingForm(request.POST, request.FILES, structures=members)

    def record(data):
        with transaction.atomic():
            meeting = coordination.record_meeting(
                local,
                data["held_on"],
                data["agenda"],
                request.user,
                place=data["place"],
                present=data["present"],
                minutes=data["minutes"],
                decisions=data["decisions"],
            )
            _attach(request, form, "minutes_file", "compte-rendu", meeting=meeting)
        return redirect("region_territoires:committee", pk=pk)

    return _staff_post(
        request,
        _committee_page(request, pk),
        "meeting_form",
        form,
        record,
        "La réunion est enregistrée.",
        refused=(coordination.Refused, UploadRefused),
    )


@login_required
@require_http_methods(["POST"])
@submitted_once
def region_convention_document(request, pk: int):
    """The Région joins the signed convention (checked by the upload rules)."""
    _staff_only(request)
    convention = get_object_or_404(Convention.objects.select_related("local_committee__territory"), pk=pk)
    local_id = convention.local_committee_id
    form = DocumentForm(request.POST, request.FILES)

    def join(data):
        _attach(request, form, "document", "convention", convention=convention)
        return redirect("region_territoires:committee", pk=local_id)

    return _staff_post(
        request,
        _committee_page(request, local_id),
        "document_form",
        form,
        join,
        "La convention signée est déposée.",
        refused=UploadRefused,
        field="document",
    )


@login_required
@require_http_methods(["POST"])
@submitted_once
def region_territory_create(request):
    """A new territory of the Région's grid, with its local committee. (Not through `_staff_post`: its
    refusals are checks of two fields of the form, made here.)"""
    _staff_only(request)
    if request.method != "POST":  # re-displayed by the one-time token guard: the page, nothing written
        return _region_index(request)
    form = TerritoryForm(request.POST, instance=CoordinationTerritory(region_code=settings.SPRO_REGION))
    if not form.is_valid():
        return _region_index(request, status=422, territory_form=form)
    if CoordinationTerritory.objects.filter(
        region_code=settings.SPRO_REGION, code=form.cleaned_data["code"]
    ).exists():
        form.add_error("code", "Un territoire porte déjà ce code.")
        return _region_index(request, status=400, territory_form=form)
    policy = CoordinationPolicy.objects.filter(region_code=settings.SPRO_REGION).first()
    kind = form.cleaned_data["kind"]
    if policy is not None and policy.grid != kind:
        form.add_error(
            "kind", f"Le maillage de la Région est : {policy.get_grid_display().lower()}. Choisissez ce type."
        )
        return _region_index(request, status=400, territory_form=form)
    with transaction.atomic():
        if policy is None:  # the first territory sets the Région's grid
            CoordinationPolicy.objects.create(region_code=settings.SPRO_REGION, grid=kind)
        territory = form.save()
        local = coordination.create_committee(territory, by=request.user)
    messages.success(request, "Le territoire et son comité de coordination locale sont créés.")
    return redirect("region_territoires:committee", pk=local.pk)


@login_required
@require_http_methods(["POST"])
@submitted_once
def region_policy(request):
    """The Région's rules of local coordination: terms, delays, the rule without a majority, and the grid
    while no territory exists."""
    _staff_only(request)
    region = settings.SPRO_REGION
    # The form works on its own copy: the values before the change are read again, locked, when written.
    locked = coordination.grid_locked(region)
    form = PolicyForm(request.POST, instance=CoordinationPolicy.for_region(region), grid_locked=locked)

    def update(data):
        coordination.update_policy(region, by=request.user, **data)
        return redirect("region_territoires:index")

    return _staff_post(
        request,
        partial(_region_index, request),
        "policy_form",
        form,
        update,
        "Les règles de la coordination locale sont enregistrées.",
    )


@login_required
@require_http_methods(["POST"])
@submitted_once
def region_member_add(request, pk: int):
    _staff_only(request)
    local = get_object_or_404(_committees(), pk=pk)

    def add(data):
        coordination.add_member(local, data["structure"], data["joined_on"], request.user)
        return redirect("region_territoires:committee", pk=pk)

    return _staff_post(
        request,
        _committee_page(request, pk),
        "member_form",
        MemberForm(request.POST, structures=_candidate_members(local)),
        add,
        "La structure a rejoint le comité.",
    )


@login_required
@require_http_methods(["POST"])
@submitted_once
def region_member_leave(request, pk: int):
    _staff_only(request)
    member = get_object_or_404(CommitteeMember, pk=pk)

    def leave(data):
        coordination.remove_member(member, data["left_on"], request.user)
        return redirect("region_territoires:committee", pk=member.local_committee_id)

    return _staff_post(
        request,
        _committee_page(request, member.local_committee_id),
        "leave_form",
        LeaveForm(request.POST),
        leave,
        "Le départ de la structure est enregistré.",
    )


@login_required
@require_http_methods(["POST"])
@submitted_once
def region_convention_sign(request, pk: int):
    _staff_only(request)
    local = get_object_or_404(_committees(), pk=pk)

    def sign(data):
        coordination.sign_convention(local, data["reference"], data["starts_on"], request.user)
        return redirect("region_territoires:committee", pk=pk)

    return _staff_post(
        request,
        _committee_page(request, pk),
        "convention_form",
        ConventionForm(request.POST),
        sign,
        "La convention est enregistrée : elle se renouvellera tacitement chaque année.",
    )
