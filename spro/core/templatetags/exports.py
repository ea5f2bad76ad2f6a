"""`{% export_links %}`: the links that download the table of the page in CSV, XLSX and ODS.

Each link is the current page's address with its filters kept and `format` set, so a view answers
`table_response(..., request.GET["format"])` when the parameter is there.
"""

from django import template

from spro.core.spreadsheets import FORMATS

register = template.Library()


@register.inclusion_tag("spro/export_links.html", takes_context=True)
def export_links(context, what="ce tableau", parameter="format"):
    request = context["request"]
    links = []
    for code, (_media, extension, label) in FORMATS.items():
        query = request.GET.copy()
        query[parameter] = code
        links.append({"href": f"{request.path}?{query.urlencode()}", "label": label, "extension": extension})
    return {"links": links, "what": what}
