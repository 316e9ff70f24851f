"""Calls are the call register (DS-8): read-only here; corrections are amendments."""

from django.contrib import admin

from aftercare.adminsite import ArchiveAdmin, HistoryAdmin
from aftercare.followups.models import Call, CallAmendment, NextServicePlan


@admin.register(Call)
class CallAdmin(ArchiveAdmin):
    list_display = ["register_number", "customer", "advisor", "purpose", "occurred_at", "reached"]
    list_filter = ["branch", "purpose"]
    search_fields = ["register_number"]


@admin.register(CallAmendment)
class CallAmendmentAdmin(ArchiveAdmin):
    list_display = ["call", "field", "reason", "amended_by", "amended_at"]


@admin.register(NextServicePlan)
class NextServicePlanAdmin(HistoryAdmin):
    list_display = ["customer", "planned_contact_at", "confirmed_at"]
