import sys

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from spro.core import operations
from spro.core.text import bad_request_message
from spro.events.search import search
from spro.territories.lookup import search_communes
from spro.www.portal.accessibility import current_statement

SUGGESTION_LIMIT = 8


class StaticPage(TemplateView):
    def get_context_data(self, **kwargs):
        # The privacy page states the retention period actually applied by the purge.
        return super().get_context_data(retention_days=settings.SPRO_RETENTION_DAYS, **kwargs)


HOME_EVENTS = 3


@require_GET
def home(request):
    return render(request, "portal/home.html", {"next_events": search({}, limit=HOME_EVENTS).events})


@require_GET
def accessibility(request):
    """The accessibility statement, generated from the RGAA audit file."""
    statement = current_statement()
    return render(
        request,
        "portal/accessibilite.html",
        {"statement": statement, "plan_url": settings.SPRO_ACCESSIBILITY_PLAN_URL},
    )


def _api_operations() -> list[dict]:
    """Every operation of the open API, read from its OpenAPI schema (so the page never drifts)."""
    from spro.api import api

    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "tag": (operation.get("tags") or ["Autres"])[0],
                    "parameters": [p["name"] for p in operation.get("parameters", [])],
                }
            )
    return operations


@require_GET
def api_page(request):
    """A DSFR page about the open API, leading to the interactive documentation and the schema."""
    from spro.api import api

    return render(
        request,
        "portal/api.html",
        {"operations": _api_operations(), "api_title": api.title, "api_version": api.version},
    )


@require_GET
def commune_suggestions(request):
    """Fragment for the commune combobox: the communes matching what the visitor typed, as options."""
    query = request.GET.get("commune", request.GET.get("q", "")).strip()[:100]
    communes = search_communes(query, limit=SUGGESTION_LIMIT) if len(query) >= 2 else []
    return render(
        request,
        "portal/_commune_suggestions.html",
        {"query": query, "communes": communes, "too_short": 0 < len(query) < 2},
    )


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        # API clients get the API's JSON error body, whatever path they tried.
        message = "Ressource introuvable : vérifiez l'adresse (documentation : /api/v1/docs)."
        return JsonResponse({"detail": message, "erreurs": []}, status=404)
    return render(request, "portal/404.html", status=404)


def bad_request(request, exception=None):
    """A request Django itself refuses (body over the size limit, too many fields, a forged host…).

    The page is standalone: the request may be unreadable, so no context processor reads it again.
    """
    message = bad_request_message(exception)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message, "erreurs": [{"champ": "requête", "message": message}]}, status=400
        )
    return render(request, "portal/400.html", {"message": message}, status=400)


def permission_denied(request, exception=None):
    return render(request, "portal/403.html", status=403)


def server_error(request):
    """The 500 page. If it cannot be drawn with the request's context (the error may come from what the
    context processors read), it is drawn from the template alone, never left to the WSGI server.

    A database that does not answer is not a bug: when that is the error being handled (raised before
    the view, e.g. by a middleware loading the session), the answer is the 503 of spro.core.operations."""
    if isinstance(sys.exception(), operations.UNAVAILABLE):
        return operations.database_unavailable(request)
    try:
        return render(request, "portal/500.html", status=500)
    except Exception:  # noqa: BLE001 (whatever broke the page, the person must still get one)
        html = loader.get_template("portal/500.html").render({"request": request})
        return HttpResponse(html, status=500)
