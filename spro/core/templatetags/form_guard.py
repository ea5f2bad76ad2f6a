"""`{% form_guard %}`: the hidden fields of `spro.core.guards`, to put inside any form that writes."""

from django import template

from spro.core.guards import HONEYPOT_FIELD, TOKEN_FIELD, issue_token

register = template.Library()


@register.inclusion_tag("core/_form_guard.html", takes_context=True)
def form_guard(context):
    request = context.get("request")
    return {
        "token_field": TOKEN_FIELD,
        "token": issue_token(),
        "honeypot_field": HONEYPOT_FIELD if getattr(request, "spro_public_form", None) else "",
    }
