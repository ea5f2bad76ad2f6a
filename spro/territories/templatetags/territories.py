"""What the commune field shows: "Toulouse (31)" for a known commune, never its bare INSEE code."""

from django import template

from spro.territories.lookup import COMMUNE_LABEL, INSEE_CODE, commune_label, find_commune

register = template.Library()


@register.simple_tag
def commune_shown(value, commune=None) -> dict:
    """{"text": shown in the field, "code": INSEE code of the chosen commune or ""} for a field value.

    `commune` is the commune the page already found (the annuaire's search); otherwise a value that is an
    INSEE code or a label is looked up, and any other text (a name, a postal code) is shown as typed.
    """
    text = str(value or "").strip()
    if not commune:
        commune = None
    if commune is None and (INSEE_CODE.match(text) or COMMUNE_LABEL.match(text)):
        commune = find_commune(text)
    if commune is None:
        return {"text": text, "code": ""}
    return {"text": commune_label(commune), "code": commune.code}
