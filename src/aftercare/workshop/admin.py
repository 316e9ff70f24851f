from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from aftercare.workshop.models import Consultation, RepairOrder, ServiceItem


@admin.register(ServiceItem)
class ServiceItemAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "active", "organisation"]
    list_filter = ["organisation", "kind", "active"]


@admin.register(RepairOrder)
class RepairOrderAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "vehicle", "customer", "advisor", "checked_in_at", "picked_up_at"]
    list_filter = ["branch"]


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["customer", "advisor", "channel", "occurred_at"]
