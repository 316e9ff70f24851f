"""The JSON API at /api/v1/: one NinjaAPI, one error format, session or bearer auth."""

import json
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import DataError
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import APIKeyCookie, HttpBearer

from aftercare.apps import api_routers
from aftercare.errors import DomainError


class MomentEncoder(NinjaJSONEncoder):
    """Moments in the organisation's offset with full precision (23:59:59.999999+08:00).

    Django's encoder cuts microseconds to milliseconds and writes UTC, which turns an
    end-of-day deadline into a moment that no longer compares equal to it.
    """

    def default(self, o):
        if isinstance(o, datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class UnicodeJSONRenderer(JSONRenderer):
    """Readable Chinese in responses instead of \\uXXXX escapes."""

    encoder_class = MomentEncoder
    json_dumps_params = {"ensure_ascii": False}

    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=self.encoder_class, **self.json_dumps_params)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from aftercare.org.models import ApiToken

        row = ApiToken.objects.matching(token).select_related("user").first()
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class SessionCookie(APIKeyCookie):
    """The browser's Django session; unsafe methods need the CSRF token as usual."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api = NinjaAPI(
    title="Aftercare API",
    version="1",
    description="After-sales obligations, worklists and records. Errors: "
    '`{"code", "message", "fields"}`.',
    urls_namespace="api",
    renderer=UnicodeJSONRenderer(),
    auth=[BearerToken(), SessionCookie()],
    docs_url="/docs",
)


def _error(request, status: int, code: str, message, fields=None):
    body = {"code": code, "message": str(message), "fields": fields or {}}
    return api.create_response(request, body, status=status)


def _field_errors(errors) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path")]
        if loc and loc[0] == "payload":
            loc = loc[1:]
        fields.setdefault(".".join(loc) or "__all__", []).append(error.get("msg", ""))
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


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if exc.status_code == 400:
        return _error(request, 400, "malformed", _("The request body is not valid JSON."))
    return _error(request, exc.status_code, "error", exc.message)


def _register_routers() -> None:
    """Mount the router every installed app declares (``AftercareApp.api_router``)."""
    for dotted_path in api_routers():
        api.add_router("/", import_string(dotted_path))


_register_routers()
