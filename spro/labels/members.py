"""The Région's view of its SPRO members, for its dashboard and exports and for the open-data API:
who has which status, volets, network and départements; labels about to end; annual reports due,
late and submitted; the progress of a campaign; who signed the charter in force.

Every figure reads the statuses kept by `spro.labels.status.refresh_status` (the same rows as
`GET /api/v1/membres`), so the dashboard and the open data never disagree.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from spro.labels.models import Adhesion, AnnualReport, Application, Campaign, Label, SproStatus
from spro.labels.states import ApplicationState, CampaignState, SproStatusCode

EXPIRING_DAYS = 90
# The statuses of the SPRO's members, who sign its charter (a partenaire local is not a member).
MEMBER_STATUSES = (SproStatusCode.MEMBRE_DE_DROIT, SproStatusCode.RECONNU, SproStatusCode.LABELLISE)


def members(status: str | None = None):
    """One row per active structure with a SPRO status, by name (`GET /api/v1/membres`)."""
    rows = SproStatus.objects.members().select_related("structure").order_by("structure__name", "pk")
    return rows.filter(status=status) if status else rows


def filtered_members(status: str = "", volet: str = "", network: str = "", departement: str = ""):
    """`members()` narrowed by each filter given; an empty filter keeps everyone."""
    rows = members(status or None).select_related("structure__network")
    if network:
        rows = rows.filter(structure__network__code=network)
    if departement:
        rows = rows.filter(
            structure__sites__is_active=True, structure__sites__commune__departement_id=departement
        ).distinct()
    if volet:
        # Volets are a JSON list (no `contains` lookup on SQLite): only labelled members have some.
        holding = [
            pk
            for pk, volets in rows.filter(status=SproStatusCode.LABELLISE).values_list("pk", "volets")
            if volet in (volets or [])
        ]
        rows = rows.filter(pk__in=holding)
    return rows


def departements_of(structure_ids) -> dict[int, list[str]]:
    """Structure id → the codes of the départements of its active sites, sorted. Remote-only entries
    (no commune) lie in no département."""
    from spro.directory.models import Site

    found = defaultdict(set)
    pairs = Site.objects.filter(
        structure_id__in=list(structure_ids), is_active=True, commune__isnull=False
    ).values_list("structure_id", "commune__departement_id")
    for structure_id, code in pairs:
        found[structure_id].add(code)
    return {key: sorted(codes) for key, codes in found.items()}


def count_by_status(rows) -> list[tuple[str, str, int]]:
    """(code, French label, count) for every status, in the order of SproStatusCode."""
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    return [(code, label, counts.get(code, 0)) for code, label in SproStatusCode.choices]


def count_by_volet(rows, volets: dict[str, str]) -> list[tuple[str, str, int]]:
    """(code, French label, count of labelled members holding it) for every volet of the policy, then
    any volet a label still holds that the policy no longer lists."""
    counts = Counter()
    for held in rows.filter(status=SproStatusCode.LABELLISE).values_list("volets", flat=True):
        counts.update(set(held or []))
    known = [(code, label, counts.get(code, 0)) for code, label in volets.items()]
    others = [(code, code, n) for code, n in sorted(counts.items()) if code not in volets]
    return known + others


def count_by_network(rows) -> list[tuple[str, str, int, dict]]:
    """(network code, label, members, count per status) for each network with members, by label."""
    per = defaultdict(Counter)
    labels = {}
    for code, label, status in rows.order_by().values_list(
        "structure__network__code", "structure__network__label", "status"
    ):
        labels[code] = label
        per[code][status] += 1
    return sorted(
        ((code, labels[code], sum(per[code].values()), dict(per[code])) for code in per),
        key=lambda item: (item[1].lower(), item[0]),
    )


def count_by_departement(rows) -> list[tuple[str, str, int, dict]]:
    """(département code, name, members with an active site there, count per status), by code. A
    member with sites in several départements counts in each."""
    from spro.directory.models import Site

    pairs = (
        # Remote-only entries have no commune: they count in no département.
        Site.objects.filter(
            is_active=True, commune__isnull=False, structure_id__in=rows.order_by().values("structure_id")
        )
        .values_list(
            "commune__departement_id",
            "commune__departement__name",
            "structure_id",
            "structure__spro_status__status",
        )
        .distinct()
    )
    names = {}
    per = defaultdict(dict)
    for code, name, structure_id, status in pairs:
        names[code] = name
        per[code][structure_id] = status
    return [(code, names[code], len(per[code]), dict(Counter(per[code].values()))) for code in sorted(per)]


def expiring_labels(region_code: str, day: date, days: int = EXPIRING_DAYS):
    """Live labels whose validity ends between `day` and `day + days` (both included), soonest first."""
    return (
        Label.objects.live()
        .filter(region_code=region_code, valid_until__gte=day, valid_until__lte=day + timedelta(days=days))
        .select_related("structure", "decision", "policy")
        .order_by("valid_until", "structure__name", "pk")
    )


@dataclass
class ReportYear:
    year: int
    due: int  # not submitted, due date not passed
    late: int  # not submitted, due date passed
    submitted: int

    @property
    def total(self) -> int:
        return self.due + self.late + self.submitted


def reports(region_code: str):
    return AnnualReport.objects.filter(label__region_code=region_code).select_related(
        "label__structure", "label__policy", "submitted_by"
    )


def report_state(report: AnnualReport, day: date) -> str:
    """`remis`, `en-retard` or `attendu`."""
    if report.submitted_at is not None:
        return "remis"
    return "en-retard" if day > report.due_on else "attendu"


REPORT_STATES = {"attendu": "Attendu", "en-retard": "En retard", "remis": "Remis"}


def reports_by_year(region_code: str, day: date) -> list[ReportYear]:
    """Per activity year, most recent first: reports due (not yet late), late and submitted."""
    rows = (
        reports(region_code)
        .order_by()
        .values("year")
        .annotate(
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            late=Count("pk", filter=Q(submitted_at__isnull=True, due_on__lt=day)),
            due=Count("pk", filter=Q(submitted_at__isnull=True, due_on__gte=day)),
        )
        .order_by("-year")
    )
    return [ReportYear(r["year"], r["due"], r["late"], r["submitted"]) for r in rows]


def followed_campaign(region_code: str, day: date) -> Campaign | None:
    """The campaign open on `day` (the one closing first), else the last one opened before, else the
    next one to open; None for a Région that takes applications all year round."""
    campaigns = Campaign.objects.filter(region_code=region_code)
    return (
        campaigns.open_on(region_code, day).first()
        or campaigns.filter(opens_on__lte=day).order_by("-opens_on", "-pk").first()
        or campaigns.filter(opens_on__gt=day).order_by("opens_on", "pk").first()
    )


def campaign_progress(region_code: str, campaign: Campaign | None, day: date) -> dict:
    """Applications per state for the campaign, or, without campaigns, for those started this year."""
    applications = Application.objects.filter(region_code=region_code)
    if campaign is not None:
        applications = applications.filter(campaign=campaign)
        title = str(campaign)
        is_open = campaign.opens_on <= day <= campaign.closes_on or campaign.state == CampaignState.OPEN
    else:
        applications = applications.filter(created_at__year=day.year)
        title = f"Dossiers ouverts en {day.year} (dépôt au fil de l'eau)"
        is_open = True
    counts = dict(applications.order_by().values_list("state").annotate(n=Count("pk")))
    states = [(code, label, counts.get(code, 0)) for code, label in ApplicationState.choices]
    return {
        "campaign": campaign,
        "title": title,
        "is_open": is_open,
        "states": states,
        "total": sum(counts.values()),
    }


def charter_signatures(charter):
    """For the charter version: each member that must sign it (membre de droit, reconnu, labellisé)
    with its adhesion or None, by name."""
    rows = list(members().filter(status__in=MEMBER_STATUSES).select_related("structure__network"))
    adhesions = {
        a.structure_id: a
        for a in Adhesion.objects.filter(
            charter=charter, structure_id__in=[r.structure_id for r in rows]
        ).select_related("accepted_by")
    }
    return [(row, adhesions.get(row.structure_id)) for row in rows]
