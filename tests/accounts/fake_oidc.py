"""A small OpenID Connect provider for tests, standing in for ProConnect: discovery, JWKS, token,
userinfo (a signed JWT, as ProConnect returns it) and end-session, on 127.0.0.1 in a thread."""

import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "spro-test-client"
CLIENT_SECRET = "spro-test-secret"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeProvider:
    def __init__(self):
        self.key = new_key()
        self.kid = "test-key-1"
        self.signing_key = self.key  # tests swap it to sign with a key the provider does not publish
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def authorize(self, authorization_url: str, email: str, sub: str = "sub-123", **claims) -> dict:
        """What the provider does when the person logs in there: returns the callback's query."""
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorization_url).query))
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "nonce": params["nonce"],
            "redirect_uri": params["redirect_uri"],
            "claims": {"sub": sub, "email": email, "given_name": "Camille", "usual_name": "Martin", **claims},
        }
        return {"code": code, "state": params["state"]}

    def sign(self, payload: dict) -> str:
        return jwt.encode(payload, self.signing_key, algorithm="RS256", headers={"kid": self.kid})

    def id_token(self, entry: dict) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": entry["claims"]["sub"],
            "iat": now,
            "exp": now + 60,
            "nonce": entry["nonce"],
            "acr": "eidas1",
        }
        payload.update(entry.get("id_token_overrides", {}))
        return self.sign(payload)

    def _handler(provider):  # noqa: N805 (the provider, seen from the handler class)
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, content_type="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urllib.parse.urlsplit(self.path).path
                if path == "/.well-known/openid-configuration":
                    base = provider.issuer
                    return self._send(
                        200,
                        {
                            "issuer": base,
                            "authorization_endpoint": f"{base}/authorize",
                            "token_endpoint": f"{base}/token",
                            "userinfo_endpoint": f"{base}/userinfo",
                            "jwks_uri": f"{base}/jwks",
                            "end_session_endpoint": f"{base}/session/end",
                            "id_token_signing_alg_values_supported": ["RS256"],
                        },
                    )
                if path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                    jwk.update({"kid": provider.kid, "use": "sig", "alg": "RS256"})
                    return self._send(200, {"keys": [jwk]})
                if path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    entry = next((e for e in provider.codes.values() if e.get("access_token") == token), None)
                    if entry is None:
                        return self._send(401, {"error": "invalid_token"})
                    claims = {**entry["claims"], "iss": provider.issuer, "aud": CLIENT_ID}
                    return self._send(200, provider.sign(claims).encode(), "application/jwt")
                return self._send(404, {"error": "not_found"})

            def do_POST(self):
                if urllib.parse.urlsplit(self.path).path != "/token":
                    return self._send(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                provider.token_requests.append(form)
                entry = provider.codes.get(form.get("code"))
                if (
                    entry is None
                    or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("redirect_uri") != entry["redirect_uri"]
                    or form.get("grant_type") != "authorization_code"
                    or entry.get("used")
                ):
                    return self._send(400, {"error": "invalid_grant"})
                entry["used"] = True
                entry["access_token"] = secrets.token_urlsafe(16)
                return self._send(
                    200,
                    {
                        "access_token": entry["access_token"],
                        "token_type": "Bearer",
                        "expires_in": 60,
                        "id_token": provider.id_token(entry),
                    },
                )

        return Handler
