"""The Région's view of its SPRO members: a dashboard (statuses, volets, networks, départements, labels
about to end, annual reports, campaign progress), the list of members, charter signatures and annual
reports, every table downloadable in CSV, XLSX and ODS. The figures come from `spro.labels.members`."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from spro.accounts.decorators import region_staff_required
from spro.core.spreadsheets import table_response
from spro.core.text import raw_parameter
from spro.directory.models import Network
from spro.labels import members as queries
from spro.labels.models import Charter, LabelPolicy
from spro.labels.states import LabelState, SproStatusCode
from spro.territories.models import Departement

PER_PAGE = 50
STATUS_LABELS = dict(SproStatusCode.choices)
LABEL_STATES = dict(LabelState.choices)


def _region() -> str:
    return settings.SPRO_REGION


def _volets() -> dict[str, str]:
    policy = LabelPolicy.objects.reading(_region())
    return policy.volets if policy is not None else {}


def _volets_text(codes, volets) -> str:
    """The French names of the volets `codes`, in the policy's order (unknown codes last, as they are)."""
    codes = list(codes or [])
    known = [label for code, label in volets.items() if code in codes]
    return ", ".join(known + [code for code in codes if code not in volets])


def _per_status(counts: dict) -> list[int]:
    return [counts.get(code, 0) for code in SproStatusCode.values]


# --- the tables of the dashboard: (French title, file name, headers, rows) ---------------------------


def _status_table(rows, day, volets):
    data = [[label, n] for _code, label, n in queries.count_by_status(rows)]
    return "Membres par statut SPRO", "membres-par-statut", ["Statut SPRO", "Structures"], data


def _volet_table(rows, day, volets):
    data = [[label, n] for _code, label, n in queries.count_by_volet(rows, volets)]
    return "Membres labellisés par volet", "membres-par-volet", ["Volet", "Structures labellisées"], data


def _network_table(rows, day, volets):
    headers = ["Réseau", "Structures", *SproStatusCode.labels]
    data = [[label, n, *_per_status(per)] for _code, label, n, per in queries.count_by_network(rows)]
    return "Membres par réseau", "membres-par-reseau", headers, data


def _departement_table(rows, day, volets):
    headers = ["Code", "Département", "Structures", *SproStatusCode.labels]
    data = [[code, name, n, *_per_status(per)] for code, name, n, per in queries.count_by_departement(rows)]
    return "Membres par département", "membres-par-departement", headers, data


def _expiring_table(rows, day, volets):
    headers = ["Structure", "Volets", "État du label", "Valide du", "Valide jusqu'au", "Jours restants",
               "Attestation"]  # fmt: skip
    data = [
        [
            label.structure.name,
            _volets_text(label.volets, label.policy.policy.volets),
            LABEL_STATES.get(label.state, label.state),
            label.valid_from,
            label.valid_until,
            (label.valid_until - day).days,
            label.decision.attestation_reference or "",
        ]
        for label in queries.expiring_labels(_region(), day)
    ]
    title = f"Labels dont la validité se termine dans les {queries.EXPIRING_DAYS} prochains jours"
    return title, "labels-a-echeance", headers, data


def _report_year_table(rows, day, volets):
    headers = ["Année d'activité", "Attendus", "En retard", "Remis", "Total"]
    data = [[y.year, y.due, y.late, y.submitted, y.total] for y in queries.reports_by_year(_region(), day)]
    return "Bilans annuels par année", "bilans-par-annee", headers, data


def _campaign_table(rows, day, volets):
    progress = queries.campaign_progress(_region(), queries.followed_campaign(_region(), day), day)
    data = [[label, n] for _code, label, n in progress["states"]]
    return f"Avancement : {progress['title']}", "avancement-campagne", ["État du dossier", "Dossiers"], data


