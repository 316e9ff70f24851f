"""Next maintenance by date or by mileage, whichever comes first (Form 1's 下次保養日期)."""

from datetime import date, timedelta

from aftercare.standard.deadlines import add_months


def next_due(vehicle) -> tuple[date | None, int | None]:
    """The cycle counted from the last maintenance: (date, mileage)."""
    on = km = None
    if vehicle.last_maintenance_on and vehicle.maintenance_months:
        on = add_months(vehicle.last_maintenance_on, vehicle.maintenance_months)
    if vehicle.last_maintenance_km is not None and vehicle.maintenance_km:
        km = vehicle.last_maintenance_km + vehicle.maintenance_km
    return on, km


def daily_km(vehicle) -> float | None:
    """Average kilometres a day, from the last maintenance (or purchase) to the last reading."""
    if vehicle.mileage is None or vehicle.mileage_on is None:
        return None
    if vehicle.last_maintenance_on and vehicle.last_maintenance_km is not None:
        days = (vehicle.mileage_on - vehicle.last_maintenance_on).days
        driven = vehicle.mileage - vehicle.last_maintenance_km
    elif vehicle.purchase_date:
        days = (vehicle.mileage_on - vehicle.purchase_date).days
        driven = vehicle.mileage
    else:
        return None
    if days < 14 or driven <= 0:  # too short a history to project from
        return None
    return driven / days


def projected_due_date(vehicle) -> date | None:
    by_date = vehicle.next_maintenance_on
    by_km = None
    rate = daily_km(vehicle)
    if vehicle.next_maintenance_km is not None and rate:
        remaining = vehicle.next_maintenance_km - (vehicle.mileage or 0)
        by_km = vehicle.mileage_on + timedelta(days=max(0, int(remaining / rate)))
    candidates = [d for d in (by_date, by_km) if d is not None]
    return min(candidates) if candidates else None
