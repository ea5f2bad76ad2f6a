"""Content security policy with a per-request nonce for the few inline scripts we allow."""

import secrets

from django.conf import settings


def _tile_origin() -> str:
    url = settings.SPRO_TILE_URL
    if "://" not in url:
        return ""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].replace("{s}.", "*.")
    return f"{scheme}://{host}"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.tile_origin = _tile_origin()

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        nonce = request.csp_nonce
        img = " ".join(filter(None, ["'self'", "data:", self.tile_origin]))
        policy = [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            f"img-src {img}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        ]
        if request.path.startswith("/api/v1/docs"):
            # Swagger UI (vendored by django-ninja) sets inline styles on its widgets.
            policy[2] = "style-src 'self' 'unsafe-inline'"
        response["Content-Security-Policy"] = "; ".join(policy)
        return response
