from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from aftercare.customers.models import Customer, Vehicle


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "branch"]
    list_filter = ["branch"]
    search_fields = ["name"]


@admin.register(Vehicle)
class VehicleAdmin(SimpleHistoryAdmin):
    list_display = ["plate", "vin", "make", "model", "customer"]
    search_fields = ["plate", "vin"]
