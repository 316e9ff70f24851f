from django.contrib import admin

from aftercare.adminsite import ArchiveAdmin, HistoryAdmin
from aftercare.safety.models import Clearance, Equipment, Inspection, Place, RagBin


@admin.register(Place)
class PlaceAdmin(HistoryAdmin):
    list_display = ["name", "branch", "keeper", "min_count", "active"]


@admin.register(RagBin)
class RagBinAdmin(HistoryAdmin):
    list_display = ["label", "place", "owner", "active"]


@admin.register(Equipment)
class EquipmentAdmin(HistoryAdmin):
    list_display = ["label", "kind", "place", "expires_on", "status"]


@admin.register(Clearance)
class ClearanceAdmin(ArchiveAdmin):
    list_display = ["bin", "cleared_at", "by"]


@admin.register(Inspection)
class InspectionAdmin(ArchiveAdmin):
    list_display = ["equipment", "inspected_at", "by", "result"]
