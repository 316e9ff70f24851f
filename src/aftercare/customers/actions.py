"""Changes to the customer archive. Each validates everything first, then writes in one go."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.customers import archive, maintenance
from aftercare.customers.choices import ContactChannel, ContactTime, WantedService
from aftercare.customers.identifiers import normalise_phone, normalise_plate, normalise_vin
from aftercare.customers.models import Customer, CustomerContact, CustomerPhone, Vehicle
from aftercare.customers.names import name_key, pinyin_keys
from aftercare.errors import Errors
from aftercare.org.access import ensure_allowed

CUSTOMER_FIELDS = {
    "kind", "name", "contact_person", "address", "email", "contact_time", "contact_channel",
    "wanted_services", "wanted_services_note", "prefers_letters", "consents_to_sms",
    "consents_to_letters", "notes",
}  # fmt: skip
VEHICLE_FIELDS = {
    "plate", "vin", "make", "model", "vehicle_type", "purchase_date", "mileage", "mileage_on",
    "maintenance_months", "maintenance_km", "last_maintenance_on", "last_maintenance_km",
    "next_maintenance_on", "next_maintenance_km",
}  # fmt: skip


def _region(branch) -> str:
    return branch.organisation.region


def _clean_customer_fields(fields: dict, errors: Errors, *, creating: bool) -> dict:
    unknown = set(fields) - CUSTOMER_FIELDS - {"phones", "followup_advisor"}
    for name in unknown:
        errors.add(name, _("Unknown field."))
    cleaned = {k: v for k, v in fields.items() if k in CUSTOMER_FIELDS}
    if "name" in cleaned or creating:
        name = (cleaned.get("name") or "").strip()
        if not name:
            errors.add("name", _("Enter the customer's name."))
        cleaned["name"] = name
    if cleaned.get("kind") and cleaned["kind"] not in Customer.Kind.values:
        errors.add("kind", _("Choose person or company."))
    if cleaned.get("contact_time") and cleaned["contact_time"] not in ContactTime.values:
        errors.add("contact_time", _("Unknown contact time."))
    if cleaned.get("contact_channel") and cleaned["contact_channel"] not in ContactChannel.values:
        errors.add("contact_channel", _("Unknown contact channel."))
    wanted = cleaned.get("wanted_services")
    if wanted is not None:
        bad = [code for code in wanted if code not in WantedService.values]
        if bad:
            errors.add(
                "wanted_services", _("Unknown services: %(codes)s") % {"codes": ", ".join(bad)}
            )
        cleaned["wanted_services"] = [c for c in WantedService.values if c in wanted]
    if cleaned.get("email"):
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."))
    _check_lengths(Customer, cleaned, errors)
    return cleaned


def _check_lengths(model, cleaned: dict, errors: Errors) -> None:
    """Too long for its column: a clear message here rather than a database error later."""
    for name, value in cleaned.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            errors.add(name, _("At most %(n)s characters.") % {"n": limit})


def _clean_phones(raw_phones, region: str, errors: Errors):
    phones, seen = [], set()
    for index, raw in enumerate(raw_phones or []):
        try:
            phone = normalise_phone(raw, region)
        except ValueError as error:
            errors.add(f"phones.{index}", str(error))
            continue
        if phone.e164 not in seen:
            seen.add(phone.e164)
            phones.append(phone)
    return phones


def _clean_advisor(advisor, branch, errors: Errors):
    if advisor is not None and advisor.branch_id not in (branch.pk, None):
        errors.add("followup_advisor_id", _("The follow-up advisor must work at this branch."))


def _set_search_keys(customer: Customer) -> None:
    customer.name_key = name_key(customer.name)
    customer.name_pinyin, customer.name_initials = pinyin_keys(customer.name)


def _write_phones(customer: Customer, phones) -> None:
    customer.phones.all().delete()
    CustomerPhone.objects.bulk_create(
        CustomerPhone(
            customer=customer, number=p.e164, national=p.national, last4=p.last4, position=i
        )
        for i, p in enumerate(phones)
    )


@transaction.atomic
def create_customer(*, branch, by, phones=(), followup_advisor=None, **fields) -> Customer:
    ensure_allowed(by, "customers.add_customer", branch)
    errors = Errors()
    cleaned = _clean_customer_fields(fields, errors, creating=True)
    clean_phones = _clean_phones(phones, _region(branch), errors)
    _clean_advisor(followup_advisor, branch, errors)
    errors.raise_if_any(_("The customer cannot be saved."))
    customer = Customer(branch=branch, followup_advisor=followup_advisor, **cleaned)
    _set_search_keys(customer)
    customer.save()
    _write_phones(customer, clean_phones)
    refresh_archive(customer, by=by)
    return customer


@transaction.atomic
def update_customer(customer: Customer, *, by, at=None, **fields) -> Customer:
    ensure_allowed(by, "customers.change_customer", customer.branch)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    errors = Errors()
    cleaned = _clean_customer_fields(fields, errors, creating=False)
    phones = None
    if "phones" in fields:
        phones = _clean_phones(fields["phones"], _region(customer.branch), errors)
    if "followup_advisor" in fields:
        _clean_advisor(fields["followup_advisor"], customer.branch, errors)
        cleaned["followup_advisor"] = fields["followup_advisor"]
    errors.raise_if_any(_("The customer cannot be saved."))
    for name, value in cleaned.items():
        setattr(customer, name, value)
    _set_search_keys(customer)
    customer.save()
    if phones is not None:
        _write_phones(customer, phones)
    refresh_archive(customer, by=by, at=at)
    return customer


def _clean_vehicle_fields(fields: dict, region: str, errors: Errors, *, creating: bool) -> dict:
    for name in set(fields) - VEHICLE_FIELDS:
        errors.add(name, _("Unknown field."))
    cleaned = {k: v for k, v in fields.items() if k in VEHICLE_FIELDS}
    if "plate" in cleaned or creating:
        try:
            plate = normalise_plate(cleaned.get("plate") or "", region)
            cleaned["plate"], cleaned["plate_key"] = plate.display, plate.key
        except ValueError as error:
            errors.add("plate", str(error))
    if cleaned.get("vin"):
        try:
            cleaned["vin"] = normalise_vin(cleaned["vin"])
        except ValueError as error:
            errors.add("vin", str(error))
    for name in ("mileage", "maintenance_km", "last_maintenance_km", "next_maintenance_km"):
        value = cleaned.get(name)
        if value is not None and (not isinstance(value, int) or value < 0 or value > 3_000_000):
            errors.add(name, _("Enter kilometres between 0 and 3,000,000."))
    months = cleaned.get("maintenance_months")
    if months is not None and not (1 <= months <= 60):
        errors.add("maintenance_months", _("A maintenance cycle is 1 to 60 months."))
    today = timezone.localdate()
    for name in ("purchase_date", "mileage_on", "last_maintenance_on"):
        value = cleaned.get(name)
        if isinstance(value, date) and value > today:
            errors.add(name, _("This date is in the future."))
    return cleaned


def _check_plate_free(branch, key, errors: Errors, vehicle=None) -> None:
    """One car, one record: a plate already on file in the branch is refused."""
    if not key:
        return
    taken = Vehicle.objects.filter(plate_key=key, customer__branch=branch)
    if vehicle is not None:
        taken = taken.exclude(pk=vehicle.pk)
    owner = taken.select_related("customer").first()
    if owner is not None:
        errors.add(
            "plate",
            _("This plate is already on file for %(customer)s.") % {"customer": owner.customer},
        )


def _recompute_maintenance(vehicle: Vehicle, *, overridden: bool) -> None:
    if overridden:
        vehicle.next_maintenance_overridden = True
        return
    if not vehicle.next_maintenance_overridden:
        on, km = maintenance.next_due(vehicle)
        vehicle.next_maintenance_on = on or vehicle.next_maintenance_on
        vehicle.next_maintenance_km = km or vehicle.next_maintenance_km


@transaction.atomic
def add_vehicle(customer: Customer, *, by, at=None, **fields) -> Vehicle:
    ensure_allowed(by, "customers.add_vehicle", customer.branch)
    errors = Errors()
    cleaned = _clean_vehicle_fields(fields, _region(customer.branch), errors, creating=True)
    _check_plate_free(customer.branch, cleaned.get("plate_key"), errors)
    errors.raise_if_any(_("The vehicle cannot be saved."))
    if cleaned.get("mileage") is not None and not cleaned.get("mileage_on"):
        cleaned["mileage_on"] = timezone.localdate()
    vehicle = Vehicle(customer=customer, **cleaned)
    overridden = bool(fields.get("next_maintenance_on") or fields.get("next_maintenance_km"))
    _recompute_maintenance(vehicle, overridden=overridden)
    vehicle.save()
    refresh_archive(customer, by=by, at=at)
    return vehicle


@transaction.atomic
def update_vehicle(vehicle: Vehicle, *, by, at=None, **fields) -> Vehicle:
    ensure_allowed(by, "customers.change_vehicle", vehicle.customer.branch)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    errors = Errors()
    region = _region(vehicle.customer.branch)
    cleaned = _clean_vehicle_fields(fields, region, errors, creating=False)
    _check_plate_free(vehicle.customer.branch, cleaned.get("plate_key"), errors, vehicle=vehicle)
    errors.raise_if_any(_("The vehicle cannot be saved."))
    for name, value in cleaned.items():
        setattr(vehicle, name, value)
    if "mileage" in cleaned and "mileage_on" not in cleaned:
        vehicle.mileage_on = timezone.localdate()
    next_keys = ("next_maintenance_on", "next_maintenance_km")
    next_given = {k: fields[k] for k in next_keys if k in fields}
    if next_given and not any(next_given.values()):
        vehicle.next_maintenance_overridden = False  # cleared by hand: computed again
        vehicle.next_maintenance_on = vehicle.next_maintenance_km = None
        next_given = {}
    _recompute_maintenance(vehicle, overridden=bool(next_given))
    vehicle.save()
    refresh_archive(vehicle.customer, by=by, at=at)
    return vehicle


def record_maintenance(vehicle: Vehicle, *, on: date, km: int | None) -> None:
    """A maintenance was done: the cycle restarts from here (a hand-set due date is dropped)."""
    vehicle.last_maintenance_on = on
    if km is not None:
        vehicle.last_maintenance_km = km
    vehicle.next_maintenance_overridden = False
    vehicle.next_maintenance_on, vehicle.next_maintenance_km = maintenance.next_due(vehicle)
    vehicle.save()


def record_mileage(vehicle: Vehicle, *, km: int | None, on: date) -> None:
    if km is not None and (vehicle.mileage is None or km >= vehicle.mileage):
        vehicle.mileage, vehicle.mileage_on = km, on
        vehicle.save(update_fields=["mileage", "mileage_on"])


def refresh_archive(customer: Customer, *, by, at=None) -> bool:
    """Recompute completeness; DS-1 closes itself when the archive becomes complete."""
    from aftercare.obligations.actions import fulfil_pending

    complete = not archive.missing_fields(customer)
    if complete != customer.archive_complete:
        Customer.objects.filter(pk=customer.pk).update(archive_complete=complete)
        customer.archive_complete = complete
    if complete:
        fulfil_pending("DS-1", by=by, at=at or timezone.now(), customer=customer)
    return complete


# Contacts of a company customer (the building-systems desk's owners).

CONTACT_FIELDS = ("name", "role", "phones", "email")


def _clean_contact(customer: Customer, fields: dict, errors: Errors) -> dict:
    if customer.kind != Customer.Kind.COMPANY:
        errors.add("customer", _("Contacts are kept for company customers."))
    cleaned = {
        "name": (fields.get("name") or "").strip(),
        "role": (fields.get("role") or "").strip(),
        "email": (fields.get("email") or "").strip(),
    }
    if not cleaned["name"]:
        errors.add("name", _("Enter the contact's name."))
    if cleaned["email"]:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."))
    _check_lengths(CustomerContact, cleaned, errors)
    raw = [p for p in (fields.get("phones") or ()) if (p or "").strip()]
    cleaned["phones"] = [p.e164 for p in _clean_phones(raw, _region(customer.branch), errors)]
    return cleaned


@transaction.atomic
def add_contact(customer: Customer, *, by, name, role="", phones=(), email="") -> CustomerContact:
    """A contact person of a company customer: name, role or title, phones, e-mail."""
    ensure_allowed(by, "customers.change_customer", customer.branch)
    errors = Errors()
    fields = {"name": name, "role": role, "phones": phones, "email": email}
    cleaned = _clean_contact(customer, fields, errors)
    errors.raise_if_any(_("The contact cannot be saved."))
    position = customer.contacts.count()
    return CustomerContact.objects.create(customer=customer, position=position, **cleaned)


@transaction.atomic
def update_contact(contact: CustomerContact, *, by, **fields) -> CustomerContact:
    """Correct a contact; its history keeps what it said before."""
    ensure_allowed(by, "customers.change_customer", contact.customer.branch)
    errors = Errors()
    unknown = set(fields) - set(CONTACT_FIELDS)
    for name in unknown:
        errors.add(name, _("Unknown field."))
    current = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    cleaned = _clean_contact(contact.customer, {**current, **fields}, errors)
    errors.raise_if_any(_("The contact cannot be saved."))
    for name, value in cleaned.items():
        setattr(contact, name, value)
    contact.save()
    return contact


# Bulk import (aftercare.imports): the same cleaning and derived fields as the actions above,
# without writing, so an imported customer is indistinguishable from one typed in.


def validate_customer_row(
    *, branch, customer_fields: dict, phones=(), vehicle_fields: dict | None = None
) -> tuple[dict, list, dict | None]:
    """One imported row cleaned like create_customer + add_vehicle; raises InvalidInput."""
    errors = Errors()
    region = _region(branch)
    cleaned = _clean_customer_fields(customer_fields, errors, creating=True)
    clean_phones = _clean_phones(phones, region, errors)
    vehicle = None
    if vehicle_fields is not None:
        vehicle = _clean_vehicle_fields(vehicle_fields, region, errors, creating=True)
    errors.raise_if_any(_("The row cannot be imported."))
    return cleaned, clean_phones, vehicle


def build_customer(*, branch, followup_advisor=None, **cleaned) -> Customer:
    """An unsaved customer with its search keys, as create_customer would save it."""
    customer = Customer(branch=branch, followup_advisor=followup_advisor, **cleaned)
    _set_search_keys(customer)
    return customer


def build_phones(customer: Customer, phones) -> list[CustomerPhone]:
    """Unsaved phone rows, as create_customer would write them."""
    return [
        CustomerPhone(
            customer=customer, number=p.e164, national=p.national, last4=p.last4, position=i
        )
        for i, p in enumerate(phones)
    ]


def build_vehicle(customer: Customer, cleaned: dict, *, next_given: bool) -> Vehicle:
    """An unsaved vehicle with mileage date and next maintenance, as add_vehicle would save it."""
    cleaned = dict(cleaned)
    if cleaned.get("mileage") is not None and not cleaned.get("mileage_on"):
        cleaned["mileage_on"] = timezone.localdate()
    vehicle = Vehicle(customer=customer, **cleaned)
    _recompute_maintenance(vehicle, overridden=next_given)
    return vehicle
