"""French number formats of the coverage page: thousands grouped by a narrow no-break space."""

from django import template

register = template.Library()


@register.filter
def nombre(value):
    """12345 → « 12 345 »; 12.5 → « 12,5 »; None → « — »."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        whole, _, decimals = f"{value:.1f}".partition(".")
        return f"{nombre(int(whole))},{decimals}"
    return f"{int(value):,}".replace(",", "\u202f")


@register.filter
def pourcent(value):
    """A share 0..1 as « 87,3 % »; None → « — »."""
    if value is None:
        return "—"
    return f"{100 * value:.1f}".replace(".", ",") + "\u00a0%"
