"""Optional login with ProConnect (OpenID Connect, authorization code flow with state and nonce).

Enabled when SPRO_PROCONNECT_CLIENT_ID, SPRO_PROCONNECT_CLIENT_SECRET and SPRO_PROCONNECT_ISSUER are set.
The provider is discovered at `<issuer>/.well-known/openid-configuration`; id tokens (and userinfo, which
ProConnect returns as a signed JWT) are verified with the provider's keys (RS256, PyJWT). There is no
self-registration: a ProConnect identity logs in only as an existing active account with the same email.
"""

import json
import secrets
import time
import urllib.parse
import urllib.request

import jwt
from django.conf import settings
from django.urls import reverse

TIMEOUT_SECONDS = 10
DISCOVERY_TTL_SECONDS = 3600
ALGORITHMS = ["RS256"]
STATE_KEY = "proconnect_flow"

_discovery_cache: dict[str, tuple[float, dict]] = {}


class ProConnectError(Exception):
    """A failure to show as a French message; the technical detail goes to the log."""


def is_enabled() -> bool:
    return bool(
        settings.SPRO_PROCONNECT_CLIENT_ID
        and settings.SPRO_PROCONNECT_CLIENT_SECRET
        and settings.SPRO_PROCONNECT_ISSUER
    )


def _issuer() -> str:
    return settings.SPRO_PROCONNECT_ISSUER.rstrip("/")


def _get(url: str, headers: dict | None = None) -> tuple[str, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (https in config)
        return response.headers.get("Content-Type", ""), response.read()


def discovery() -> dict:
    issuer = _issuer()
    cached = _discovery_cache.get(issuer)
    if cached and time.time() - cached[0] < DISCOVERY_TTL_SECONDS:
        return cached[1]
    _, body = _get(f"{issuer}/.well-known/openid-configuration")
    config = json.loads(body)
    _discovery_cache[issuer] = (time.time(), config)
    return config


def clear_cache() -> None:
    _discovery_cache.clear()


def callback_url(request) -> str:
    return request.build_absolute_uri(reverse("accounts:proconnect_callback"))


def authorization_url(request) -> str:
    """Start the flow: remember state and nonce in the session, return the provider's URL."""
    config = discovery()
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    request.session[STATE_KEY] = {"state": state, "nonce": nonce, "at": time.time()}
    params = {
        "response_type": "code",
        "client_id": settings.SPRO_PROCONNECT_CLIENT_ID,
        "redirect_uri": callback_url(request),
        "scope": settings.SPRO_PROCONNECT_SCOPES,
        "state": state,
        "nonce": nonce,
        "acr_values": "eidas1",
    }
    return f"{config['authorization_endpoint']}?{urllib.parse.urlencode(params)}"


def _signing_key(config: dict, token: str):
    _, body = _get(config["jwks_uri"])
    keys = jwt.PyJWKSet.from_dict(json.loads(body))
    kid = jwt.get_unverified_header(token).get("kid")
    for key in keys.keys:
        if kid is None or key.key_id == kid:
            return key
    raise ProConnectError(f"no key {kid!r} in the provider's key set")


def _decode(config: dict, token: str, **checks) -> dict:
    try:
        return jwt.decode(
            token,
            _signing_key(config, token),
            algorithms=ALGORITHMS,
            leeway=30,
            options={"require": list(checks.pop("require", []))},
            **checks,
        )
    except jwt.PyJWTError as exc:
        raise ProConnectError(f"invalid token: {exc}") from exc


def complete(request) -> dict:
    """Handle the callback: check state, exchange the code, verify the id token (signature, issuer,
    audience, expiry, nonce), then read userinfo. Returns the claims with the raw id token."""
    flow = request.session.pop(STATE_KEY, None)
    if request.GET.get("error"):
        raise ProConnectError(f"provider error: {request.GET.get('error')}")
    if not flow or not secrets.compare_digest(
        flow["state"].encode(), request.GET.get("state", "").encode("utf-8", "replace")
    ):
        raise ProConnectError("state mismatch")
    if time.time() - flow["at"] > 600:
        raise ProConnectError("flow expired")
    code = request.GET.get("code")
    if not code:
        raise ProConnectError("no code")
    config = discovery()
    data = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": callback_url(request),
            "client_id": settings.SPRO_PROCONNECT_CLIENT_ID,
            "client_secret": settings.SPRO_PROCONNECT_CLIENT_SECRET,
        }
    ).encode()
    token_request = urllib.request.Request(
        config["token_endpoint"], data=data, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(token_request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            tokens = json.loads(response.read())
    except OSError as exc:
        raise ProConnectError(f"token endpoint: {exc}") from exc
    id_token = tokens.get("id_token")
    access_token = tokens.get("access_token")
    if not id_token or not access_token:
        raise ProConnectError("no id_token or access_token")
    claims = _decode(
        config,
        id_token,
        audience=settings.SPRO_PROCONNECT_CLIENT_ID,
        issuer=config.get("issuer", _issuer()),
        require=["exp", "iat", "iss", "aud", "sub", "nonce"],
    )
    if not secrets.compare_digest(str(claims.get("nonce", "")), flow["nonce"]):
        raise ProConnectError("nonce mismatch")
    content_type, body = _get(
        config["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
    )
    if "jwt" in content_type:
        userinfo = _decode(
            config,
            body.decode(),
            audience=settings.SPRO_PROCONNECT_CLIENT_ID,
            issuer=config.get("issuer", _issuer()),
        )
    else:
        userinfo = json.loads(body)
    if userinfo.get("sub") != claims["sub"]:
        raise ProConnectError("userinfo subject differs from id token")
    return {**claims, **userinfo, "id_token": id_token}


def logout_url(request, id_token: str) -> str | None:
    """The provider's end-session URL (RP-initiated logout), back to the portal's home."""
    if not is_enabled():
        return None
    try:
        endpoint = discovery().get("end_session_endpoint")
    except (OSError, ValueError):
        return None
    if not endpoint:
        return None
    params = {
        "id_token_hint": id_token,
        "state": secrets.token_urlsafe(16),
        "post_logout_redirect_uri": request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{endpoint}?{urllib.parse.urlencode(params)}"