DASHBOARD_TABLES = {
    "statuts": _status_table,
    "volets": _volet_table,
    "reseaux": _network_table,
    "departements": _departement_table,
    "echeances": _expiring_table,
    "bilans": _report_year_table,
    "campagne": _campaign_table,
}


def _export_parameter(name: str) -> str:
    return f"export_{name}"


@region_staff_required
@require_GET
def dashboard(request):
    day = timezone.localdate()
    volets = _volets()
    rows = queries.members()
    for name, build in DASHBOARD_TABLES.items():
        fmt = request.GET.get(_export_parameter(name))
        if fmt is not None:
            title, filename, headers, data = build(rows, day, volets)
            return table_response(f"{filename}-{day:%Y-%m-%d}", headers, data, fmt, sheet_title=filename)
    tables = {}
    for name, build in DASHBOARD_TABLES.items():
        title, _filename, headers, data = build(rows, day, volets)
        tables[name] = {
            "title": title,
            "what": f"le tableau « {title} »",
            "headers": headers,
            "rows": data,
            "parameter": _export_parameter(name),
        }
    campaign = queries.followed_campaign(_region(), day)
    return render(
        request,
        "members/dashboard.html",
        {
            "today": day,
            "tables": tables,
            "total": rows.count(),
            "progress": queries.campaign_progress(_region(), campaign, day),
            "expiring_days": queries.EXPIRING_DAYS,
            "late_count": sum(y.late for y in queries.reports_by_year(_region(), day)),
        },
    )


# --- the list of members -----------------------------------------------------------------------------

LIST_HEADERS = ["Structure", "Réseau", "Statut SPRO", "Volets", "Départements", "Valide du",
                "Valide jusqu'au", "Attestation"]  # fmt: skip


def _choice(value, allowed) -> str:
    """The filter value if it is one of `allowed`, else "" (an unknown or hostile value is ignored)."""
    value = raw_parameter(value)
    return value if value in allowed else ""


def _departement_choices():
    chosen = Departement.objects.filter(region_id=_region()).order_by("code")
    return chosen if chosen.exists() else Departement.objects.order_by("code")


@region_staff_required
@require_GET
def member_list(request):
    volets = _volets()
    networks = list(
        Network.objects.filter(structures__spro_status__in=queries.members()).distinct().order_by("label")
    )
    departements = list(_departement_choices())
    filters = {
        "statut": _choice(request.GET.get("statut"), SproStatusCode.values),
        "volet": _choice(request.GET.get("volet"), volets),
        "reseau": _choice(request.GET.get("reseau"), {n.code for n in networks}),
        "departement": _choice(request.GET.get("departement"), {d.code for d in departements}),
    }
    rows = queries.filtered_members(
        status=filters["statut"],
        volet=filters["volet"],
        network=filters["reseau"],
        departement=filters["departement"],
    )
    fmt = request.GET.get("format")
    if fmt is not None:
        found = list(rows)
        where = queries.departements_of(r.structure_id for r in found)
        data = [
            [
                r.structure.name,
                r.structure.network.label,
                r.get_status_display(),
                _volets_text(r.volets, volets),
                ", ".join(where.get(r.structure_id, [])),
                r.valid_from,
                r.valid_until,
                r.attestation,
            ]
            for r in found
        ]
        day = timezone.localdate()
        return table_response(f"membres-spro-{day:%Y-%m-%d}", LIST_HEADERS, data, fmt, sheet_title="Membres")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    where = queries.departements_of(r.structure_id for r in page.object_list)
    for r in page.object_list:
        r.volets_text = _volets_text(r.volets, volets)
        r.departements = where.get(r.structure_id, [])
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "members/list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": SproStatusCode.choices,
            "volets": volets,
            "networks": networks,
            "departements": departements,
            "query": query.urlencode(),
        },
    )


# --- charters ----------------------------------------------------------------------------------------

SIGNATURE_HEADERS = ["Structure", "Réseau", "Statut SPRO", "Signée", "Signée le", "Signataire", "Fonction",
                     "Mode"]  # fmt: skip


