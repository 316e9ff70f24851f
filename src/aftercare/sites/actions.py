"""The only writers of the installed base: sites, systems and equipment.

Acceptance and warranty are written by ``documents.actions.record_acceptance`` (it needs the
handover archive); replacing a part with its own warranty by ``replace_equipment`` here.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from aftercare.customers.models import Customer
from aftercare.errors import Errors
from aftercare.org.access import ensure_allowed
from aftercare.org.models import User
from aftercare.sites.choices import SystemKind
from aftercare.sites.models import Equipment, Site, System
from aftercare.standard import deadlines


def _text(value: str | None, field: str, errors: Errors, *, max_length: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > max_length:
        errors.add(field, _("At most %(n)d characters.") % {"n": max_length})
    return text


@transaction.atomic
def create_site(*, by: User, customer: Customer, name: str, address: str = "") -> Site:
    """A site of `customer` (a company: the owner), in the owner's branch."""
    ensure_allowed(by, "sites.add_site", customer.branch)
    errors = Errors()
    if customer.kind != Customer.Kind.COMPANY:
        errors.add("customer_id", _("The owner of a site is a company customer."))
    name = _text(name, "name", errors, max_length=200, required=True)
    address = _text(address, "address", errors, max_length=300, required=False)
    errors.raise_if_any()
    return Site.objects.create(
        branch=customer.branch, customer=customer, name=name, address=address
    )


@transaction.atomic
def add_system(*, by: User, site: Site, kind: str, name: str, key: bool = False) -> System:
    ensure_allowed(by, "sites.add_system", site.branch)
    errors = Errors()
    if kind not in SystemKind.values:
        errors.add("kind", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(SystemKind.values)})
    name = _text(name, "name", errors, max_length=200, required=True)
    errors.raise_if_any()
    return System.objects.create(site=site, kind=kind, name=name, key=key)


def _check_equipment(
    errors: Errors, *, name: str, model: str, serial: str, location: str
) -> tuple[str, str, str, str]:
    return (
        _text(name, "name", errors, max_length=200, required=True),
        _text(model, "model", errors, max_length=100, required=False),
        _text(serial, "serial", errors, max_length=100, required=False),
        _text(location, "location", errors, max_length=200, required=False),
    )


def clean_equipment(
    errors: Errors, *, name: str, model: str, serial: str, location: str
) -> dict[str, str]:
    """An item's fields cleaned as `add_equipment` cleans them (the import checks rows so)."""
    name, model, serial, location = _check_equipment(
        errors, name=name, model=model, serial=serial, location=location
    )
    return {"name": name, "model": model, "serial": serial, "location": location}


@transaction.atomic
def add_equipment(
    *,
    by: User,
    system: System,
    name: str,
    model: str = "",
    serial: str = "",
    location: str = "",
    installed_on: date | None = None,
) -> Equipment:
    """An item of `system`; added after acceptance it is covered by the system's warranty."""
    ensure_allowed(by, "sites.add_equipment", system.site.branch)
    errors = Errors()
    name, model, serial, location = _check_equipment(
        errors, name=name, model=model, serial=serial, location=location
    )
    errors.raise_if_any()
    return Equipment.objects.create(
        system=system,
        name=name,
        model=model,
        serial=serial,
        location=location,
        installed_on=installed_on,
        warranty_starts_on=system.warranty_starts_on,
        warranty_ends_on=system.warranty_ends_on,
    )


@transaction.atomic
def replace_equipment(
    *,
    by: User,
    old: Equipment,
    name: str,
    model: str = "",
    serial: str = "",
    installed_on: date,
) -> Equipment:
    """A replacement part (BS-5, BS-12): a new item at the old one's place, with its own
    warranty running from its installation. The old item stays on record.
    """
    ensure_allowed(by, "sites.add_equipment", old.system.site.branch)
    errors = Errors()
    name, model, serial, _location = _check_equipment(
        errors, name=name, model=model, serial=serial, location=old.location
    )
    errors.raise_if_any()
    organisation = old.system.site.branch.organisation
    if old.removed_on is not None:
        errors.add("old", _("This item was already replaced."))
        errors.raise_if_any()
    old.removed_on = installed_on
    old.save(update_fields=["removed_on"])
    return Equipment.objects.create(
        replaces=old,
        system=old.system,
        name=name,
        model=model,
        serial=serial,
        location=old.location,
        installed_on=installed_on,
        warranty_starts_on=installed_on,
        warranty_ends_on=deadlines.warranty_ends_on(organisation, installed_on),
        own_warranty=True,
    )
