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
