"""Google Play reviews of the team's own apps (Android Publisher API v3).

Authentication is the OAuth 2.0 service-account flow: the source signs a short-lived RS256 JWT
with the service account's private key (PyJWT + cryptography) and exchanges it at the key's
`token_uri` for a bearer token. The key JSON is given by reference only (`credentials.
service_account`: an environment variable holding the JSON, or an Airflow connection whose
extra carries `keyfile_dict`). Only production reviews with text from about the last week are
returned; each package is one stream, paged with `tokenPagination.nextPageToken`. A review the
developer already answered carries `replied_at`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

import jwt
from pydantic import Field

from care_monitor.config import SourceConfig
from care_monitor.mention import Author, Engagement, Mention
from care_monitor.secrets import SecretError, resolve_connection
from care_monitor.sources import register
from care_monitor.sources.base import Request, Source, SourceParams
from care_monitor.sources.errors import SourceAuthError, SourceError
from care_monitor.sources.http import HttpClient, HttpResponse
from care_monitor.sources.times import from_epoch

SCOPE = "https://www.googleapis.com/auth/androidpublisher"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME = 3600
TOKEN_LEEWAY = 60


class GooglePlayParams(SourceParams):
    packages: list[str] = Field(min_length=1, description="package names of the team's apps")
    max_results: int = Field(default=100, ge=1, le=100)
    translation_language: str | None = None


@dataclass(frozen=True)
class ServiceAccount:
    client_email: str
    private_key: str
    token_uri: str
    private_key_id: str | None = None

    def __repr__(self) -> str:  # never show the key
        return f"ServiceAccount(client_email={self.client_email!r})"


def load_service_account(source_name: str, config: SourceConfig) -> ServiceAccount:
    ref = config.credentials.get("service_account")
    if ref is None:
        raise SourceAuthError(
            f"{source_name}: Google Play needs credentials.service_account (the service "
            "account's JSON key, by reference)"
        )
    try:
        connection = resolve_connection(ref)
    except SecretError as error:
        raise SourceAuthError(f"{source_name}: {error}") from None
    extra = connection.extra or {}
    raw = (extra.get("keyfile_dict") or extra.get("extra__google_cloud_platform__keyfile_dict")
           or connection.password)
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        return ServiceAccount(
            client_email=data["client_email"],
            private_key=data["private_key"],
            token_uri=data.get("token_uri") or DEFAULT_TOKEN_URI,
            private_key_id=data.get("private_key_id"),
        )
    except (TypeError, ValueError, KeyError):
        raise SourceAuthError(
            f"{source_name}: credentials.service_account ({ref.describe()}) is not a service "
            "account JSON key with client_email and private_key"
        ) from None


class ServiceAccountToken:
    """A bearer token from the JWT bearer grant, renewed shortly before it expires."""

    def __init__(self, source_name: str, account: ServiceAccount, client: HttpClient) -> None:
        self.source_name = source_name
        self.account = account
        self.client = client
        self._token: str | None = None
        self._expires_at = 0.0

    def assertion(self, now: float) -> str:
        claims = {"iss": self.account.client_email, "scope": SCOPE, "aud": self.account.token_uri,
                  "iat": int(now), "exp": int(now) + ASSERTION_LIFETIME}
        headers = {"kid": self.account.private_key_id} if self.account.private_key_id else None
        try:
            return jwt.encode(claims, self.account.private_key, algorithm="RS256", headers=headers)
        except (ValueError, TypeError, jwt.PyJWTError):
            raise SourceAuthError(
                f"{self.source_name}: the service account's private_key is not a valid RSA key"
            ) from None

    def get(self) -> str:
        now = self.client.clock()
        if self._token and self._expires_at - now > TOKEN_LEEWAY:
            return self._token
        form = {"grant_type": JWT_BEARER_GRANT, "assertion": self.assertion(now)}
        try:
            response = self.client.post(Request(self.account.token_uri), data=form)
            body = response.json()
            self._token = body["access_token"]
            self._expires_at = now + float(body.get("expires_in", 3600))
        except SourceError as error:
            raise SourceAuthError(
                f"{self.source_name}: Google refused a token for service account "
                f"{self.account.client_email}: {error}"
            ) from None
        except (ValueError, KeyError, TypeError):
            raise SourceAuthError(
                f"{self.source_name}: the token endpoint answered without an access_token"
            ) from None
        return self._token  # type: ignore[return-value]


@register
class GooglePlaySource(Source):
    type: ClassVar[str] = "googleplay"
    platform: ClassVar[str] = "googleplay"
    default_base_url: ClassVar[str] = "https://androidpublisher.googleapis.com"
    inclusive_cursor: ClassVar[bool] = True  # whole-second times
    params_model = GooglePlayParams
    params: GooglePlayParams

    def __init__(self, config: SourceConfig, client: HttpClient) -> None:
        super().__init__(config, client)
        self._token: ServiceAccountToken | None = None

    def streams(self) -> list[str]:
        return list(self.params.packages)

    def authenticate(self, request: Request) -> Request:
        if self._token is None:
            account = load_service_account(self.name, self.config)
            self._token = ServiceAccountToken(self.name, account, self.client)
        headers = {**request.headers, "Authorization": f"Bearer {self._token.get()}"}
        return Request(request.url, request.params, headers)

    def first_request(self, stream: str, cursor: str | None) -> Request:
        params: dict[str, Any] = {"maxResults": self.params.max_results}
        if self.params.translation_language:
            params["translationLanguage"] = self.params.translation_language
        return Request(
            f"{self.base_url}/androidpublisher/v3/applications/{stream}/reviews", params
        )

    def next_request(self, stream: str, request: Request, response: HttpResponse,
                     mentions: list[Mention]) -> Request | None:
        token = (response.json().get("tokenPagination") or {}).get("nextPageToken")
        if not token:
            return None
        return Request(request.url, {**request.params, "token": token}, request.headers)

    def parse_page(self, stream: str, response: HttpResponse) -> list[Mention]:
        body = response.json()
        if not isinstance(body, dict):
            raise ValueError("the response is not an object")
        reviews = body.get("reviews", [])  # an app without recent reviews answers `{}`
        if not isinstance(reviews, list):
            raise ValueError("'reviews' is not a list")
        return [self.parse_review(stream, review) for review in reviews]

    def parse_review(self, package: str, review: dict[str, Any]) -> Mention:
        user: dict[str, Any] | None = None
        developer: dict[str, Any] | None = None
        for comment in review["comments"]:
            user = comment.get("userComment") or user
            developer = comment.get("developerComment") or developer
        if user is None:
            raise ValueError(f"review {review['reviewId']} has no userComment")
        seconds = int(user["lastModified"]["seconds"])
        rating = int(user["starRating"])
        if not 1 <= rating <= 5:
            raise ValueError(f"starRating {rating} of review {review['reviewId']} is not 1-5")
        replied = int(developer["lastModified"]["seconds"]) if developer else None
        return Mention(
            source=self.platform,
            external_id=review["reviewId"],
            url=(f"https://play.google.com/store/apps/details?id={package}"
                 f"&reviewId={review['reviewId']}"),
            text=user.get("text", "").strip(),
            created_at=from_epoch(seconds),
            author=Author(display_name=review.get("authorName") or None),
            engagement=Engagement(likes=user.get("thumbsUpCount")),
            language=(user.get("reviewerLanguage") or "").split("_")[0] or None,
            rating=rating,
            replied_at=from_epoch(replied) if replied is not None else None,
            raw={**review, "package": package, "app_version": user.get("appVersionName"),
                 "device": user.get("device")},
            replication_value=str(seconds),
        )
