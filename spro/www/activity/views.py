"""The anonymous reception log (espace pro) and the activity indicators (structure and Région).

A member reads and fills the log of one of their structures (`?structure=<id>` when they belong to
several); they correct or delete the entries they recorded (the structure's administrators: any entry)
for 30 days, after which an entry is locked. The structure reads its own figures unmasked; the Région's
page masks small counts (spro.activity.masking) since they leave the structures.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from spro.accounts.decorators import region_staff_required
from spro.activity import codes, indicators
from spro.activity.imports import COLUMNS, import_csv
from spro.activity.masking import SECRET, shown, threshold
from spro.activity.models import EDITABLE_DAYS, Reception
from spro.core.guards import submitted_once
from spro.core.spreadsheets import table_response
from spro.directory.models import Membership, Structure
from spro.referrals.models import Referral
from spro.www.activity.forms import (
    DeleteForm,
    GroupForm,
    ImportForm,
    PeriodForm,
    ReceptionForm,
    RegionFilterForm,
)

PER_PAGE = 50
MEMBERS_ONLY = "Le journal des accueils est réservé aux membres d'une structure."
LOCKED = (
    f"Cet accueil a été enregistré il y a plus de {EDITABLE_DAYS} jours : il est verrouillé et ne peut "
    "plus être modifié ni supprimé (les chiffres d'un bilan déposé ne doivent plus bouger)."
)


# --- access ------------------------------------------------------------------------------------------


def _structures(user):
    return list(user.structures().select_related("network").order_by("name", "pk"))


def _structure_for(request) -> tuple[Structure, list[Structure]]:
    """The structure whose log is shown: `?structure=<id>` among the user's, or their first one."""
    structures = _structures(request.user)
    if not structures:
        raise PermissionDenied(MEMBERS_ONLY)
    wanted = request.GET.get("structure", "")
    if not wanted:
        return structures[0], structures
    for structure in structures:
        if str(structure.pk) == wanted:
            return structure, structures
    raise Http404("Structure inconnue")


def _reception_for(request, pk) -> Reception:
    """An entry of one of the user's structures that they may correct (404 for another structure's)."""
    reception = get_object_or_404(Reception.objects.select_related("structure", "site"), pk=pk)
    role = request.user.structure_role(reception.structure) if request.user.is_active else None
    if role is None:
        if not request.user.memberships.exists():
            raise PermissionDenied(MEMBERS_ONLY)
        raise Http404("Accueil inconnu")
    if role != Membership.Role.ADMIN and reception.created_by_id != request.user.pk:
        raise PermissionDenied(
            "Seuls la personne qui a enregistré l'accueil et les administrateurs de la structure "
            "peuvent le corriger."
        )
    return reception


def _with_structure(url: str, structure, structures) -> str:
    return f"{url}?structure={structure.pk}" if len(structures) > 1 else url


def _context(structure, structures, **extra) -> dict:
    return {
        "structure": structure,
        "structures": structures,
        "structure_query": f"?structure={structure.pk}" if len(structures) > 1 else "",
        **extra,
    }


# --- the log -----------------------------------------------------------------------------------------


@login_required
@require_GET
def log(request):
    structure, structures = _structure_for(request)
    queryset = Reception.objects.filter(structure=structure).select_related("site", "commune", "created_by")
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    role = request.user.structure_role(structure)
    for reception in page.object_list:
        reception.locked = reception.is_locked()
        reception.can_edit = not reception.locked and (
            role == Membership.Role.ADMIN or reception.created_by_id == request.user.pk
        )
    extra = f"structure={structure.pk}" if len(structures) > 1 else ""
    return render(
        request,
        "activite/log.html",
        _context(structure, structures, page=page, extra=extra, editable_days=EDITABLE_DAYS),
    )


@login_required
@submitted_once
@require_http_methods(["GET", "POST"])
def new(request):
    """One reception on one screen; after saving, an empty form again for the next person."""
    structure, structures = _structure_for(request)
    form = ReceptionForm(request.POST or None, structure=structure)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.save(user=request.user)
            messages.success(request, "Accueil enregistré.")
            return redirect(_with_structure(reverse("activite:new"), structure, structures))
        status = 422
    return render(request, "activite/new.html", _context(structure, structures, form=form), status=status)


