from django.contrib import admin

from aftercare.adminsite import HistoryAdmin
from aftercare.obligations.models import Notification, Obligation


@admin.register(Obligation)
class ObligationAdmin(HistoryAdmin):
    list_display = ["rule", "title", "owner", "branch", "due_at", "done_at"]
    list_filter = ["rule", "branch"]
    search_fields = ["title"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["recipient", "obligation", "kind", "created_at", "read_at"]
