"""`|pluriel`: Django's `pluralize` with the French rule: 0 and 1 take the singular ("0 lieu", "2 lieux")."""

from django import template
from django.template.defaultfilters import pluralize

register = template.Library()


@register.filter(is_safe=False)
def pluriel(value, arg="s"):
    """Like `pluralize` ("s", "x" or "singulier,pluriel"), plural only from 2 on."""
    try:
        number = abs(float(value))
    except (TypeError, ValueError):
        try:
            number = len(value)
        except TypeError:
            return ""
    # pluralize(1) gives the singular; French treats every number below 2 alike.
    return pluralize(1 if number < 2 else 2, arg)
