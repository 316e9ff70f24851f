from django.contrib import admin

from aftercare.adminsite import ArchiveAdmin, HistoryAdmin
from aftercare.cases.models import ItemEvent, RaisedItem


@admin.register(RaisedItem)
class RaisedItemAdmin(HistoryAdmin):
    list_display = ["customer", "kind", "state", "owner", "raised_at"]
    list_filter = ["branch", "kind", "state"]


@admin.register(ItemEvent)
class ItemEventAdmin(ArchiveAdmin):
    """The timeline of a raised item: written once per move."""

    list_display = ["item", "from_state", "to_state", "at", "by"]