@login_required
@submitted_once
@require_http_methods(["GET", "POST"])
def group(request):
    """A collective action: one row of the log per category (sexe, age band) that has people."""
    structure, structures = _structure_for(request)
    form = GroupForm(request.POST or None, structure=structure)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            key = uuid.uuid4().hex
            rows = [
                Reception(
                    structure=structure,
                    site=data.get("site"),
                    date=data["date"],
                    mode=data["mode"],
                    sexe=sexe,
                    age_band=age,
                    statut=data["statut"],
                    need=data["need"],
                    answer=data["answer"],
                    commune=data.get("commune"),
                    people=people,
                    group=key,
                    created_by=request.user,
                )
                for (sexe, age), people in form.counts().items()
                if people
            ]
            with transaction.atomic():
                Reception.objects.bulk_create(rows)
            total = sum(row.people for row in rows)
            messages.success(
                request, f"Action collective enregistrée : {total} personne{'s' if total > 1 else ''}."
            )
            return redirect(_with_structure(reverse("activite:log"), structure, structures))
        status = 422
    return render(request, "activite/group.html", _context(structure, structures, form=form), status=status)


def _locked_page(request, reception):
    return render(request, "activite/locked.html", {"reception": reception, "message": LOCKED}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    reception = _reception_for(request, pk)
    if reception.is_locked():
        return _locked_page(request, reception)
    structure = reception.structure
    structures = _structures(request.user)
    form = ReceptionForm(request.POST or None, instance=reception, structure=structure)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Accueil corrigé.")
            return redirect(_with_structure(reverse("activite:log"), structure, structures))
        status = 422
    return render(
        request,
        "activite/edit.html",
        _context(structure, structures, form=form, reception=reception),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    reception = _reception_for(request, pk)
    if reception.is_locked():
        return _locked_page(request, reception)
    structure = reception.structure
    structures = _structures(request.user)
    group_rows = (
        list(Reception.objects.filter(structure=structure, group=reception.group)) if reception.group else []
    )
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if group_rows and request.POST.get("portee") == "groupe":
                if any(row.is_locked() for row in group_rows):
                    return _locked_page(request, reception)
                Reception.objects.filter(pk__in=[row.pk for row in group_rows]).delete()
                messages.success(request, "Action collective supprimée.")
            else:
                reception.delete()
                messages.success(request, "Accueil supprimé.")
        return redirect(_with_structure(reverse("activite:log"), structure, structures))
    return render(
        request,
        "activite/delete.html",
        _context(structure, structures, form=form, reception=reception, group_rows=group_rows),
        status=422 if form.is_bound else 200,
    )


@login_required
@submitted_once
@require_http_methods(["GET", "POST"])
def import_file(request):
    structure, structures = _structure_for(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            report = import_csv(structure, form.cleaned_data["file"].read(), user=request.user)
            if report.ok:
                messages.success(
                    request,
                    f"Import terminé : {report.created} accueil{'s' if report.created > 1 else ''} "
                    f"ajouté{'s' if report.created > 1 else ''}, {report.skipped} déjà "
                    f"importé{'s' if report.skipped > 1 else ''}.",
                )
                return redirect(_with_structure(reverse("activite:log"), structure, structures))
        status = 422
    sites = structure.sites.order_by("pk")
    return render(
        request,
        "activite/import.html",
        _context(
            structure,
            structures,
            form=form,
            report=report,
            sites=sites,
            columns=COLUMNS,
            statut_codes=", ".join(codes.STATUTS_LOG),
            demande_codes=", ".join(codes.NEEDS_LOG),
        ),
        status=status,
    )


# --- indicators --------------------------------------------------------------------------------------


def _export(request, tables, filename_stem):
    """The table named by a `format_<code>` parameter as a download, or None."""
    for table in tables:
        fmt = request.GET.get(f"format_{table['code']}")
        if fmt is None:
            continue
        headers = [table["title"], table["unit"]]
        # A masked cell is the text "< 5" (or "secret"); a visible one stays a number.
        secondary = table.get("secondary", set())
        rows = [[label, _cell(value, code in secondary)] for code, label, value in table["rows"]]
        total = table["total"]
        rows.append(["Total", shown(None) if total is None else total])
        share = table.get("share")
        if share is not None:
            percent = share["percent"]
            rows.append([SHARE_LABEL, "non communiquée" if percent is None else percent])
        return table_response(f"{filename_stem}-{table['code']}", headers, rows, fmt, table["title"])
    return None


SHARE_LABEL = "Part des personnes orientées vers un réseau (deuxième porte)"


def _cell(value, secondary: bool):
    if value is None:
        return SECRET if secondary else shown(None)
    return value


def _period_referrals(start, end):
    return Referral.objects.filter(created_at__date__range=(start, end))


@login_required
@require_GET
def structure_indicators(request):
    """The structure's own figures, unmasked: they do not leave the structure."""
    structure, structures = _structure_for(request)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    queryset = Reception.objects.filter(structure=structure, date__range=(start, end))
    departements = set(structure.sites.values_list("commune__departement_id", flat=True))
    tables = indicators.tables(queryset, departements)
    labels = indicators.network_labels()
    referrals = _period_referrals(start, end)
    tables += [
        indicators.referral_table(
            "orientations-envoyees",
            "Orientations envoyées, par paire de réseaux",
            referrals.filter(sender_structure=structure),
            labels,
        ),
        indicators.referral_table(
            "orientations-recues",
            "Orientations reçues, par paire de réseaux",
            referrals.filter(to_structure=structure),
            labels,
        ),
    ]
    download = _export(request, tables, f"accueils-structure-{structure.pk}")
    if download is not None:
        return download
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "activite/structure_indicators.html",
        _context(
            structure,
            structures,
            form=form,
            tables=tables,
            start=start,
            end=end,
            masked=False,
            threshold=threshold(),
        ),
        status=status,
    )


def _touching(referrals, place: str, code: str):
    """Referrals sent by a structure with a site in the territory, or to a site in it (a sub-query: a
    join on the sender's sites would count a referral once per site)."""
    inside = Referral.objects.filter(
        Q(**{f"to_site__{place}": code}) | Q(**{f"sender_structure__sites__{place}": code})
    )
    return referrals.filter(pk__in=inside.values("pk"))


@require_GET
@region_staff_required
def region_indicators(request):
    """Figures of every structure of the Région, filtered, small counts masked."""
    from django.conf import settings

    form = RegionFilterForm(request.GET or None)
    start, end = form.period()
    queryset = Reception.objects.filter(date__range=(start, end))
    departements = {code for code, _ in form.fields["departement"].choices if code}
    data = form.cleaned_data if form.is_valid() else {}
    referrals = _period_referrals(start, end)
    zones = None
    if data.get("departement"):
        queryset = queryset.filter(site__commune__departement_id=data["departement"])
        departements = {data["departement"]}
        referrals = _touching(referrals, "commune__departement_id", data["departement"])
    if data.get("zone"):
        queryset = queryset.filter(site__commune__employment_zone_id=data["zone"])
        zones = ("commune__employment_zone_id", {data["zone"]})
        referrals = _touching(referrals, "commune__employment_zone_id", data["zone"])
    if data.get("bassin"):
        queryset = queryset.filter(site__commune__living_area_id=data["bassin"])
        zones = ("commune__living_area_id", {data["bassin"]})
        referrals = _touching(referrals, "commune__living_area_id", data["bassin"])
    if data.get("reseau"):
        queryset = queryset.filter(structure__network__code=data["reseau"])
        referrals = referrals.filter(Q(from_network=data["reseau"]) | Q(to_network=data["reseau"]))
    tables = indicators.tables(queryset, departements, zones)
    tables.append(
        indicators.referral_table(
            "orientations",
            "Orientations envoyées et reçues, par paire de réseaux",
            referrals,
            indicators.network_labels(),
        )
    )
    tables = [indicators.masked(t) for t in tables]
    download = _export(request, tables, "accueils-region")
    if download is not None:
        return download
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "activite/region_indicators.html",
        {
            "form": form,
            "tables": tables,
            "start": start,
            "end": end,
            "masked": True,
            "threshold": threshold(),
            "region_code": settings.SPRO_REGION,
        },
        status=status,
    )
