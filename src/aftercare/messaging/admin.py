from django.contrib import admin

from aftercare.adminsite import ArchiveAdmin
from aftercare.messaging.models import Message, OptOut


@admin.register(Message)
class MessageAdmin(ArchiveAdmin):
    """What was sent to customers, and when: retried in the pages, never edited."""

    list_display = ["to", "channel", "status", "attempts", "reason"]
    list_filter = ["channel", "status"]


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["customer", "channel", "recorded_by", "recorded_at"]
