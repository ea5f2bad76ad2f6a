"""Counts of the reception log: people received, by category (the log is anonymous, counts only)."""

from django.db.models import Sum

from spro.activity import codes
from spro.activity.models import Reception

DIMENSIONS = {
    "mode": codes.MODES,
    "sexe": codes.SEXES_LOG,
    "age_band": codes.AGE_BANDS,
    "statut": codes.STATUTS_LOG,
    "need": codes.NEEDS_LOG,
    "answer": codes.ANSWERS,
}


def people(queryset) -> int:
    return queryset.aggregate(n=Sum("people"))["n"] or 0


def breakdown(queryset, dimension: str) -> dict:
    """{code: people} for every code of the dimension, zeros included, in the vocabulary's order."""
    found = dict(queryset.values_list(dimension).annotate(n=Sum("people")).order_by())
    return {code: found.get(code, 0) for code in DIMENSIONS[dimension]}


def provenance(queryset, departements: set[str]) -> dict:
    """People living inside the given départements, outside them, or of unknown commune; and by EPCI."""
    rows = queryset.values_list("commune__departement_id", "commune__epci_id").annotate(n=Sum("people"))
    inside = outside = unknown = 0
    by_epci: dict[str, int] = {}
    for departement, epci, n in rows.order_by():
        if departement is None:
            unknown += n
            continue
        if departement in departements:
            inside += n
        else:
            outside += n
        by_epci[epci or ""] = by_epci.get(epci or "", 0) + n
    return {
        "dans_le_territoire": inside,
        "hors_territoire": outside,
        "inconnue": unknown,
        "par_epci": by_epci,
    }


def for_structure(structure, year: int) -> dict:
    """Counts of one structure's reception log for a calendar year, for the annual report.

    Returns (all counts are people, a group entry counting each of its people):
    - "annee": the year;
    - "personnes_recues": people received at the first level (individual and group entries);
    - "par_sexe": {sexe code: people} (codes of spro.activity.codes.SEXES_LOG, zeros included);
    - "par_tranche_age": {age band code: people} (AGE_BANDS);
    - "provenance": {"dans_le_territoire", "hors_territoire", "inconnue": people, "par_epci":
      {EPCI SIREN: people}}, the territory being the départements of the structure's sites.
    Unmasked: the structure reads its own figures.
    """
    queryset = Reception.objects.filter(structure=structure, date__year=year)
    departements = set(structure.sites.values_list("commune__departement_id", flat=True))
    return {
        "annee": year,
        "personnes_recues": people(queryset),
        "par_sexe": breakdown(queryset, "sexe"),
        "par_tranche_age": breakdown(queryset, "age_band"),
        "provenance": provenance(queryset, departements),
    }


# --- the indicator pages: one table per dimension ------------------------------------------------------

TABLES = {
    "mois": "Personnes reçues par mois",
    "mode": "Par mode d'accueil",
    "sexe": "Par sexe",
    "age_band": "Par tranche d'âge",
    "statut": "Par statut",
    "provenance": "Par provenance",
    "epci": "Par EPCI de résidence",
    "need": "Par demande",
    "answer": "Par réponse apportée",
}
MONTHS_FR = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip
PROVENANCE_LABELS = {
    "dans_le_territoire": "Dans le territoire",
    "hors_territoire": "Hors du territoire",
    "inconnue": "Commune non précisée",
}


def by_month(queryset) -> dict:
    """{"AAAA-MM": people}, months without receptions left out, in date order.

    Grouped by day on the indexed date column, then by month here: a month function in SQL is a Python
    function on SQLite, called once per row."""
    found: dict[str, int] = {}
    for day, n in queryset.values_list("date").annotate(n=Sum("people")).order_by("date"):
        key = f"{day:%Y-%m}"
        found[key] = found.get(key, 0) + n
    return found


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS_FR[int(month) - 1]} {year}"


def _raw_rows(queryset):
    """The rows of a values_list() queryset straight from the database cursor, without Django's
    per-value conversions (tens of thousands of rows: the conversions were most of the time)."""
    from django.db import connections

    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            chunk = cursor.fetchmany(5000)
            if not chunk:
                return
            yield from chunk


