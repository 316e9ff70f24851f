"""Is the customer archive complete? The fields of Form 1 that the standard lists (DS-1)."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

CUSTOMER_FIELDS = [
    ("name", _("name")),
    ("address", _("address")),
    ("phone", _("phone")),
    ("wanted_services", _("services hoped for")),
]
VEHICLE_FIELDS = [
    ("model", _("vehicle model")),
    ("plate", _("number plate")),
    ("vehicle_type", _("vehicle type")),
    ("maintenance_cycle", _("maintenance cycle")),
    ("next_maintenance", _("next maintenance")),
]


def missing_fields(customer) -> list[str]:
    """Codes of the Form 1 fields still empty; [] means the archive is complete.

    Visit dates, service items and history come from repair orders and consultations, so
    they are complete by construction and not asked of the advisor.
    """
    return missing_of(customer, customer.phones.exists(), list(customer.vehicles.all()))


def missing_of(customer: Any, has_phone: bool, vehicles: list[Any]) -> list[str]:
    """`missing_fields` of a customer and vehicles read as rows (attributes or dict keys)."""
    read = _reader(customer)
    missing = []
    if not read("name").strip():
        missing.append("name")
    if not read("address").strip():
        missing.append("address")
    if not has_phone:
        missing.append("phone")
    if not (read("wanted_services") or read("wanted_services_note").strip()):
        missing.append("wanted_services")
    readers = [_reader(vehicle) for vehicle in vehicles]
    checks = {
        "model": lambda v: bool(v("model")),
        "plate": lambda v: bool(v("plate")),
        "vehicle_type": lambda v: bool(v("vehicle_type")),
        "maintenance_cycle": lambda v: bool(v("maintenance_months") or v("maintenance_km")),
        "next_maintenance": lambda v: bool(v("next_maintenance_on") or v("next_maintenance_km")),
    }
    for code, filled in checks.items():
        if not readers or not all(filled(vehicle) for vehicle in readers):
            missing.append(code)
    return missing


def _reader(row: Any) -> Callable[[str], Any]:
    return row.__getitem__ if isinstance(row, dict) else lambda name: getattr(row, name)


def labels(codes: list[str]) -> list[str]:
    names = dict(CUSTOMER_FIELDS + VEHICLE_FIELDS)
    return [str(names[code]) for code in codes]
