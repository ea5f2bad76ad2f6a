"""Professionalisation (espace pro, /espace-pro/formations/): the catalogue of training sessions, a
session's page with registration (oneself, or a colleague for a structure's administrator) and the
waiting list, cancellation, the organiser's attendance sheet and cancellation of the session, the
attestation PDF of each attendee, and the trainings followed per person and per structure. The Région's
side (/region/formations/) lists every session with its fill rate.

Members of a structure and the Région's staff only. Every write goes through spro.network.workflow.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spro.accounts.models import User
from spro.core.guards import submitted_once
from spro.core.spreadsheets import FORMATS, table_response
from spro.directory import permissions
from spro.directory.models import Structure
from spro.network import workflow
from spro.network.access import is_network_member, organises
from spro.network.attestation import render_pdf
from spro.network.codes import RegistrationState, TrainingState
from spro.network.models import Training, TrainingRegistration
from spro.www.trainings.forms import CancelTrainingForm, RegisterForm, TrainingForm


def _member_only(request):
    if not is_network_member(request.user):
        raise PermissionDenied("Les formations du réseau sont réservées à ses membres.")


def _with_counts(trainings):
    return trainings.select_related("organiser").annotate(
        registered=Count("registrations", filter=Q(registrations__state=RegistrationState.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__state=RegistrationState.WAITING)),
    )


def _may_create(user) -> bool:
    return user.is_region_staff or user.administered_structures().exists()


@login_required
@require_GET
def catalogue(request):
    _member_only(request)
    trainings = _with_counts(Training.objects.upcoming()).order_by("start", "pk")
    mine = dict(
        TrainingRegistration.objects.filter(user=request.user, training__in=trainings).values_list(
            "training_id", "state"
        )
    )
    rows = [(training, mine.get(training.pk)) for training in trainings[:300]]
    return render(
        request, "trainings/catalogue.html", {"rows": rows, "may_create": _may_create(request.user)}
    )


def _registrable(request, training):
    """Who `request.user` may register, and for which structures."""
    structures = list(request.user.structures().order_by("name"))
    administered = {s.pk for s in request.user.administered_structures()}
    people = {request.user.pk: request.user}
    if administered:
        for person in User.objects.filter(is_active=True, memberships__structure__in=administered).order_by(
            "last_name", "first_name"
        ):
            people[person.pk] = person
    return list(people.values()), structures


def _detail(request, training_pk, form=None, status=200):
    training = get_object_or_404(_with_counts(Training.objects.all()), pk=training_pk)
    people, structures = _registrable(request, training)
    if form is None and structures:
        form = RegisterForm(people=people, structures=structures)
    # Registrations the viewer may see and cancel: their own, and their administered structures'.
    administered = list(request.user.administered_structures())
    visible = training.registrations.select_related("user", "structure").exclude(
        state=RegistrationState.CANCELLED
    )
    visible = visible.filter(Q(user=request.user) | Q(structure__in=administered)).order_by(
        "state", "waiting_since", "created_at"
    )
    return render(
        request,
        "trainings/detail.html",
        {
            "training": training,
            "form": form,
            "registrations": visible,
            "is_organiser": organises(request.user, training),
            "open": training.state == TrainingState.PUBLISHED and training.start > timezone.now(),
        },
        status=status,
    )


@login_required
@require_GET
def detail(request, pk: int):
    _member_only(request)
    return _detail(request, pk)


@login_required
@require_POST
@submitted_once
def register(request, pk: int):
    _member_only(request)
    if request.method != "POST":  # the guard re-displays a refused post as a GET: the session's page
        return _detail(request, pk)
    training = get_object_or_404(Training, pk=pk)
    people, structures = _registrable(request, training)
    if not structures:
        raise PermissionDenied("Seuls les membres d'une structure s'inscrivent aux formations.")
    form = RegisterForm(request.POST, people=people, structures=structures)
    if not form.is_valid():
        return _detail(request, training.pk, form=form, status=422)
    try:
        registration = workflow.register(
            training, form.cleaned_data["person"], form.cleaned_data["structure"], request.user
        )
    except workflow.Refused as refusal:
        form.add_error(None, str(refusal))
        return _detail(request, training.pk, form=form, status=400)
    if registration.state == RegistrationState.WAITING:
        messages.warning(
            request,
            "La session est complète : l'inscription est sur la liste d'attente. Une place libérée "
            "sera donnée dans l'ordre de la liste, avec un courriel.",
        )
    else:
        messages.success(request, "L'inscription est confirmée ; un courriel de confirmation est parti.")
    return redirect("formations:detail", pk=training.pk)


@login_required
@require_http_methods(["GET", "POST"])
def cancel_registration(request, pk: int):
    registration = get_object_or_404(
        TrainingRegistration.objects.select_related("training", "user", "structure"), pk=pk
    )
    if not workflow.may_cancel(request.user, registration):
        raise Http404("Inscription inconnue")
    if request.method == "POST":
        try:
            workflow.cancel_registration(registration, request.user)
        except workflow.Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "L'inscription est annulée ; un courriel le confirme.")
        return redirect("formations:detail", pk=registration.training_id)
    return render(request, "trainings/cancel_registration.html", {"registration": registration})


@login_required
@require_GET
def mine(request):
    _member_only(request)
    registrations = (
        TrainingRegistration.objects.filter(user=request.user)
        .select_related("training__organiser", "structure")
        .order_by("-training__start")
    )
    return render(request, "trainings/mine.html", {"registrations": registrations})


@login_required
@require_GET
def structure(request, pk: int):
    """Trainings followed by the members of a structure (its members and the Région's staff)."""
    found = get_object_or_404(Structure, pk=pk)
    if not permissions.can_view_structure(request.user, found):
        raise Http404("Structure inconnue")
    attended = (
        TrainingRegistration.objects.filter(structure=found, attended=True)
        .select_related("training", "user")
        .order_by("-training__start", "user__last_name")
    )
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            return render(
                request,
                "core/refused.html",
                {"message": "Format inconnu : choisissez csv, xlsx ou ods."},
                status=400,
            )
        rows = [
            [
                r.user.get_full_name() or r.user.email,
                r.training.title,
                r.training.start_local.strftime("%d/%m/%Y"),
                r.training.get_axis_display(),
                "oui" if r.training.label_obligation else "non",
                r.attestation_reference or "",
            ]
            for r in attended
        ]
        return table_response(
            f"formations-suivies-{found.pk}",
            ["Personne", "Formation", "Date", "Axe du SPRO", "Obligation du label", "Attestation"],
            rows,
            fmt,
            "Formations suivies",
        )
    return render(request, "trainings/structure.html", {"structure": found, "attended": attended})


@login_required
@require_GET
def attestation(request, pk: int):
    registration = get_object_or_404(
        TrainingRegistration.objects.select_related("training__organiser", "user", "structure"), pk=pk
    )
    allowed = (
        registration.user_id == request.user.pk
        or permissions.can_view_structure(request.user, registration.structure)
        or organises(request.user, registration.training)
    )
    if not allowed:
        raise Http404("Attestation inconnue")
    if not registration.attended or not registration.attestation_reference:
        raise Http404("Pas d'attestation : la présence n'est pas enregistrée.")
    response = HttpResponse(render_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{registration.attestation_reference}.pdf"'
    return response


def _organiser_choices(user):
    """The Région's staff publish for the Région or any structure; an administrator for their structures."""
    if user.is_region_staff:
        return Structure.objects.filter(is_active=True).order_by("name")
    return user.administered_structures().order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def create(request):
    if not _may_create(request.user):
        raise PermissionDenied(
            "Les formations sont proposées par la Région et les administrateurs d'une structure."
        )
    organisers = _organiser_choices(request.user)
    form = TrainingForm(
        request.POST if request.method == "POST" else None,
        organisers=organisers,
        region_may_organise=request.user.is_region_staff,
    )
    if request.method == "POST":
        if form.is_valid():
            training = workflow.publish(form.save(commit=False), request.user)
            messages.success(request, "La session est publiée dans le catalogue.")
            return redirect("formations:detail", pk=training.pk)
        return render(request, "trainings/form.html", {"form": form}, status=422)
    return render(request, "trainings/form.html", {"form": form})


def _organised(request, pk):
    training = get_object_or_404(Training.objects.select_related("organiser"), pk=pk)
    _member_only(request)
    if not organises(request.user, training):
        raise PermissionDenied("Seul l'organisateur de la session y a accès.")
    return training


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    """The organiser's sheet: every registration and the waiting list; attendance once it started."""
    training = _organised(request, pk)
    status = 200
    if request.method == "POST":
        ids = set()
        for value in request.POST.getlist("present"):
            if value.isdigit() and len(value) < 12:
                ids.add(int(value))
        try:
            present = workflow.record_attendance(training, ids, request.user)
        except workflow.Refused as refusal:
            messages.error(request, str(refusal))
            status = 400
        else:
            messages.success(
                request,
                f"Présence enregistrée : {present} présent{'s' if present > 1 else ''}.",
            )
            return redirect("formations:attendance", pk=training.pk)
    registrations = training.registrations.select_related("user", "structure").order_by(
        "state", "waiting_since", "created_at"
    )
    return render(
        request,
        "trainings/attendance.html",
        {
            "training": training,
            "registered": [r for r in registrations if r.state == RegistrationState.REGISTERED],
            "waiting": [r for r in registrations if r.state == RegistrationState.WAITING],
            "started": training.start <= timezone.now(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    training = _organised(request, pk)
    form = CancelTrainingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                workflow.cancel_training(training, request.user, form.cleaned_data["reason"])
            except workflow.Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "La session est annulée ; les personnes inscrites sont prévenues.")
                return redirect("formations:detail", pk=training.pk)
        status = 422
    return render(request, "trainings/cancel.html", {"training": training, "form": form}, status=status)


@login_required
@require_GET
def region_index(request):
    if not permissions.can_use_back_office(request.user):
        raise PermissionDenied
    trainings = _with_counts(Training.objects.all()).annotate(
        present=Count("registrations", filter=Q(registrations__attended=True))
    )
    return render(request, "trainings/region_index.html", {"trainings": trainings.order_by("-start")[:500]})
