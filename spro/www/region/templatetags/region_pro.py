"""The professional home's block for Région staff: the back office and the records to check."""

from django import template

from spro.directory.models import Structure
from spro.directory.stale import stale_count

register = template.Library()


@register.inclusion_tag("region/_pro_home_block.html", takes_context=True)
def region_block(context):
    user = context["user"]
    if not user.is_region_staff:
        return {"show": False}
    return {"show": True, "user": user, "stale_count": stale_count(Structure.objects.all())}
