"""The professional home's block: my structures, with the records to check."""

from django import template

from spro.directory.models import Structure
from spro.directory.permissions import mark_confirmable
from spro.directory.stale import stale_records

register = template.Library()


@register.inclusion_tag("structures/_pro_home_block.html", takes_context=True)
def my_structures(context):
    user = context["user"]
    structures = Structure.objects.filter(memberships__user=user).select_related("network").order_by("name")
    structures = list(structures)
    stale = (
        stale_records(Structure.objects.filter(pk__in=[s.pk for s in structures]), limit=200)
        if structures
        else []
    )
    mark_confirmable(stale, user)
    return {
        "structures": structures,
        "stale": stale,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
