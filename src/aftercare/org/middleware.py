from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
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
