from django.conf import settings
from django.urls import NoReverseMatch, reverse

# Main navigation: (URL name, label); entries whose feature is not installed are skipped.
NAV = [
    ("annuaire:search", "Annuaire des lieux d'accueil"),
    ("aiguillage:start", "Trouver mon interlocuteur"),
    ("metiers:index", "Métiers"),
    ("agenda:index", "Agenda"),
]

_region_names: dict[str, str] = {}


def region_name() -> str:
    """Name of the configured Région, read once from the referential (kept only once found)."""
    if settings.SPRO_REGION_NAME:
        return settings.SPRO_REGION_NAME
    code = settings.SPRO_REGION
    if code not in _region_names:
        from spro.territories.models import Region

        region = Region.objects.filter(code=code).only("name").first()
        if region is None:
            return "Occitanie" if code == "76" else f"Région {code}"
        _region_names[code] = region.name
    return _region_names[code]


def nav_items(path: str) -> list[dict]:
    items = []
    for name, label in NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": path.startswith(url)})
    return items


def portal(request):
    return {
        "NAV_ITEMS": nav_items(request.path),
        "REGION_NAME": region_name(),
        "PRIMARY_COLOR": settings.SPRO_PRIMARY_COLOR,
        "SECONDARY_COLOR": settings.SPRO_SECONDARY_COLOR,
        "LOGO_URL": settings.SPRO_LOGO_URL,
        "CONTACT_EMAIL": settings.SPRO_CONTACT_EMAIL,
        "CSP_NONCE": getattr(request, "csp_nonce", ""),
    }
