from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone


class OrganisationTimezoneMiddleware:
    """Show every moment in the user's organisation's time zone (stored in UTC)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        organisation = getattr(user, "organisation", None) if user is not None else None
        timezone.activate(organisation.tz if organisation else settings.TIME_ZONE)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


# Pages that work without an organisation: signing in and out, one's own password, the
# language, the Django admin (superusers), the API (it answers for itself) and static files.
ORGANISATION_FREE_PREFIXES = ("/accounts/", "/i18n/", "/admin/", "/api/", "/static/")


class OrganisationRequiredMiddleware:
    """A signed-in user without an organisation (e.g. made by `aftercare createsuperuser`)
    gets one clear page saying what to do, instead of a 500 from a page that reads the
    organisation's time zone or scopes by it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.organisation_id is None
            and not request.path_info.startswith(ORGANISATION_FREE_PREFIXES)
        ):
            return render(request, "org/no_organisation.html", status=403)
        return self.get_response(request)