def _mode(adhesion) -> str:
    if adhesion is None:
        return ""
    return "Document signé" if adhesion.document else "Acceptée en ligne"


@region_staff_required
@require_GET
def charters(request):
    versions = list(Charter.objects.filter(region_code=_region()).order_by("-version"))
    current = Charter.objects.current_for(_region())
    signatures = queries.charter_signatures(current) if current is not None else []
    signed_filter = _choice(request.GET.get("signee"), {"oui", "non"})
    if signed_filter:
        signatures = [(r, a) for r, a in signatures if (a is not None) == (signed_filter == "oui")]
    fmt = request.GET.get("format")
    if fmt is not None:
        data = [
            [
                r.structure.name,
                r.structure.network.label,
                r.get_status_display(),
                "oui" if a else "non",
                a.signed_on if a else None,
                a.signatory_name if a else "",
                a.signatory_function if a else "",
                _mode(a),
            ]
            for r, a in signatures
        ]
        stem = f"signatures-charte-v{current.version}" if current else "signatures-charte"
        return table_response(stem, SIGNATURE_HEADERS, data, fmt, sheet_title="Signatures")
    counts = {c.pk: c.adhesions.count() for c in versions}
    for version in versions:
        version.adhesion_count = counts[version.pk]
    every = queries.charter_signatures(current) if current is not None else []
    return render(
        request,
        "members/charters.html",
        {
            "versions": versions,
            "current": current,
            "signatures": [(r, a, _mode(a)) for r, a in signatures],
            "signed_count": sum(1 for _r, a in every if a is not None),
            "must_sign_count": len(every),
            "signed_filter": signed_filter,
        },
    )


# --- annual reports ----------------------------------------------------------------------------------

REPORT_HEADERS = ["Structure", "Année d'activité", "Volets", "À remettre le", "État", "Remis le", "Remis par"]


@region_staff_required
@require_GET
def reports(request):
    day = timezone.localdate()
    years = queries.reports_by_year(_region(), day)
    year_values = {str(y.year) for y in years}
    filters = {
        "annee": _choice(request.GET.get("annee"), year_values),
        "etat": _choice(request.GET.get("etat"), queries.REPORT_STATES),
    }
    found = queries.reports(_region()).order_by("-year", "due_on", "label__structure__name", "pk")
    if filters["annee"]:
        found = found.filter(year=int(filters["annee"]))
    rows = []
    for report in found:
        state = queries.report_state(report, day)
        if filters["etat"] and state != filters["etat"]:
            continue
        report.state_code = state
        report.state_label = queries.REPORT_STATES[state]
        report.volets_text = _volets_text(report.label.volets, report.label.policy.policy.volets)
        rows.append(report)
    fmt = request.GET.get("format")
    if fmt is not None:
        data = [
            [
                r.label.structure.name,
                r.year,
                r.volets_text,
                r.due_on,
                r.state_label,
                timezone.localtime(r.submitted_at).date() if r.submitted_at else None,
                r.submitted_by.get_full_name() or r.submitted_by.email if r.submitted_by else "",
            ]
            for r in rows
        ]
        return table_response(
            f"bilans-annuels-{day:%Y-%m-%d}", REPORT_HEADERS, data, fmt, sheet_title="Bilans"
        )
    fmt_years = request.GET.get("export_annees")
    if fmt_years is not None:
        data = [[y.year, y.due, y.late, y.submitted, y.total] for y in years]
        headers = ["Année d'activité", "Attendus", "En retard", "Remis", "Total"]
        return table_response(
            f"bilans-par-annee-{day:%Y-%m-%d}", headers, data, fmt_years, sheet_title="Années"
        )
    return render(
        request,
        "members/reports.html",
        {
            "today": day,
            "years": years,
            "reports": rows,
            "filters": filters,
            "states": queries.REPORT_STATES,
        },
    )
