"""The team's web inbox: negative mentions, their alerts, and corrections of wrong labels.

A plain FastAPI app (no Airflow import).  Who the user is decides the `current_user` dependency
given to `create_inbox_app` (under Airflow: Airflow's own JWT cookie or Bearer token); every
route depends on it, so an anonymous request gets 401.  The database is opened lazily, at the
first request, through `storage_factory`.
"""

import logging
import secrets
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from care_monitor.alerting.escaping import safe_url
from care_monitor.config import ConfigError
from care_monitor.inbox import queries
from care_monitor.inbox.csrf import CsrfError, CsrfGuard, resolve_secret
from care_monitor.inbox.queries import ANY_LABEL, LABEL_CHOICES, InboxFilter, InboxItem, InboxPage
from care_monitor.inbox.render import render
from care_monitor.storage import Storage, StorageError
from care_monitor.storage.repository import LABELS
from care_monitor.storage.views import utcnow

log = logging.getLogger(__name__)

NOTE_MAX_CHARS = 2000
_FILTER_KEYS = ("brand", "label", "source", "unanswered", "with_alert", "limit", "offset")


class _LazyStorage:
    """Opens the database at the first request, not when the app (or the Airflow plugin) is imported."""

    def __init__(self, factory: Callable[[], Storage]) -> None:
        self._factory = factory
        self._storage: Storage | None = None
        self._lock = threading.Lock()

    def get(self) -> Storage:
        if self._storage is None:
            with self._lock:
                if self._storage is None:
                    self._storage = self._open()
        return self._storage

    def _open(self) -> Storage:
        try:
            return self._factory()
        except (ConfigError, StorageError) as error:  # their messages name no secret
            raise HTTPException(503, f"the inbox cannot open the care-monitor database: {error}") from None
        except Exception:
            log.exception("care-monitor inbox: opening the database failed")
            raise HTTPException(503, "the inbox cannot open the care-monitor database (see the server log)") from None


def _filter_from(params: dict[str, Any]) -> InboxFilter:
    """An InboxFilter from query or form values; a bad value is a 400 naming it."""
    label = params.get("label") or "negative"
    if label not in LABEL_CHOICES:
        raise HTTPException(400, f"unknown label {label!r} (expected one of {', '.join(LABEL_CHOICES)})")
    try:
        return InboxFilter(
            brand=params.get("brand") or None,
            label=None if label == ANY_LABEL else label,
            source=params.get("source") or None,
            unanswered=_flag(params.get("unanswered")),
            with_alert=_flag(params.get("with_alert")),
            limit=int(params.get("limit") or 50),
            offset=int(params.get("offset") or 0),
        )
    except ValueError as error:
        raise HTTPException(400, str(error)) from None


def _flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "on", "yes") if value is not None else False


def filter_query(wanted: InboxFilter, **overrides: Any) -> str:
    """The query string that shows `wanted` again (defaults left out)."""
    values = {
        "brand": wanted.brand or "",
        "label": wanted.label or ANY_LABEL,
        "source": wanted.source or "",
        "unanswered": "1" if wanted.unanswered else "",
        "with_alert": "1" if wanted.with_alert else "",
        "limit": wanted.limit if wanted.limit != 50 else "",
        "offset": wanted.offset or "",
    }
    values.update(overrides)
    if values["label"] == "negative":
        values["label"] = ""
    return urlencode({key: value for key, value in values.items() if value not in ("", None, 0)})


def _item_json(item: InboxItem) -> dict[str, Any]:
    alert = item.alert
    correction = item.correction
    return {
        "id": item.id,
        "source": item.source,
        "source_name": item.source_name,
        "url": safe_url(item.url),
        "created_at": item.created_at.isoformat(),
        "author": {
            "handle": item.author_handle,
            "name": item.author_name,
            "followers": item.author_followers,
        },
        "brands": item.brands,
        "title": item.title,
        "text": item.text,
        "language": item.language,
        "rating": item.rating,
        "label": item.effective_label,
        "sentiment_label": item.sentiment_label,
        "sentiment_score": item.sentiment_score,
        "sentiment_reasons": item.sentiment_reasons,
        "corrected_label": item.corrected_label,
        "first_response_at": item.first_response_at.isoformat() if item.first_response_at else None,
        "alert": None if alert is None else {
            "id": alert.id,
            "created_at": alert.created_at.isoformat(),
            "deliveries": [
                {
                    "channel": d.channel,
                    "status": d.status,
                    "attempts": d.attempts,
                    "sent_at": d.sent_at.isoformat() if d.sent_at else None,
                }
                for d in alert.deliveries
            ],
        },
        "correction": None if correction is None else {
            "label": correction.label,
            "previous_label": correction.previous_label,
            "note": correction.note,
            "corrected_by": correction.corrected_by,
            "created_at": correction.created_at.isoformat(),
        },
    }


