from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from aftercare.adminsite import ArchiveAdmin
from aftercare.safety.models import Clearance, Equipment, Inspection, Place, RagBin


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "branch", "keeper", "min_count", "active"]


@admin.register(RagBin)
class RagBinAdmin(SimpleHistoryAdmin):
    list_display = ["label", "place", "owner", "active"]


@admin.register(Equipment)
class EquipmentAdmin(SimpleHistoryAdmin):
    list_display = ["label", "kind", "place", "expires_on", "status"]


@admin.register(Clearance)
class ClearanceAdmin(ArchiveAdmin):
    list_display = ["bin", "cleared_at", "by"]


@admin.register(Inspection)
class InspectionAdmin(ArchiveAdmin):
    list_display = ["equipment", "inspected_at", "by", "result"]
