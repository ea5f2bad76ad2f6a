"""What a hosting team needs to run spro: a request id and one log line per request, a French 503 page
when the database does not answer (rendered without it), and the health endpoint `/sante/`.

Log lines name the URL *pattern* (``/espace-pro/orientations/<int:pk>/``), never the path or the query
string, which may hold tokens or a commune someone typed, and never an IP address: no personal data.
"""

import contextvars
import gc
import logging
import re
import time
import uuid

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache

request_log = logging.getLogger("spro.requests")
REQUEST_ID = contextvars.ContextVar("spro_request_id", default="-")
# An id a proxy in front of spro may pass on (X-Request-ID); anything else is replaced by our own.
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# How long a client should wait before trying again when the database is away (seconds).
RETRY_AFTER_S = 30
UNAVAILABLE = (OperationalError, InterfaceError)


def settle_memory() -> None:
    """Once a server process has loaded the application: what start-up built (modules, settings, URL
    patterns, templates' code) lives as long as the process, so it is moved out of the garbage
    collector's sight (`gc.freeze`). Without it each full collection walked those ~90,000 objects
    again: 45 ms pauses that were the slowest searches of `bench.search`, and the collections of the
    middle generation took 2–4 ms each (gc callbacks timed over 1,000 searches)."""
    gc.collect()
    gc.freeze()


class RequestIdFilter(logging.Filter):
    """Gives every log record the id of the request being served (`%(request_id)s`)."""

    def filter(self, record):
        record.request_id = REQUEST_ID.get()
        return True


class PathRedactionFilter(logging.Filter):
    """Django's own lines about a request ("Not Found: /path", "Internal Server Error: /path") name the
    URL pattern instead of the path, which a person may have typed anything into, like spro.requests."""

    def filter(self, record):
        request = getattr(record, "request", None)
        args = record.args
        if (
            request is not None
            and isinstance(args, tuple)
            and len(args) == 2
            and args[1] == getattr(request, "path", None)
        ):
            record.args = (args[0], _route(request))
        return True


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    return "/" + match.route if match else "-"


class RequestLogMiddleware:
    """One line per request: method, URL pattern, status, duration in ms, request id (also sent back in
    the `X-Request-ID` header so a person can quote it from the error page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _ACCEPTED_ID.match(given) else uuid.uuid4().hex[:16]
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            request_log.info(
                "%s %s %s %.1fms",
                request.method if request.method.isalpha() else "?",
                _route(request),
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            return response
        finally:
            REQUEST_ID.reset(token)


def unavailable_response(request) -> HttpResponse:
    """The answer while the database is away: 503 with Retry-After; JSON under /api/, else a French page
    rendered from a standalone template (no context processor, nothing read from the database)."""
    if request.path.startswith("/api/"):
        message = "Service momentanément indisponible : réessayez dans quelques instants."
        response = JsonResponse({"detail": message, "erreurs": []}, status=503)
    else:
        html = loader.get_template("portal/503.html").render(
            {"request_id": getattr(request, "request_id", ""), "retry_after": RETRY_AFTER_S}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database that does not answer (a restart, a failover) into the 503 above, whether the
    error comes from a view or from the 500 page itself. The broken connection is closed, so the next
    request connects afresh and service comes back by itself with the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except UNAVAILABLE:
            return self._unavailable(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            return self._unavailable(request)
        return None

    def _unavailable(self, request):
        return database_unavailable(request)


def database_unavailable(request) -> HttpResponse:
    """Logs the fault, closes the broken connection and answers the 503 (also used by the 500 handler)."""
    logging.getLogger("spro.operations").warning("base de données injoignable : réponse 503")
    try:
        connection.close()
    except DatabaseError:
        pass
    return unavailable_response(request)


@never_cache
def health(request):
    """200 « ok » when the database and the cache both answer, else 503 « indisponible »: nothing more
    is said to the public (which part failed is in the server's log)."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        problems.append("base de données")
        try:
            connection.close()
        except DatabaseError:
            pass
    try:
        key = f"spro:health:{uuid.uuid4().hex}"
        cache.set(key, "1", 10)
        if cache.get(key) != "1":
            problems.append("cache")
        cache.delete(key)
    except Exception:  # noqa: BLE001 (any cache backend's failure means "the cache does not answer")
        problems.append("cache")
    if problems:
        logging.getLogger("spro.operations").warning("santé : %s ne répond pas", ", ".join(problems))
        response = HttpResponse("indisponible\n", status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
