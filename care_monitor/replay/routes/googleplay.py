"""Google Play: the OAuth token endpoint `POST /googleplay/token` (JWT bearer grant) and
`GET /googleplay/androidpublisher/v3/applications/{package}/reviews`.

The token endpoint verifies the assertion's RS256 signature with the public key registered for
its issuer in `PUBLIC_KEYS` (tests register the key they generate; `demo_service_account()`
makes and registers one for the demo), and checks `aud`, `scope` and `exp`. Reviews need a
bearer token it issued; pages follow `tokenPagination.nextPageToken` (`maxResults`, `token`).
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from care_monitor.replay.routing import Call, Reply, Route

PREFIX = "googleplay"
SOURCE_TYPE = "googleplay"
SCOPE = "https://www.googleapis.com/auth/androidpublisher"
PUBLIC_KEYS: dict[str, str] = {}  # client_email -> PEM public key
_issued_tokens: set[str] = set()


def demo_service_account(token_uri: str, client_email: str = "care-monitor@replay.iam.gserviceaccount.com"
                         ) -> dict[str, str]:
    """A fresh service-account key JSON for the replay (registered with this server)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    PUBLIC_KEYS[client_email] = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return {"type": "service_account", "project_id": "replay", "private_key_id": secrets.token_hex(20),
            "private_key": private_pem, "client_email": client_email, "client_id": "100000000000000000001",
            "token_uri": token_uri}


def _oauth_error(error: str, description: str) -> Reply:
    return Reply(status=400, body={"error": error, "error_description": description})


def token(call: Call) -> Reply:
    form = {k: v[-1] for k, v in parse_qs(call.body.decode()).items()}
    if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
        return _oauth_error("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", ""))
    assertion = form.get("assertion", "")
    try:
        issuer = jwt.decode(assertion, options={"verify_signature": False}).get("iss")
        public_key = PUBLIC_KEYS.get(issuer or "")
        if public_key is None:
            return _oauth_error("invalid_grant", "Invalid grant: account not found")
        claims = jwt.decode(assertion, public_key, algorithms=["RS256"],
                            audience=f"{call.base_url}/token")
    except jwt.ExpiredSignatureError:
        return _oauth_error("invalid_grant", "Invalid JWT: Token must be a short-lived token")
    except jwt.PyJWTError:
        return _oauth_error("invalid_grant", "Invalid JWT Signature.")
    if claims.get("scope") != SCOPE:
        return _oauth_error("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    access = "ya29.replay-" + secrets.token_urlsafe(24)
    _issued_tokens.add(access)
    return Reply(body={"access_token": access, "expires_in": 3599, "token_type": "Bearer"})


def _timestamp(call: Call, age_min: float) -> dict[str, Any]:
    created = call.store.anchor.timestamp() - age_min * 60
    return {"seconds": str(int(created)), "nanos": int((created % 1) * 1e9)}


def review(call: Call, record: dict[str, Any]) -> dict[str, Any]:
    comments: list[dict[str, Any]] = [
        {"userComment": {**record["userComment"], "lastModified": _timestamp(call, record["age_min"])}}
    ]
    if "developerComment" in record:
        reply = record["developerComment"]
        comments.append({"developerComment": {"text": reply["text"],
                                              "lastModified": _timestamp(call, reply["age_min"])}})
    return {"reviewId": f"gp:AOqpTO{record['_seq']:04d}{int(call.created(record).timestamp())}",
            "authorName": record["authorName"], "comments": comments}


def _api_error(status: int, message: str, code: str) -> Reply:
    return Reply(status=status, body={"error": {"code": status, "message": message, "status": code}})


def reviews(call: Call) -> Reply:
    header = call.headers.get("authorization", "")
    if header.removeprefix("Bearer ") not in _issued_tokens:
        return _api_error(401, "Request had invalid authentication credentials. Expected OAuth 2 "
                          "access token.", "UNAUTHENTICATED")
    package = call.path_params["package"]
    records = [r for r in call.posts() if r["package"] == package]
    if not records:
        return _api_error(404, f"Package not found: {package}.", "NOT_FOUND")
    size = call.int_arg("maxResults", 100, maximum=100)
    offset = int(call.arg("token") or call.arg("startIndex") or 0)
    page = records[offset:offset + size]
    body: dict[str, Any] = {"pageInfo": {"totalResults": len(records), "resultPerPage": size,
                                         "startIndex": offset}}
    if page:
        body["reviews"] = [review(call, r) for r in page]
    if offset + size < len(records):
        body["tokenPagination"] = {"nextPageToken": str(offset + size)}
    return Reply(body=body)


def malformed() -> Reply:
    return Reply(body=b'{"reviews": [{"reviewId": "gp:AOqp", "comments": [{"userComment": {"text"')


ROUTES = [
    Route("POST", r"token", token),
    Route("GET", r"androidpublisher/v3/applications/(?P<package>[^/]+)/reviews", reviews),
]
