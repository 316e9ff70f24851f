from datetime import date
from decimal import Decimal

from aftercare.safety import actions
from tests.obligations.helpers import at


def place(desk, name="油漆房", **kwargs):
    kwargs.setdefault("keeper", desk.sam)
    return actions.add_place(branch=desk.branch_a, by=desk.sam, name=name, **kwargs)


def extinguisher(desk, where, label="E-1", now=None, **kwargs):
    fields = {
        "kind": "powder", "label": label, "capacity": Decimal("4"), "unit": "kg",
        "installed_on": date(2025, 6, 1), "expires_on": date(2030, 6, 1), **kwargs,
    }  # fmt: skip
    return actions.add_equipment(
        place=where, by=desk.sam, now=now or at(2026, 1, 10, 9, 0), **fields
    )
