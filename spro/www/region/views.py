"""Back office of the Région: networks and every structure of the directory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from spro.core.guards import submitted_once
from spro.core.text import raw_parameter
from spro.directory import history, permissions
from spro.directory.models import Network, Structure
from spro.directory.stale import stale_before, stale_count, stale_records
from spro.territories.models import Departement
from spro.www.region.forms import NetworkForm
from spro.www.structures.forms import StructureForm


def _staff(request):
    if not permissions.can_use_back_office(request.user):
        raise PermissionDenied


def _admin(request):
    if not permissions.can_edit_networks(request.user):
        raise PermissionDenied


@login_required
@require_GET
def home(request):
    _staff(request)
    structures = Structure.objects.all()
    return render(
        request,
        "region/home.html",
        {
            "network_count": Network.objects.filter(is_active=True).count(),
            "structure_count": structures.filter(is_active=True).count(),
            "stale_count": stale_count(structures),
        },
    )


@login_required
@require_GET
def network_list(request):
    _staff(request)
    networks = Network.objects.annotate(structure_count=Count("structures")).order_by("label")
    return render(
        request,
        "region/networks.html",
        {"networks": networks, "can_edit": permissions.can_edit_networks(request.user)},
    )


@login_required
@submitted_once
def network_create(request):
    _admin(request)
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        network = form.save(commit=False)
        history.create_with_history(network, request.user)
        messages.success(request, f"Le réseau « {network.label} » a été créé.")
        return redirect("region:networks")
    return render(request, "region/network_form.html", {"form": form, "network": None})


@login_required
def network_edit(request, pk):
    _admin(request)
    network = get_object_or_404(Network, pk=pk)
    before = history.snapshot(network)
    form = NetworkForm(request.POST or None, instance=network)
    if request.method == "POST" and form.is_valid():
        record = history.save_with_history(form.save(commit=False), before, request.user)
        messages.success(
            request, "Le réseau a été mis à jour." if record else "Aucune modification à enregistrer."
        )
        return redirect("region:networks")
    return render(request, "region/network_form.html", {"form": form, "network": network})


@login_required
@require_GET
def structure_list(request):
    _staff(request)
    structures = Structure.objects.select_related("network").order_by("name")
    network = raw_parameter(request.GET.get("reseau"))
    departement = raw_parameter(request.GET.get("departement"), max_length=3)
    stale = request.GET.get("anciennes", "") == "1"
    offline = request.GET.get("sans_membre", "") == "1"
    if offline:
        structures = structures.without_active_member()
    if network:
        structures = structures.filter(network__code=network)
    if departement:
        structures = structures.filter(sites__commune__departement_id=departement).distinct()
    if stale:
        limit = stale_before()
        structures = structures.filter(
            Q(updated_at__lt=limit)
            | Q(sites__is_active=True, sites__updated_at__lt=limit)
            | Q(sites__is_active=True, sites__services__is_active=True, sites__services__updated_at__lt=limit)
        ).distinct()
    page = Paginator(structures, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "region/structures.html",
        {
            "page": page,
            "networks": Network.objects.order_by("label"),
            "departements": Departement.objects.filter(region_id=_region_code()).order_by("code")
            or Departement.objects.order_by("code"),
            "filters": {
                "reseau": network,
                "departement": departement,
                "anciennes": stale,
                "sans_membre": offline,
            },
            "query": query.urlencode(),
            "can_edit": permissions.can_edit_networks(request.user),
        },
    )


def _region_code():
    from django.conf import settings

    return getattr(settings, "SPRO_REGION", "")


@login_required
@submitted_once
def structure_create(request):
    _admin(request)
    form = StructureForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        structure = form.save(commit=False)
        history.create_with_history(structure, request.user)
        messages.success(request, f"La structure « {structure.name} » a été créée.")
        return redirect("structures:detail", pk=structure.pk)
    return render(request, "region/structure_form.html", {"form": form})


@login_required
@require_GET
def stale_list(request):
    _staff(request)
    structures = Structure.objects.all()
    return render(
        request,
        "region/stale.html",
        {
            "stale": permissions.mark_confirmable(stale_records(structures, limit=500), request.user),
            "total": stale_count(structures),
            "confirmable": request.user.is_region_admin,
        },
    )
