"""Letters are the letter register (DS-9): read-only here; corrections are amendments."""

from django.contrib import admin

from aftercare.adminsite import ArchiveAdmin, HistoryAdmin
from aftercare.outreach.models import Campaign, Letter, LetterAmendment


@admin.register(Campaign)
class CampaignAdmin(HistoryAdmin):
    list_display = ["name", "kind", "branch", "starts_at", "scheduled_at"]
    list_filter = ["branch", "kind"]


@admin.register(Letter)
class LetterAdmin(ArchiveAdmin):
    list_display = ["register_number", "customer", "kind", "sent_at", "sent_by"]
    search_fields = ["register_number"]


@admin.register(LetterAmendment)
class LetterAmendmentAdmin(ArchiveAdmin):
    list_display = ["letter", "field", "reason", "by", "at"]
