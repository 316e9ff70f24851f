"""A campaign's target list: filters as stored on the campaign, turned into one SQL query.

The filters are kept as entered (JSON on `Campaign.filters`), so the list is computed again at
scheduling time from the archive as it is then. Consent (which customers may be contacted):
- `phone`: the customer has at least one phone number (a DS-7 notice is a phone call);
- `letters`: the customer consents to letters (`consents_to_letters`);
- empty: everyone the other filters select.
Maintenance due uses the stored next-maintenance date (a mileage projection is Python-side and
cannot be filtered in SQL; the date is what the archive shows).
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from aftercare.customers.models import Customer, CustomerPhone, Vehicle
from aftercare.errors import Errors
from aftercare.outreach.choices import Consent

MAX_IDS = 100_000


@dataclass
class TargetFilters:
    vehicle_model: str = ""
    vehicle_type: str = ""
    last_visit_from: date | None = None
    last_visit_to: date | None = None
    maintenance_due_from: date | None = None
    maintenance_due_to: date | None = None
    consent: str = ""
    customer_ids: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, date):
                data[key] = value.isoformat()
        return {k: v for k, v in data.items() if v not in ("", None, [])}

    @classmethod
    def from_json(cls, data: dict | None) -> "TargetFilters":
        data = dict(data or {})
        for key in ("last_visit_from", "last_visit_to", "maintenance_due_from",
                    "maintenance_due_to"):  # fmt: skip
            if isinstance(data.get(key), str):
                data[key] = date.fromisoformat(data[key])
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def validate(self, errors: Errors) -> None:
        if self.consent not in Consent.values:
            errors.add("consent", _("Unknown consent."))
        for start, end in (("last_visit_from", "last_visit_to"),
                           ("maintenance_due_from", "maintenance_due_to")):  # fmt: skip
            a, b = getattr(self, start), getattr(self, end)
            if a and b and a > b:
                errors.add(end, _("The end of the period is before its start."))
        if len(self.customer_ids) > MAX_IDS:
            errors.add("customer_ids", _("Too many customers."))
        if any(not isinstance(i, int) or i < 1 for i in self.customer_ids):
            errors.add("customer_ids", _("Customer ids are positive whole numbers."))


def make_or_model(text: str) -> Q:
    """What people type for "which cars": the make (別克), the model (君威) or both (別克 君威).

    Every word must appear in the make or the model, so "別克 君威" narrows to that model while
    "別克" alone finds every Buick (issue 10: make and model are separate fields).
    """
    condition = Q()
    for word in text.split():
        condition &= Q(make__icontains=word) | Q(model__icontains=word)
    return condition


def _since(day: date, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _visits_between(since, until):
    """Customers with a repair order or consultation in [since, until)."""
    from aftercare.workshop.models import Consultation, RepairOrder

    ros = RepairOrder.objects.all()
    cons = Consultation.objects.all()
    if since is not None:
        ros, cons = ros.filter(checked_in_at__gte=since), cons.filter(occurred_at__gte=since)
    if until is not None:
        ros, cons = ros.filter(checked_in_at__lt=until), cons.filter(occurred_at__lt=until)
    return Q(pk__in=ros.values("customer_id")) | Q(pk__in=cons.values("customer_id"))


def target_customers(branch, filters: TargetFilters):
    """The customers of `branch` the filters select, as one queryset (no rows loaded)."""
    tz = branch.organisation.tz
    qs = Customer.objects.filter(branch=branch)
    if filters.customer_ids:
        qs = qs.filter(pk__in=filters.customer_ids)
    vehicles = Vehicle.objects.all()
    narrowed = False
    if filters.vehicle_model:
        vehicles, narrowed = vehicles.filter(make_or_model(filters.vehicle_model)), True
    if filters.vehicle_type:
        vehicles, narrowed = vehicles.filter(vehicle_type__icontains=filters.vehicle_type), True
    if filters.maintenance_due_from:
        vehicles = vehicles.filter(next_maintenance_on__gte=filters.maintenance_due_from)
        narrowed = True
    if filters.maintenance_due_to:
        vehicles = vehicles.filter(next_maintenance_on__lte=filters.maintenance_due_to)
        narrowed = True
    if narrowed:
        qs = qs.filter(pk__in=vehicles.values("customer_id"))
    if filters.last_visit_from or filters.last_visit_to:
        # The *last* visit falls in the period: a visit in it, and none after it.
        since = _since(filters.last_visit_from, tz) if filters.last_visit_from else None
        until = (
            _since(filters.last_visit_to + timedelta(days=1), tz) if filters.last_visit_to else None
        )
        qs = qs.filter(_visits_between(since, until))
        if until is not None:
            qs = qs.exclude(_visits_between(until, None))
    if filters.consent == Consent.PHONE:
        qs = qs.filter(pk__in=CustomerPhone.objects.values("customer_id"))
    elif filters.consent == Consent.LETTERS:
        qs = qs.filter(consents_to_letters=True)
    return qs
