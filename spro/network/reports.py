"""The territory's figures that pre-fill a local committee's yearly programme and activity report: the
reception log (spro.activity.indicators) of the sites whose commune lies in the territory, masked as
any figure leaving a structure is (small cells hidden)."""

from spro.activity import indicators
from spro.activity.models import Reception

TABLES = ("need", "statut", "age_band", "answer")


def territory_indicators(territory, year: int) -> dict:
    communes = territory.commune_queryset()
    queryset = Reception.objects.filter(site__commune__in=communes, date__year=year)
    departements = set(communes.values_list("departement_id", flat=True).distinct())
    found = {table["code"]: indicators.masked(table) for table in indicators.tables(queryset, departements)}
    people = found["mode"]["total"] if "mode" in found else None
    return {
        "annee": year,
        "personnes_recues": people,
        "structures": queryset.values("structure").distinct().count(),
        "tables": [
            {
                "title": found[code]["title"],
                "rows": [[label, n] for _code, label, n in found[code]["rows"]],
                "total": found[code]["total"],
            }
            for code in TABLES
            if code in found
        ],
    }
