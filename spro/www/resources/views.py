"""The resources library: `/ressources/` for everyone (public resources; members of the network also see
the members-only ones), a page per resource and its file served through `download` (public files to
anyone, members-only files to members only: MEDIA_ROOT is never served as is). Members publish at
`/espace-pro/ressources/`, the Région validates and withdraws at `/region/ressources/`.

Every write goes through spro.network.resources (atomic, logged)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spro.accounts.decorators import region_staff_required
from spro.core.guards import submitted_once
from spro.core.text import raw_parameter
from spro.directory.codes import Public
from spro.directory.models import Structure
from spro.labels.uploads import UploadRefused
from spro.metiers.domains import domains, grands_domaines
from spro.network import resources as workflow
from spro.network.access import is_network_member
from spro.network.codes import RESOURCE_KINDS, ResourceState, Visibility
from spro.network.files import CONTENT_TYPES
from spro.network.models import Resource
from spro.network.workflow import Refused
from spro.territories.models import Departement
from spro.www.resources.forms import ModerationForm, ResourceForm, WithdrawForm

PER_PAGE = 20


def _departements():
    from django.conf import settings

    chosen = Departement.objects.filter(region_id=settings.SPRO_REGION).order_by("code")
    return chosen if chosen.exists() else Departement.objects.order_by("code")


def _choice(value, allowed) -> str:
    """The filter value if it is one of `allowed`, else "" (an unknown or hostile value is ignored)."""
    value = raw_parameter(value)
    return value if value in allowed else ""


def _filter_choices():
    return {
        "kinds": list(RESOURCE_KINDS.items()),
        "sectors": list(grands_domaines().items()),
        "domains": [(code, f"{code} — {label}") for code, label in domains().items()],
        "publics": list(Public.choices),
    }


@require_GET
def index(request):
    departements = list(_departements())
    choices = _filter_choices()
    filters = {
        "departement": _choice(request.GET.get("departement"), {d.code for d in departements}),
        "type": _choice(request.GET.get("type"), set(RESOURCE_KINDS)),
        "secteur": _choice(request.GET.get("secteur"), {code for code, _ in choices["sectors"]}),
        "metier": _choice(request.GET.get("metier"), {code for code, _ in choices["domains"]}),
        "public": _choice(request.GET.get("public"), {code for code, _ in choices["publics"]}),
    }
    found = Resource.objects.visible_to(request.user).select_related("structure")
    if filters["departement"]:
        # A resource for the whole Région (no département) concerns every département.
        found = found.filter(
            Q(departements_index="") | Q(departements_index__contains=f"|{filters['departement']}|")
        )
    if filters["type"]:
        found = found.filter(kind=filters["type"])
    if filters["secteur"]:
        found = found.filter(sector=filters["secteur"])
    if filters["metier"]:
        found = found.filter(domain=filters["metier"])
    if filters["public"]:
        found = found.filter(publics_index__contains=f"|{filters['public']}|")
    page = Paginator(found.order_by("-published_at", "-pk"), PER_PAGE).get_page(
        raw_parameter(request.GET.get("page"), 10)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "resources/index.html",
        {
            "page": page,
            "filters": filters,
            "departements": departements,
            "member": is_network_member(request.user),
            "query": query.urlencode(),
            **choices,
        },
    )


def _readable(request, pk):
    """A published resource the visitor may read: anonymous people are sent to log in for a
    members-only one, other people get a 404 (the resource is hidden)."""
    resource = get_object_or_404(Resource.objects.select_related("structure"), pk=pk)
    if resource.state != ResourceState.PUBLISHED:
        if not (request.user.is_authenticated and workflow.may_withdraw(request.user, resource)):
            raise Http404("Ressource inconnue")
    elif resource.visibility == Visibility.MEMBERS and not is_network_member(request.user):
        if not request.user.is_authenticated:
            return resource, redirect_to_login(request.get_full_path())
        raise Http404("Ressource inconnue")
    return resource, None


@require_GET
def detail(request, pk: int):
    resource, refusal = _readable(request, pk)
    if refusal:
        return refusal
    names = {d.code: d.name for d in Departement.objects.filter(code__in=resource.departements)}
    return render(
        request,
        "resources/detail.html",
        {
            "resource": resource,
            "departements": [f"{code} — {names.get(code, code)}" for code in resource.departements],
            "publics": [dict(Public.choices).get(code, code) for code in resource.publics],
            "sector": grands_domaines().get(resource.sector, ""),
            "domain": domains().get(resource.domain, ""),
        },
    )


@require_GET
def download(request, pk: int):
    resource, refusal = _readable(request, pk)
    if refusal:
        return refusal
    if not resource.file:
        raise Http404("Cette ressource est un lien externe.")
    try:
        handle = resource.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("Ce fichier n'est plus conservé.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=resource.original_name,
        content_type=CONTENT_TYPES.get(resource.file_kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    public = resource.is_public and resource.state == ResourceState.PUBLISHED
    response["Cache-Control"] = "public, max-age=600" if public else "private, no-store"
    return response


# --- members: /espace-pro/ressources/ ---------------------------------------------------------------------


def _member_only(request):
    if not is_network_member(request.user):
        raise PermissionDenied("La publication de ressources est réservée aux membres du réseau.")


def _publishers(user):
    if user.is_region_staff:
        return Structure.objects.filter(is_active=True).order_by("name")
    return user.structures().filter(is_active=True).order_by("name")


@login_required
@require_GET
def pro_index(request):
    _member_only(request)
    found = Resource.objects.select_related("structure")
    if request.user.is_region_staff:
        found = found.filter(structure__isnull=True)
    else:
        found = found.filter(structure__in=request.user.structures())
    return render(
        request, "resources/pro_index.html", {"resources": found.order_by("-created_at", "-pk")[:300]}
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def create(request):
    _member_only(request)
    structures = _publishers(request.user)
    kwargs = {
        "structures": structures,
        "region_may_publish": request.user.is_region_staff,
        "departements": list(_departements()),
    }
    if request.method != "POST":
        return render(request, "resources/form.html", {"form": ResourceForm(**kwargs)})
    form = ResourceForm(request.POST, request.FILES, **kwargs)
    if form.is_valid():
        try:
            resource = workflow.publish(
                form.save(commit=False), request.user, uploaded=form.cleaned_data.get("document")
            )
        except UploadRefused as refusal:
            form.add_error("document", str(refusal))
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if resource.state == ResourceState.PENDING:
                messages.success(
                    request, "La ressource est déposée : elle paraîtra après validation par la Région."
                )
            else:
                messages.success(request, "La ressource est publiée.")
            return redirect("ressources_pro:index")
    return render(request, "resources/form.html", {"form": form}, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    resource = get_object_or_404(Resource.objects.select_related("structure"), pk=pk)
    if not workflow.may_withdraw(request.user, resource):
        raise Http404("Ressource inconnue")
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                workflow.withdraw(resource, request.user, form.cleaned_data["reason"])
            except Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, f"« {resource.title} » est retirée de la bibliothèque.")
                return redirect(
                    "region_ressources:index" if request.user.is_region_staff else "ressources_pro:index"
                )
        status = 422
    return render(request, "resources/withdraw.html", {"resource": resource, "form": form}, status=status)


# --- the Région: /region/ressources/ ---------------------------------------------------------------------


def _pending():
    return (
        Resource.objects.filter(state=ResourceState.PENDING)
        .select_related("structure")
        .order_by("created_at", "pk")
    )


def _region_page(request, rows, status=200):
    from django.conf import settings

    published = Resource.objects.exclude(state=ResourceState.PENDING).select_related("structure")
    return render(
        request,
        "resources/region_index.html",
        {
            "pending": rows,
            "resources": published.order_by("-created_at", "-pk")[:500],
            "enabled": settings.SPRO_RESOURCES_MODERATION,
        },
        status=status,
    )


@region_staff_required
@require_GET
def region_index(request):
    return _region_page(request, [(r, ModerationForm(prefix=f"r{r.pk}")) for r in _pending()])


@region_staff_required
@require_POST
def moderate(request, pk: int):
    resource = get_object_or_404(Resource, pk=pk)
    form = ModerationForm(request.POST, prefix=f"r{resource.pk}")
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "valider"
        try:
            workflow.moderate(resource, approve, request.user, form.cleaned_data["reason"])
        except Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"« {resource.title} » est {'publiée' if approve else 'refusée'}.")
        return redirect("region_ressources:index")
    rows = [
        (other, form if other.pk == resource.pk else ModerationForm(prefix=f"r{other.pk}"))
        for other in _pending()
    ]
    return _region_page(request, rows, status=422)
