from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.org.access import is_owner


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


# What an owner's representative may open besides the portal: signing in and out, their own
# password, the language, and static files.
OWNER_PREFIXES = ("/portal/", "/accounts/", "/i18n/", "/static/")


class OwnerPortalMiddleware:
    """An owner's representative works in the owner's portal only.

    Their read scopes already hold nothing but their own company's rows (`access.restrict`),
    and they hold no staff permission; this keeps them out of the staff pages and the staff API
    altogether, so a page that reads without a permission (My work, the calendar feed's page)
    cannot show them an empty staff screen either. The site's root takes them to the portal.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        path = request.path_info
        if user is None or not is_owner(user) or path.startswith(OWNER_PREFIXES):
            return self.get_response(request)
        # The site's root and the staff's landing page after sign-in (My work) lead to the portal.
        if path == "/" or path == resolve_url(settings.LOGIN_REDIRECT_URL):
            return redirect("/portal/")
        if path.startswith("/api/"):
            message = _("The API is for the integrator's staff; owners use the portal.")
            return JsonResponse({"code": "forbidden", "message": message, "fields": {}}, status=403)
        return render(request, "403.html", status=403)
