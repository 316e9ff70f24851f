"""The Django admin: for superusers only, with the archives read-only.

Administrators of a shop work in the product's own pages (Organisation menu), where every change
goes through the actions and their checks. The admin writes rows directly, so it is kept for
superusers (the people who run the server); a signed-in member of staff who opens it is told
where their settings are, rather than being shown Django's "no permission" page.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from simple_history.admin import SimpleHistoryAdmin


class AftercareAdminSite(admin.AdminSite):
    site_header = "Aftercare"
    site_title = "Aftercare admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.user.is_authenticated and not self.has_permission(request):
            return render(request, "admin_refused.html", status=403)
        return super().login(request, extra_context)


class AdminConfig(DjangoAdminConfig):
    default_site = "aftercare.adminsite.AftercareAdminSite"


class ArchiveAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A record the standard keeps as written (registers, amendments, finalised reviews): shown,
    never changed or deleted here. Corrections are amendments made in the pages."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class HistoryAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """A record with its history: the history is shown, never rolled back from here.

    django-simple-history hides the revert button when SIMPLE_HISTORY_REVERT_DISABLED is set
    but still saves a posted old version; refusing the POST keeps the history tables read-only.
    """

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response
