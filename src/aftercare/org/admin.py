"""The organisation in the Django admin (superusers; administrators use the staff pages)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from aftercare.adminsite import ArchiveAdmin, HistoryAdmin
from aftercare.org.models import Absence, ApiToken, Branch, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "time_zone", "region", "created_at"]


@admin.register(Branch)
class BranchAdmin(HistoryAdmin):
    list_display = ["code", "name", "organisation", "phone"]
    list_filter = ["organisation"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, HistoryAdmin):  # type: ignore[type-arg]
    list_display = ["username", "display_name", "organisation", "branch", "is_active"]
    list_filter = ["is_active", "is_superuser", "organisation", "branch", "groups"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = [
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Organisation"), {"fields": ["organisation", "branch", "display_name", "phone"]}),
    ]


@admin.register(Absence)
class AbsenceAdmin(HistoryAdmin):
    list_display = ["user", "starts_at", "ends_at", "stand_in", "cancelled_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(ArchiveAdmin):
    """Only the digest is stored; tokens are made with `aftercare token create`."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
