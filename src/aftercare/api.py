"""The JSON API at /api/v1/: one NinjaAPI, one error format, session or bearer auth.

Whatever reaches /api/v1/ answers in the error format `{"code", "message", "fields"}` with a
translated message: unknown routes (404), wrong methods (405), bad tokens (401), bodies that
are too large (413), not JSON (415) or not what the operation reads (422).
"""

import functools
import json
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import orjson
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
)
from django.db import DataError
from django.http import Http404, HttpResponseNotAllowed
from django.urls import re_path
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import APIKeyCookie, HttpBearer

from aftercare.apischema import contains_nul, nul_message
from aftercare.apps import api_routers
from aftercare.errors import DomainError
from aftercare.statements import Prepared
from aftercare.uploads import UploadTooLarge


class MomentEncoder(NinjaJSONEncoder):
    """Moments in the organisation's offset with full precision (23:59:59.999999+08:00).

    Django's encoder cuts microseconds to milliseconds and writes UTC, which turns an
    end-of-day deadline into a moment that no longer compares equal to it.
    """

    def default(self, o):
        if isinstance(o, datetime) and timezone.is_aware(o):
            return rfc3339(o)
        return super().default(o)


def rfc3339(moment: datetime, zone: tzinfo | None = None) -> str:
    """The moment in the organisation's offset, or in UTC where that offset is no RFC 3339.

    Input is strict now, but rows written before may hold moments such as year 955: local
    time there has a local-mean-time offset with seconds (+08:05:43), and near year 1 or 9999
    the shift to local time overflows. Those are written in UTC, so a stored value can never
    break a response schema. `zone`: the active time zone, when the caller has read it once
    for a whole response.
    """
    try:
        local = moment.astimezone(zone or timezone.get_current_timezone())
    except OverflowError:
        return moment.astimezone(UTC).isoformat()
    offset = local.utcoffset()
    if offset is None or offset.seconds % 60 or offset.microseconds:
        return moment.astimezone(UTC).isoformat()
    return local.isoformat()


class UnicodeJSONRenderer(JSONRenderer):
    """JSON encoded by orjson: readable Chinese (UTF-8, no \\uXXXX escapes), moments as
    `rfc3339` writes them, and a tenth of the json module's time on a page of 50 rows.

    orjson writes datetimes itself in their own offset (UTC as read from the database); they
    are passed through to `_encode_other` so that they come out in the organisation's offset.
    """

    OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    def render(self, request, data, *, response_status):
        zone = timezone.get_current_timezone()

        def encode_other(value: Any) -> Any:
            """What orjson leaves to us: moments, and what Django's encoder writes (decimals,
            lazy text, durations)."""
            if isinstance(value, datetime) and value.tzinfo is not None:
                return rfc3339(value, zone)
            return _fallback_encoder.default(value)

        return orjson.dumps(data, default=encode_other, option=self.OPTIONS)


_fallback_encoder = MomentEncoder()


class UnsupportedMediaType(Exception):
    """A request body that is not declared as JSON."""


class JSONBodyParser(Parser):
    """Bodies are JSON, declared as such: a form post or text/plain is a 415, not a guess.

    Reading `request.body` enforces DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig → 413).
    """

    def parse_body(self, request):
        if request.content_type != "application/json":
            raise UnsupportedMediaType(request.content_type)
        return json.loads(request.body)

    def parse_querydict(self, data, list_fields, request):
        """Query parameters refuse NUL as bodies do (PostgreSQL cannot compare with it)."""
        refused = [key for key, values in data.lists() if contains_nul([key, *values])]
        if refused:
            raise ValidationError(
                [{"loc": ("query", key), "msg": nul_message(), "type": "nul"} for key in refused]
            )
        return super().parse_querydict(data, list_fields, request)


# "Last used" is shown to the minute; writing it on every request made each read a write.
LAST_USED_PRECISION = timedelta(minutes=1)


@functools.cache
def token_with_user() -> Prepared[Any]:
    """The live token of a digest with its user, the user's organisation and branch (what
    every request reads of its user), compiled once."""
    from aftercare.org.models import ApiToken

    return Prepared(
        lambda digest: (
            ApiToken.objects.filter(digest=digest, revoked_at__isnull=True)
            .select_related("user__organisation", "user__branch")
            .order_by()[:1]
        ),
        digest=str,
    )


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; a token that matches no live one is a 401 at once.

    Returning None would let the session check run next, which answers a write with a 403
    "CSRF check Failed" — the wrong status for a wrong token.
    """

    def authenticate(self, request, token):
        from aftercare.org.models import ApiToken

        rows = token_with_user().run(digest=ApiToken.digest_of(token))
        row = rows[0] if rows else None
        if row is None or not row.user.is_active:
            raise AuthenticationError
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        user = row.user
        request.user = user
        # The time zone middleware ran before the token was read (for an anonymous request).
        if user.organisation is not None:
            timezone.activate(user.organisation.tz)
        return user


class SessionCookie(APIKeyCookie):
    """The browser's Django session; unsafe methods need the CSRF token as usual."""

    param_name = "sessionid"

    def _get_key(self, request):
        """No logged-in session: nothing to check (401), rather than a CSRF failure (403)."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class AftercareAPI(NinjaAPI):
    """NinjaAPI whose URLs answer unknown paths and wrong methods in the error format."""

    def validation_error_from_error_contexts(self, error_contexts):
        """ninja drops each error's input; keep whether it was null, for the message."""
        error = super().validation_error_from_error_contexts(error_contexts)
        nulls = [
            item.get("input", ...) is None
            for context in error_contexts
            for item in context.pydantic_validation_error.errors(include_url=False)
        ]
        for item, null in zip(error.errors, nulls, strict=True):
            item["null"] = null
        return error

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            pattern.callback = _json_method_not_allowed(pattern.callback)
        urls.append(re_path(r"^.*$", _unknown_route, name="unknown"))
        return urls


