"""The page title announces a form in error: "Erreur : 2 erreurs – " before the page's own title."""

from django import template

from spro.core.forms import form_errors_in

register = template.Library()


@register.simple_tag(takes_context=True)
def form_error_title(context) -> str:
    count = form_errors_in(context)
    if not count:
        return ""
    return f"Erreur : {count} erreur{'s' if count > 1 else ''} – "