def tables(queryset, departements: set[str], zones=None) -> list[dict]:
    """Every table of an indicator page, unmasked: {"code", "title", "rows": [(code, label, people)],
    "total"}.

    The territory of the provenance table is `departements`, or `zones` when given: the codes of zones
    d'emploi (a set: a zone d'emploi view), or (column of the commune of residence, codes), e.g.
    ("commune__living_area_id", {"31555"}) for a bassin de vie view; the EPCI table lists the EPCI of
    residence of the people whose commune is known (most first). One pass over the entries (a scan,
    then counts here) rather than one grouped query per table: a year of a whole Région is read
    once."""
    from spro.territories.models import Epci

    columns = list(DIMENSIONS)
    counts = {dimension: dict.fromkeys(vocabulary, 0) for dimension, vocabulary in DIMENSIONS.items()}
    months: dict[str, int] = {}
    origin = dict.fromkeys(PROVENANCE_LABELS, 0)
    by_epci: dict[str, int] = {}
    if zones is None:
        place, territory = "commune__departement_id", departements
    elif isinstance(zones, tuple):
        place, territory = zones
    else:
        place, territory = "commune__employment_zone_id", zones
    rows = queryset.values_list(
        "date", *columns, "commune_id", place, "commune__epci_id", "people"
    ).order_by()
    for day, *values, commune, where, epci, n in _raw_rows(rows):
        key = str(day)[:7]  # a date (PostgreSQL) or its ISO text (SQLite): "AAAA-MM"
        months[key] = months.get(key, 0) + n
        for dimension, code in zip(columns, values, strict=True):
            table = counts[dimension]
            table[code] = table.get(code, 0) + n
        if commune is None:
            origin["inconnue"] += n
            continue
        origin["dans_le_territoire" if where in territory else "hors_territoire"] += n
        by_epci[epci or ""] = by_epci.get(epci or "", 0) + n

    result = [{"code": "mois", "rows": [(k, month_label(k), n) for k, n in months.items()]}]
    for dimension, vocabulary in DIMENSIONS.items():
        result.append(
            {"code": dimension, "rows": [(c, vocabulary.get(c, c), n) for c, n in counts[dimension].items()]}
        )
    result.append(
        {"code": "provenance", "rows": [(k, label, origin[k]) for k, label in PROVENANCE_LABELS.items()]}
    )
    names = dict(Epci.objects.filter(pk__in=[k for k in by_epci if k]).values_list("pk", "name"))
    epci_rows = sorted(by_epci.items(), key=lambda item: (-item[1], item[0]))
    result.append(
        {
            "code": "epci",
            "rows": [(k, names.get(k, "Sans EPCI") if k else "Sans EPCI", n) for k, n in epci_rows],
        }
    )
    order = list(TABLES)
    result.sort(key=lambda table: order.index(table["code"]))
    for table in result:
        table["title"] = TABLES[table["code"]]
        table["total"] = sum(row[2] for row in table["rows"])
        table["unit"] = "Personnes reçues"
        table["head"] = "Mois" if table["code"] == "mois" else "Catégorie"
        if table["code"] == "answer":
            table["share"] = second_door_share(table)
    return result


def masked(table: dict, limit: int | None = None) -> dict:
    """The table as it may leave the structure: small cells (and those that would give them away by
    subtraction from the total, listed in "secondary") are None, and the total None when it is itself
    under the threshold. The share of the answer table is recomputed from the masked cells."""
    from spro.activity.masking import mask_table

    cells, total, secondary = mask_table({row[0]: row[2] for row in table["rows"]}, limit)
    result = {
        **table,
        "rows": [(c, label, cells[c]) for c, label, _n in table["rows"]],
        "total": total,
        "secondary": secondary,
    }
    if "share" in table:
        result["share"] = second_door_share(result)
    return result


# --- referrals and the second door -----------------------------------------------------------------

SECOND_DOOR = "orientation"


def second_door_share(answer_table: dict) -> dict:
    """{"people", "total", "percent"} of the people whose answer was "orientation vers un réseau"
    among all people received; "percent" (French text, "25,0 %") is None when either count is masked
    or the total is zero."""
    people = next((n for code, _label, n in answer_table["rows"] if code == SECOND_DOOR), 0)
    total = answer_table["total"]
    percent = None
    if people is not None and total:
        percent = f"{100 * people / total:.1f}".replace(".", ",") + "\u00a0%"
    return {"people": people, "total": total, "percent": percent}


def network_labels() -> dict:
    from spro.directory.models import Network

    return dict(Network.objects.values_list("code", "label"))


def referral_table(code: str, title: str, referrals, labels: dict) -> dict:
    """A table of referrals by (first door network, second door network), read from the referrals'
    own indicator (ReferralQuerySet.by_network_pair): one row per pair, its total."""
    rows = [
        (
            f"{row['from_network']}>{row['to_network']}",
            f"{labels.get(row['from_network'], row['from_network'])} → "
            f"{labels.get(row['to_network'], row['to_network'])}",
            row["total"],
        )
        for row in referrals.by_network_pair()
    ]
    return {
        "code": code,
        "title": title,
        "rows": rows,
        "total": sum(row[2] for row in rows),
        "unit": "Orientations",
        "head": "Réseau qui oriente → réseau qui reçoit",
    }


def monthly_open_data(queryset):
    """(month "AAAA-MM", département of the site, network code, people) rows, in that order: the open
    data of the reception log, before masking (grouped by day in SQL, by month here, as `by_month`)."""
    rows = (
        queryset.exclude(site=None)
        .values_list("date", "site__commune__departement_id", "structure__network__code")
        .annotate(n=Sum("people"))
        .order_by()
    )
    months: dict[tuple, int] = {}
    for day, departement, network, n in rows:
        key = (f"{day:%Y-%m}", departement, network)
        months[key] = months.get(key, 0) + n
    return [(*key, n) for key, n in sorted(months.items())]
