"""Commune lookup by name or postal code, shared by the portal and the API.

Names are compared in a normalised form (lower case, no accents, words separated by spaces,
"st"/"ste" expanded), so that "saint etienne", "SAINT-ÉTIENNE" and "st etienne" are the same query.
"""

import re
import unicodedata

from django.db.models import Case, IntegerField, Q, Value, When

from spro.territories.models import Commune

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_NON_WORD = re.compile(r"[^a-z0-9]+")
POSTAL_CODE = re.compile(r"^\d{2,5}$")
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.IGNORECASE)
# "Toulouse (31)": the label the commune field shows once a suggestion is chosen (name, département).
COMMUNE_LABEL = re.compile(r"^(?P<name>.*\S)\s*\((?P<departement>\d{2,3}|2[AB])\)$", re.IGNORECASE)


def normalize(text: str) -> str:
    """ASCII, lower-case, words separated by one space, common abbreviations expanded."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    words = _NON_WORD.sub(" ", ascii_text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def search_communes(query: str, limit: int = 10) -> list[Commune]:
    """Communes matching a name or a postal code (or an INSEE code), best match first."""
    query = (query or "").strip()
    if not query:
        return []
    base = Commune.objects.select_related("departement", "region")
    if POSTAL_CODE.match(query):
        matches = base.filter(Q(postal_code_set__code__startswith=query) | Q(code=query)).annotate(
            # People type postal codes far more often than INSEE codes: "13001" is Marseille 1er before
            # the INSEE code of Aix-en-Provence.
            rank=Case(
                When(postal_code_set__code=query, then=Value(0)),
                When(code=query, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        ordered = matches.order_by("rank", "-population", "name")
        # A commune with several matching postal codes appears once, at its best rank.
        seen: dict[str, Commune] = {}
        for commune in ordered[: limit * 4]:
            seen.setdefault(commune.code, commune)
            if len(seen) == limit:
                break
        return list(seen.values())
    if INSEE_CODE.match(query):
        return list(base.filter(code=query.upper())[:limit])
    name = normalize(query)
    if not name:
        return []
    matches = base.filter(Q(search_name__startswith=name) | Q(search_name__contains=f" {name}")).annotate(
        rank=Case(
            When(search_name=name, then=Value(0)),
            When(search_name__startswith=f"{name} ", then=Value(1)),
            When(search_name__startswith=name, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )
    return list(matches.order_by("rank", "-population", "name")[:limit])


def get_commune(code: str) -> Commune | None:
    """The commune of an INSEE code (the primary key): no ordering to work out for one row (`first()`
    ordered by name, a quarter of the lookup's time in the ORM, py-spy of the API's /lieux)."""
    communes = Commune.objects.select_related("departement", "region").filter(code=(code or "").upper())
    return next(iter(communes.order_by()[:1]), None)


def commune_label(commune: Commune) -> str:
    """What the commune field shows for a chosen commune: "Toulouse (31)"."""
    return f"{commune.name} ({commune.departement_id})"


def find_commune(text: str) -> Commune | None:
    """The one commune a person meant: an INSEE code, a label "Toulouse (31)", a postal code or a name."""
    text = (text or "").strip()
    if len(text) < 2:
        return None
    if INSEE_CODE.match(text):
        commune = get_commune(text)
        if commune is not None:
            return commune
    label = COMMUNE_LABEL.match(text)
    if label:
        name = normalize(label["name"])
        commune = (
            Commune.objects.select_related("departement", "region")
            .filter(search_name=name, departement_id=label["departement"].upper())
            .order_by("-population")
            .first()
        )
        if commune is not None:
            return commune
    found = search_communes(text, limit=1)
    return found[0] if found else None