def _security_headers(response: Response, nonce: str | None = None) -> Response:
    # No script at all; styles only from the page's own nonce'd <style>; forms only to this site.
    style = f"'nonce-{nonce}'" if nonce else "'none'"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {style}; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'self'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def _html(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    body = render(template, nonce=nonce, **context)
    return _security_headers(HTMLResponse(body, status_code=status_code), nonce)  # type: ignore[return-value]


def create_inbox_app(
    *,
    storage_factory: Callable[[], Storage],
    current_user: Callable[..., Any],
    secret: str | bytes | None = None,
    allowed_origins: Iterable[str] = (),
    login_url: str | None = None,
    title: str = "Care inbox",
    clock: Callable[[], datetime] = utcnow,
) -> FastAPI:
    """The inbox as a FastAPI app, to mount anywhere (Airflow: `fastapi_apps`, url_prefix /care).

    `current_user` is a FastAPI dependency returning the user's name, raising 401 when nobody is
    signed in.  `secret` signs the forms' CSRF tokens (default: $CARE_MONITOR_INBOX_SECRET, else
    a random per-process key); `allowed_origins` are origins besides the request's own Host that
    may post forms (a proxy's public URL).  `login_url` is linked from the 401 page.
    """
    app = FastAPI(title=title, docs_url=None, redoc_url=None, openapi_url=None)
    storage_holder = _LazyStorage(storage_factory)
    guard = CsrfGuard(resolve_secret(secret), allowed_origins)
    app.state.csrf = guard

    async def authenticated_user(user: Annotated[Any, Depends(current_user)]) -> str:
        if not isinstance(user, str) or not user:
            raise HTTPException(401, "not signed in", headers={"WWW-Authenticate": "Bearer"})
        return user

    def storage() -> Storage:
        return storage_holder.get()

    User = Annotated[str, Depends(authenticated_user)]
    Store = Annotated[Storage, Depends(storage)]

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith(str(request.url_for("api_mentions").path))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if _is_api(request):
            response: Response = JSONResponse({"detail": error.detail}, status_code=error.status_code)
            _security_headers(response)
        else:
            response = _html(
                "error.html",
                status_code=error.status_code,
                title=title,
                status=error.status_code,
                message=str(error.detail),
                inbox_path=str(request.url_for("inbox_page").path),
                login_url=login_url if error.status_code == 401 else None,
            )
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'] if part not in ('query', 'body', 'path'))}: {e['msg']}"
            for e in error.errors()
        )
        return await http_error(request, StarletteHTTPException(400, problems))

    @app.exception_handler(SQLAlchemyError)
    async def database_error(request: Request, error: SQLAlchemyError) -> Response:
        log.error("care-monitor inbox: database error: %s", type(error).__name__, exc_info=error)
        return await http_error(
            request,
            StarletteHTTPException(
                503, "the care-monitor database is unavailable or not migrated (run `care-monitor db upgrade`)"
            ),
        )

    def page_for(request: Request, store: Storage) -> InboxPage:
        return queries.list_inbox(store.engine, _filter_from(dict(request.query_params)))

    @app.get("/inbox", response_class=HTMLResponse, name="inbox_page")
    def inbox_page(request: Request, user: User, store: Store) -> Response:
        page = page_for(request, store)
        brands, sources = queries.filter_choices(store.engine)
        saved = request.query_params.get("saved")
        inbox_path = str(request.url_for("inbox_page").path)
        return _html(
            "inbox.html",
            title=title,
            user=user,
            page=page,
            wanted=page.filter,
            brands=brands,
            sources=sources,
            labels=LABELS,
            any_label=ANY_LABEL,
            now=clock(),
            inbox_path=inbox_path,
            api_path=str(request.url_for("api_mentions").path),
            back=filter_query(page.filter),
            page_query=lambda offset: filter_query(page.filter, offset=offset),
            action_path=lambda item: str(request.url_for("correct_label", mention_id=item.id).path),
            csrf_token=lambda item: guard.token(user, item.id),
            saved=saved if saved and saved.isdigit() else None,
            saved_label=request.query_params.get("saved_label") if request.query_params.get("saved_label") in LABELS else None,
        )

    @app.get("/inbox/api/mentions", name="api_mentions")
    def api_mentions(request: Request, user: User, store: Store) -> Response:
        page = page_for(request, store)
        body = {
            "items": [_item_json(item) for item in page.items],
            "limit": page.filter.limit,
            "offset": page.filter.offset,
            "next_offset": page.next_offset,
        }
        return _security_headers(JSONResponse(body))

    @app.post("/inbox/mentions/{mention_id}/label", name="correct_label")
    def correct_label(
        request: Request,
        mention_id: int,
        user: User,
        store: Store,
        label: Annotated[str, Form()],
        csrf_token: Annotated[str, Form()] = "",
        note: Annotated[str, Form(max_length=NOTE_MAX_CHARS)] = "",
        back: Annotated[str, Form()] = "",
    ) -> Response:
        try:
            guard.check_origin(request.headers)
            guard.check_token(user, mention_id, csrf_token)
        except CsrfError as error:
            raise HTTPException(403, str(error)) from None
        if label not in LABELS:
            raise HTTPException(400, f"unknown label {label!r} (expected one of {', '.join(LABELS)})")
        try:
            store.correct_label(mention_id, label, note=note.strip() or None, corrected_by=user)
        except LookupError:
            raise HTTPException(404, f"no mention with id {mention_id}") from None
        # Rebuild the list's query string from known filters only: `back` is never a URL.
        try:
            wanted = _filter_from(dict(parse_qsl(back)))
        except HTTPException:
            wanted = InboxFilter()
        query = filter_query(wanted, saved=mention_id, saved_label=label)
        location = f"{request.url_for('inbox_page').path}?{query}#m{mention_id}"
        return RedirectResponse(location, status_code=303)

    return app