def _json_method_not_allowed(view):
    """ninja answers a known path with an unknown method with a plain-text 405."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = _error(
                request, 405, "method_not_allowed", _("This method is not allowed here.")
            )
            response["Allow"] = allowed
        return response

    return wrapper


@csrf_exempt
def _unknown_route(request, *args, **kwargs):
    return _error(request, 404, "not_found", _("There is no such API route."))


api = AftercareAPI(
    title="Aftercare API",
    version="1",
    description="After-sales obligations, worklists and records. Errors: "
    '`{"code", "message", "fields"}`.',
    urls_namespace="api",
    renderer=UnicodeJSONRenderer(),
    auth=[BearerToken(), SessionCookie()],
    docs_url="/docs",
    parser=JSONBodyParser(),
)


def _error(request, status: int, code: str, message, fields=None):
    body = {"code": code, "message": str(message), "fields": fields or {}}
    return api.create_response(request, body, status=status)


def _field_message(error: dict) -> str:
    """pydantic's message in the user's language for the errors people actually make."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "missing":
        return _("This field is required.")
    if kind.endswith("_type") and error.get("null"):
        return _("This field cannot be null.")
    if kind == "enum":
        return _("Choose one of: %(values)s.") % {"values": ctx.get("expected", "")}
    if kind in ("string_too_long", "too_long"):
        return _("Too long: at most %(max)s.") % {"max": ctx.get("max_length", "")}
    if kind in ("string_too_short", "too_short"):
        return _("Too short: at least %(min)s.") % {"min": ctx.get("min_length", "")}
    if kind == "less_than_equal":
        return _("At most %(limit)s.") % {"limit": ctx.get("le", "")}
    if kind == "greater_than_equal":
        return _("At least %(limit)s.") % {"limit": ctx.get("ge", "")}
    return error.get("msg", "")


def _field_errors(errors) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path")]
        if len(loc) > 1 and loc[0] in ("form", "file"):  # multipart: the source, then the field
            loc = loc[1:]
        if loc and loc[0] == "payload":
            loc = loc[1:]
        fields.setdefault(".".join(loc) or "__all__", []).append(_field_message(error))
    return fields


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return _error(
        request, 422, "invalid_input", _("Some fields are not valid."), _field_errors(exc.errors)
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return _error(request, 401, "unauthenticated", _("Log in or send a valid API token."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, 403, "forbidden", _("You are not allowed to do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def on_object_missing(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(DomainError)
def on_domain_error(request, exc):
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(OverflowError)
def on_number_out_of_range(request, exc):
    """An id beyond 64 bits cannot exist: SQLite raises OverflowError for it."""
    return _error(request, 422, "out_of_range", _("A number is out of range."))


@api.exception_handler(DataError)
def on_data_error(request, exc):
    """PostgreSQL's answer to the same (numeric value out of range)."""
    return _error(request, 422, "out_of_range", _("A number is out of range."))


@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request, exc):
    """DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB) is the limit of an API body; uploads have their own."""
    if isinstance(exc, UploadTooLarge):
        return _error(request, 413, "too_large", exc.message)
    return _error(request, 413, "too_large", _("The request body is too large (at most 2 MB)."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if isinstance(exc.__cause__, UnsupportedMediaType):
        message = _("Send the body as JSON (Content-Type: application/json).")
        return _error(request, 415, "unsupported_media_type", message)
    if isinstance(exc.__cause__, RequestDataTooBig):
        return on_body_too_large(request, exc.__cause__)
    if exc.status_code == 400:
        return _error(request, 400, "malformed", _("The request body is not valid JSON."))
    if exc.status_code == 403:  # ninja's session check: "CSRF check Failed"
        message = _("The form has expired (CSRF check failed): reload the page and try again.")
        return _error(request, 403, "csrf_failed", message)
    return _error(request, exc.status_code, "error", exc.message)


def _register_routers() -> None:
    """Mount the router every installed app declares (``AftercareApp.api_router``)."""
    for dotted_path in api_routers():
        api.add_router("/", import_string(dotted_path))


_register_routers()
