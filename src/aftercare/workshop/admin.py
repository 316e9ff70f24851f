from django.contrib import admin

from aftercare.adminsite import HistoryAdmin
from aftercare.workshop.models import Consultation, RepairOrder, ServiceItem


@admin.register(ServiceItem)
class ServiceItemAdmin(HistoryAdmin):
    list_display = ["code", "name", "kind", "active", "organisation"]
    list_filter = ["organisation", "kind", "active"]


@admin.register(RepairOrder)
class RepairOrderAdmin(HistoryAdmin):
    list_display = ["pk", "vehicle", "customer", "advisor", "checked_in_at", "picked_up_at"]
    list_filter = ["branch"]


@admin.register(Consultation)
class ConsultationAdmin(HistoryAdmin):
    list_display = ["customer", "advisor", "channel", "occurred_at"]
