"""Reads of the installed base. Each model's read scope is its ``visible_to`` (one function that
pages and API share); these add what the pages show alongside.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from aftercare.customers.models import Customer
from aftercare.org.access import Scope, read_scope
from aftercare.org.models import User
from aftercare.sites.models import (
    EQUIPMENT_SCOPE_PATHS,
    VIEW_SITE,
    Equipment,
    Site,
    System,
    serial_key,
)
from aftercare.statements import Prepared, counted_page, page_length


def visible_sites(user: User) -> QuerySet[Site]:
    return Site.objects.visible_to(user).select_related("customer", "branch")


def visible_systems(user: User) -> QuerySet[System]:
    return System.objects.visible_to(user).select_related("site__customer", "site__branch")


def visible_equipment(user: User) -> QuerySet[Equipment]:
    return Equipment.objects.visible_to(user).select_related("system__site")


def site_list(user: User) -> QuerySet[Site]:
    return visible_sites(user).annotate(system_count=Count("systems"))


def equipment_by_serial(user: User, serial: str) -> QuerySet[Equipment]:
    """Items whose serial starts with what was typed (spaces, dashes and case ignored)."""
    key = serial_key(serial)
    if not key:
        return visible_equipment(user).none()
    return visible_equipment(user).filter(serial_key__startswith=key)


@dataclass(frozen=True)
class EquipmentPage:
    rows: list[dict[str, Any]]
    count: int  # of the whole result


def equipment_page(
    user: Any,
    columns: Sequence[str],
    *,
    system_id: int | None = None,
    serial: str | None = None,
    limit: int,
    offset: int,
) -> EquipmentPage:
    """A page of the equipment list (`Equipment.objects.visible_to`, of one system, by the
    start of a serial) in one statement: the length beside each row. The statement is
    compiled once per shape (the reader's scope, the filters given, the page): building and
    compiling it cost Django more than PostgreSQL takes to find an item by its serial."""
    scope = read_scope(user, VIEW_SITE)
    key = serial_key(serial) if serial is not None else None
    if key == "":  # nothing searchable typed: nothing found
        return EquipmentPage([], 0)
    given = {
        name: value for name, value in (("system", system_id), ("serial", key)) if value is not None
    }
    statement = _equipment_statement(scope.boundary, tuple(columns), tuple(given), limit, offset)
    rows = statement.run(**given, **scope.values)

    def count() -> int:
        items = Equipment.objects.visible_to(user)
        if system_id is not None:
            items = items.filter(system_id=system_id)
        if key is not None:
            items = items.filter(serial_key__startswith=key)
        return items.count()

    return EquipmentPage(rows, page_length(rows, offset, count))


@functools.lru_cache(maxsize=128)
def _equipment_statement(
    boundary: str, columns: tuple[str, ...], filters: tuple[str, ...], limit: int, offset: int
) -> Prepared[Equipment]:
    def build(
        scope: int | None = None, system: int = 0, serial: str = ""
    ) -> QuerySet[Equipment, dict[str, Any]]:
        items = Scope(boundary, scope).applied_to(Equipment.objects.all(), **EQUIPMENT_SCOPE_PATHS)
        if "system" in filters:
            items = items.filter(system_id=system)
        if "serial" in filters:  # in the index's order: the first entries of the prefix range
            items = items.filter(serial_key__startswith=serial).order_by("serial_key", "id")
        else:
            items = items.order_by("id")
        return counted_page(items.values(*columns), limit=limit, offset=offset)

    kinds = {"system": int, "serial": str}
    return Prepared(build, **{name: kinds[name] for name in filters}, **Scope(boundary).kinds)


def search_sites(user: User, text: str = "") -> QuerySet[Site]:
    """Sites whose name, owner or address contains what was typed (the list's search box)."""
    sites = site_list(user)
    text = text.strip()
    if text:
        sites = sites.filter(
            Q(name__icontains=text) | Q(address__icontains=text) | Q(customer__name__icontains=text)
        )
    return sites.order_by("name", "id")


def get_site_for(user: User, pk: int) -> Site:
    """A site the user may see; Site.DoesNotExist (404) otherwise."""
    return visible_sites(user).get(pk=pk)


#: What a site page shows of each system, and of the site beside them.
_SITE_SYSTEM = ("id", "site_id", "kind", "name", "key", "accepted_on", "warranty_starts_on",
                "warranty_ends_on")  # fmt: skip
_PAGE_SITE = ("name", "address", "customer__name", "branch__name")


def site_for_page(user: User, pk: int) -> Site:
    """A site as its page shows it (names of the site, its owner and branch; its address);
    Site.DoesNotExist (404) outside the user's scope, as ``get_site_for``."""
    return (
        Site.objects.visible_to(user)
        .select_related("customer", "branch")
        .only(*_PAGE_SITE)
        .get(pk=pk)
    )


def get_system_for(user: User, pk: int) -> System:
    return visible_systems(user).get(pk=pk)


def get_equipment_for(user: User, pk: int) -> Equipment:
    return (
        visible_equipment(user)
        .select_related("system__site__customer", "replaces", "replaced_by")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class SystemRow:
    """One system on its site's page: counts of its equipment in service and replaced."""

    system: System
    in_service: int
    removed: int

    def warranty_state(self, today: date) -> str:
        return warranty_state(self.system.warranty_starts_on, self.system.warranty_ends_on, today)


def warranty_state(starts_on: date | None, ends_on: date | None, today: date) -> str:
    """`not_started` (no acceptance yet), `running` or `ended` on `today`."""
    if starts_on is None or ends_on is None:
        return "not_started"
    return "running" if today <= ends_on else "ended"


def site_page(user: User, pk: int) -> tuple[Site, list[SystemRow]]:
    """A site as its page shows it, with its systems and their equipment counts: one
    statement (the systems joined to their site, owner and branch) when the site has systems,
    and one more for the site alone when it has none. Site.DoesNotExist (404) outside the
    user's scope, as ``get_site_for``."""
    systems = (
        System.objects.visible_to(user)
        .filter(site_id=pk)
        .select_related("site__customer", "site__branch")
        .only(*_SITE_SYSTEM, *(f"site__{field}" for field in _PAGE_SITE))
        .annotate(
            in_service=Count("equipment", filter=Q(equipment__removed_on__isnull=True)),
            removed=Count("equipment", filter=Q(equipment__removed_on__isnull=False)),
        )
        .order_by("kind", "name", "id")
    )
    rows = [SystemRow(s, s.in_service, s.removed) for s in systems]
    site = rows[0].system.site if rows else site_for_page(user, pk)
    return site, rows


def system_equipment(system: System) -> QuerySet[Equipment]:
    """The system's items, those in service first, then by place in the building."""
    return (
        system.equipment.select_related("replaces")
        .annotate(replaced_by_pk=F("replaced_by__id"))
        .order_by(F("removed_on").asc(nulls_first=True), "location", "name", "id")
    )


def company_owners(user: User) -> QuerySet[Customer]:
    """Who may own a new site: the company customers the user may see (their branch's)."""
    customers: QuerySet[Customer] = Customer.objects.visible_to(user)  # type: ignore[no-untyped-call]
    return customers.filter(kind=Customer.Kind.COMPANY).order_by("name", "id")
