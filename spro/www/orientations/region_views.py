"""Région pages: anonymous indicators, the audit log of personal data, requests of one person (RGPD)."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from spro.directory.models import Network
from spro.referrals.models import ContactRequest, PersonalDataAccess, Referral
from spro.referrals.persons import erase_person, export_person, find_person, record_refs
from spro.www.orientations.access import region_admin_required, region_staff_required
from spro.www.orientations.forms import PersonSearchForm

AUDIT_PER_PAGE = 50


@require_GET
@region_staff_required
def indicators(request):
    labels = dict(Network.objects.values_list("code", "label"))
    referrals = Referral.objects.all()
    pairs = referrals.by_network_pair()
    for row in pairs:
        row["from_label"] = labels.get(row["from_network"], row["from_network"])
        row["to_label"] = labels.get(row["to_network"], row["to_network"])
    contact_rows = ContactRequest.objects.by_network()
    for row in contact_rows:
        row["label"] = labels.get(row["network"], row["network"])
    median = referrals.median_time_to_first_answer()
    context = {
        "summary": referrals.summary(),
        "pairs": pairs,
        "acceptance_rate": referrals.acceptance_rate(),
        "median_hours": round(median.total_seconds() / 3600, 1) if median is not None else None,
        "contact_rows": contact_rows,
    }
    return render(request, "orientations/region/indicators.html", context)


@require_GET
@region_admin_required
def audit_log(request):
    queryset = PersonalDataAccess.objects.all()
    action = request.GET.get("action", "")
    if action in PersonalDataAccess.Action.values:
        queryset = queryset.filter(action=action)
    page = Paginator(queryset, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "action": action,
        "actions": PersonalDataAccess.Action.choices,
        "reason_days": settings.SPRO_RETENTION_DAYS,
        "log_days": settings.SPRO_ACCESS_LOG_RETENTION_DAYS,
    }
    return render(request, "orientations/region/audit_log.html", context)


@require_http_methods(["GET", "POST"])
@region_admin_required
def person_requests(request):
    """Search one person by email or phone (POST: the value never travels in a URL), then export or erase."""
    form = PersonSearchForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = find_person(data.get("email", ""), data.get("phone", ""))
        action = request.POST.get("action", "rechercher")
        refs = record_refs(found)
        if action == "exporter":
            PersonalDataAccess.record(
                request.user,
                PersonalDataAccess.RecordType.PERSON,
                reason=data["reason"],
                action=PersonalDataAccess.Action.EXPORT,
                records=refs,
            )
            content = json.dumps(export_person(found), ensure_ascii=False, indent=2)
            response = HttpResponse(content, content_type="application/json; charset=utf-8")
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="donnees-personne-{stamp}.json"'
            return response
        if action == "effacer":
            if request.POST.get("confirmer") != "oui":
                form.add_error(
                    None, "Cochez la case de confirmation pour effacer les données de la personne."
                )
            else:
                count = erase_person(found, request.user, data["reason"])
                messages.success(request, f"Données de la personne effacées dans {count} dossier(s).")
                found = find_person(data.get("email", ""), data.get("phone", ""))
                refs = record_refs(found)
        if action == "rechercher":
            PersonalDataAccess.record(
                request.user,
                PersonalDataAccess.RecordType.PERSON,
                reason=data["reason"],
                action=PersonalDataAccess.Action.SEARCH,
                records=refs,
            )
        context.update(found=found, searched=True, total=len(refs))
    return render(request, "orientations/region/person_requests.html", context)
