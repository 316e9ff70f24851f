"""The installed base over the API: sites, systems and equipment (BS-5).

Handover and acceptance (`/systems/{id}/handover`, `/systems/{id}/acceptance`) belong to the
documents app's router; this one declares no catch-all under `/systems/`.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from aftercare.apischema import BoundedPagination, Day, Id, Input, RowPagination, responses
from aftercare.customers.models import Customer
from aftercare.org.http import StaffRequest
from aftercare.sites import actions, queries
from aftercare.sites.choices import SystemKind
from aftercare.sites.models import Equipment, Site, System

router = Router(tags=["sites"])


def _require(request: StaffRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


# ------------------------------------------------------------------------------------ sites


class SiteIn(Input):
    customer_id: Id = Field(..., description="the owner: a company customer of your branch")
    name: str = Field(..., min_length=1, max_length=200)
    address: str = Field("", max_length=300)


class SiteOut(Schema):
    id: int
    branch_id: int
    customer_id: int
    name: str
    address: str
    created_at: datetime


class SiteFilters(Schema):
    customer_id: Id | None = None
    q: str | None = Field(None, max_length=100, description="in name, owner or address")


@router.post("/sites", response=responses({201: SiteOut}, 404))
def create_site(request: StaffRequest, payload: SiteIn) -> Status[Any]:
    """A site of a company customer (its owner); a person is refused (422), a customer of
    another branch is not found (404)."""
    _require(request, "sites.add_site")
    customers: QuerySet[Customer] = Customer.objects.visible_to(request.user)  # type: ignore[no-untyped-call]
    customer = customers.get(pk=payload.customer_id)
    site = actions.create_site(
        by=request.user, customer=customer, name=payload.name, address=payload.address
    )
    return Status(201, site)


@router.get("/sites", response=responses({200: list[SiteOut]}))
@paginate(BoundedPagination)
def list_sites(request: StaffRequest, filters: Query[SiteFilters]) -> QuerySet[Site]:
    sites = queries.search_sites(request.user, filters.q or "")
    if filters.customer_id is not None:
        sites = sites.filter(customer_id=filters.customer_id)
    return sites.order_by("id")


@router.get("/sites/{site_id}", response=responses({200: SiteOut}, 404))
def get_site(request: StaffRequest, site_id: Id) -> Site:
    return queries.get_site_for(request.user, site_id)


# ---------------------------------------------------------------------------------- systems


class SystemIn(Input):
    site_id: Id
    kind: SystemKind
    name: str = Field(..., min_length=1, max_length=200)
    key: bool = False


class SystemOut(Schema):
    id: int
    site_id: int
    kind: str
    name: str
    key: bool
    accepted_on: date | None
    accepted_by: str
    warranty_starts_on: date | None
    warranty_ends_on: date | None


class SystemFilters(Schema):
    site_id: Id | None = None


@router.post("/systems", response=responses({201: SystemOut}, 404))
def add_system(request: StaffRequest, payload: SystemIn) -> Status[Any]:
    """A system of a site; `key` marks it for BS-2 (two trained people on the owner's side)."""
    _require(request, "sites.add_system")
    site = queries.get_site_for(request.user, payload.site_id)
    system = actions.add_system(
        by=request.user, site=site, kind=payload.kind.value, name=payload.name, key=payload.key
    )
    return Status(201, system)


@router.get("/systems", response=responses({200: list[SystemOut]}))
@paginate(BoundedPagination)
def list_systems(request: StaffRequest, filters: Query[SystemFilters]) -> QuerySet[System]:
    systems = queries.visible_systems(request.user)
    if filters.site_id is not None:
        systems = systems.filter(site_id=filters.site_id)
    return systems.order_by("id")


@router.get("/systems/{system_id}", response=responses({200: SystemOut}, 404))
def get_system(request: StaffRequest, system_id: Id) -> System:
    return queries.get_system_for(request.user, system_id)


# -------------------------------------------------------------------------------- equipment


class InstalledEquipmentIn(Input):
    system_id: Id
    name: str = Field(..., min_length=1, max_length=200)
    model: str = Field("", max_length=100)
    serial: str = Field("", max_length=100)
    location: str = Field("", max_length=200)
    installed_on: Day | None = None


class InstalledEquipmentOut(Schema):
    id: int
    system_id: int
    name: str
    model: str
    serial: str
    location: str
    installed_on: date | None
    warranty_starts_on: date | None
    warranty_ends_on: date | None
    own_warranty: bool
    replaces_id: int | None
    removed_on: date | None


class InstalledEquipmentFilters(Schema):
    system_id: Id | None = None
    serial: str | None = Field(
        None, max_length=100, description="prefix; spaces, dashes and case are ignored"
    )


@router.post("/equipment", response=responses({201: InstalledEquipmentOut}, 404))
def add_equipment(request: StaffRequest, payload: InstalledEquipmentIn) -> Status[Any]:
    """An item of a system; added after acceptance it carries the system's warranty."""
    _require(request, "sites.add_equipment")
    system = queries.get_system_for(request.user, payload.system_id)
    item = actions.add_equipment(
        by=request.user,
        system=system,
        name=payload.name,
        model=payload.model,
        serial=payload.serial,
        location=payload.location,
        installed_on=payload.installed_on,
    )
    return Status(201, item)


class EquipmentPagination(RowPagination):
    """The page read by `queries.equipment_page` (one statement), as rows."""

    def page(self, source: Any, request: HttpRequest, *, limit: int, offset: int) -> Any:
        filters: InstalledEquipmentFilters = source
        page = queries.equipment_page(
            request.user, list(InstalledEquipmentOut.model_fields),
            system_id=filters.system_id, serial=filters.serial, limit=limit, offset=offset,
        )  # fmt: skip
        return {"count": page.count, "items": page.rows}


@router.get("/equipment", response=responses({200: list[InstalledEquipmentOut]}))
@paginate(EquipmentPagination)
def list_equipment(
    request: StaffRequest, filters: Query[InstalledEquipmentFilters]
) -> InstalledEquipmentFilters:
    """Items the user may see, of a system or by the start of their serial (spaces, dashes
    and case ignored): in the serial's order then, else by id."""
    return filters


@router.get("/equipment/{equipment_id}", response=responses({200: InstalledEquipmentOut}, 404))
def get_equipment(request: StaffRequest, equipment_id: Id) -> Equipment:
    return queries.get_equipment_for(request.user, equipment_id)
