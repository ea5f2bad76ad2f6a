"""Guards of the forms that write: a one-time token against double submits, and for public forms a
honeypot and a rate limit.

Put `{% load form_guard %}{% form_guard %}` inside the form (next to `{% csrf_token %}`), then decorate
the view:

- `@submitted_once` on every view whose form creates something or sends a message. A post needs a
  valid token (signed, dated); the token is consumed in the same transaction as what the view writes,
  so a double click or a replay writes once: the second post is redirected where the first one led,
  with a message saying it was already sent.
- `@public_form("scope")` in addition on forms anyone may post: a filled honeypot is refused (400),
  and past the limits of `spro.core.ratelimit` the page is re-displayed with an alert (429).

A refused post re-displays the page as for a GET, with the posted data still bound to the form: views
here only write under `request.method == "POST"`, and never on a GET. So a view behind `require_POST`
(outside this decorator) keeps its `if request.method != "POST":` branch that shows the page: it is
what answers a refused post, and without it the refused post would be written.
"""

import re
import secrets
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from spro.core import ratelimit
from spro.core.models import UsedFormToken

TOKEN_FIELD = "form_token"
HONEYPOT_FIELD = "homepage"
TOKEN_MAX_AGE = timedelta(days=2)  # a form left open longer is re-displayed with a fresh token
_SALT = "spro.core.guards.form-token"
_NONCE = re.compile(r"^[A-Za-z0-9_-]{22}$")
_REDIRECTS = {301, 302, 303, 307, 308}

EXPIRED_MESSAGE = (
    "Ce formulaire a expiré ou n'est pas complet : rien n'a été enregistré. "
    "Vérifiez les informations ci-dessous et envoyez-le à nouveau."
)
ALREADY_SENT_MESSAGE = "Ce formulaire avait déjà été envoyé : il n'a pas été enregistré une seconde fois."
HONEYPOT_MESSAGE = (
    "Le formulaire n'a pas été envoyé : un champ qui doit rester vide a été rempli. "
    "Rechargez la page et réessayez."
)


def limit_message(refusal: ratelimit.Refusal) -> str:
    minutes = refusal.minutes
    return (
        "Trop de formulaires ont été envoyés depuis votre connexion en peu de temps. Par sécurité, "
        f"celui-ci n'a pas été envoyé : réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
    )


def issue_token() -> str:
    return signing.TimestampSigner(salt=_SALT).sign(secrets.token_urlsafe(16))


def read_token(value) -> str | None:
    """The nonce of a valid, unexpired token; None for anything else (missing, forged, hostile)."""
    if not isinstance(value, str) or not 0 < len(value) <= 200:
        return None
    try:
        nonce = signing.TimestampSigner(salt=_SALT).unsign(value, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None
    return nonce if _NONCE.match(nonce) else None


def redisplay(request, view, args, kwargs, *, status: int, message: str):
    """The page of the form again, as for a GET, with `message` as an alert and the given status."""
    request.POST  # noqa: B018 — read while the method is still POST, so the form stays bound to it
    messages.error(request, message)
    request.method = "GET"
    response = view(request, *args, **kwargs)
    if response.status_code != 200:  # the page does not display itself on a GET: say it plainly
        response = render(request, "core/refused.html", {"message": message})
    response.status_code = status
    return response


def _replay(request, used: UsedFormToken):
    messages.info(request, ALREADY_SENT_MESSAGE)
    if used.result_url:
        return redirect(used.result_url)
    return render(request, "core/refused.html", {"message": ALREADY_SENT_MESSAGE}, status=409)


def _claim(nonce: str) -> UsedFormToken | None:
    """Mark the token used; None if it already is. Waits for a concurrent first use to finish."""
    try:
        with transaction.atomic():
            return UsedFormToken.objects.create(nonce=nonce)
    except IntegrityError:
        return None


def submitted_once(view):
    """The view's form is processed once per token: double clicks and replays write nothing more."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        nonce = read_token(request.POST.get(TOKEN_FIELD))
        if nonce is None:
            return redisplay(request, view, args, kwargs, status=400, message=EXPIRED_MESSAGE)
        used = UsedFormToken.objects.filter(nonce=nonce).first()
        if used is not None:
            return _replay(request, used)
        with transaction.atomic():
            claim = _claim(nonce)
            if claim is not None:
                response = view(request, *args, **kwargs)
                if response.status_code in _REDIRECTS:
                    claim.result_url = response["Location"][:500]
                    claim.save(update_fields=["result_url"])
                else:  # the form was refused (errors shown): the same token may be posted again
                    claim.delete()
        if claim is None:  # a concurrent post with this token has just been processed
            return _replay(request, UsedFormToken.objects.get(nonce=nonce))
        UsedFormToken.objects.filter(used_at__lt=timezone.now() - 2 * TOKEN_MAX_AGE).delete()
        return response

    wrapper.submitted_once = True
    return wrapper


def public_form(scope: str):
    """A form anyone may post: honeypot, then per-address and per-session rate limit of `scope`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.spro_public_form = scope  # the form_guard tag renders the honeypot
            if request.method != "POST":
                return view(request, *args, **kwargs)
            if request.POST.get(HONEYPOT_FIELD):
                return redisplay(request, view, args, kwargs, status=400, message=HONEYPOT_MESSAGE)
            refusal = ratelimit.hit(scope, request)
            if refusal is not None:
                response = redisplay(request, view, args, kwargs, status=429, message=limit_message(refusal))
                response["Retry-After"] = str(refusal.retry_after)
                return response
            return view(request, *args, **kwargs)

        wrapper.public_form = scope
        return wrapper

    return decorator
