from django.contrib import admin

from aftercare.adminsite import HistoryAdmin
from aftercare.customers.models import Customer, Vehicle


@admin.register(Customer)
class CustomerAdmin(HistoryAdmin):
    list_display = ["name", "kind", "branch"]
    list_filter = ["branch"]
    search_fields = ["name"]


@admin.register(Vehicle)
class VehicleAdmin(HistoryAdmin):
    list_display = ["plate", "vin", "make", "model", "customer"]
    search_fields = ["plate", "vin"]
