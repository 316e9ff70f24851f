"""Reads of contracts and service calendars, and THE coverage function.

``coverage(item, at)`` is the one answer to "is this covered, by what, until when?" for a
system or an equipment item: the hotline (which targets apply, BS-7/BS-8/BS-13), billing (BS-10:
free, per contract or billed) and parts (BS-12: priority for covered customers) all ask it, and
nothing else decides "covered".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet

from aftercare.apps import ObligationRow
from aftercare.contracts.choices import CoverageKind
from aftercare.contracts.models import (
    Contract,
    ContractQuerySet,
    EscalationStep,
    ServiceCalendar,
)
from aftercare.org.models import Organisation, User
from aftercare.sites.models import Equipment, Site, System
from aftercare.standard.calendar import local_date


@dataclass(frozen=True)
class Coverage:
    """What covers an item on a day: ``kind`` is "warranty", "contract" or "none"; ``until``
    is the last covered day (the warranty's or the contract's end); ``contract`` is the
    covering contract (``contract_id`` its id) when ``kind`` is "contract"."""

    kind: str
    until: date | None = None
    contract_id: int | None = None
    contract: Contract | None = field(default=None, compare=False, repr=False)


NONE = Coverage(CoverageKind.NONE.value)


def _within(day: date, starts_on: date | None, ends_on: date | None) -> bool:
    return starts_on is not None and ends_on is not None and starts_on <= day <= ends_on


def coverage(item: System | Equipment, at: datetime | date) -> Coverage:
    """What covers `item` (a ``sites.System`` or ``sites.Equipment``) at `at`.

    `at` is an aware moment (its local date in the organisation's time zone counts: 23:30 on
    the warranty's last day in Shanghai is still warranty, whatever UTC says) or a local date.
    In order: the equipment item's own warranty (a replacement part's), else its system's
    warranty, else a signed contract covering the system whose term includes the day, else
    nothing. Two queries at most: the item with its system's warranty and the time zone, then
    the system's running contract (through the (system, contract) index of the coverage table).
    """
    if isinstance(item, Equipment):
        own = _equipment_row(item.pk)
        system_id = own["system_id"]
        system_starts, system_ends = (
            own["system__warranty_starts_on"],
            own["system__warranty_ends_on"],
        )
        day = _day(at, own["system__site__branch__organisation__time_zone"])
        if own["own_warranty"] and _within(day, own["warranty_starts_on"], own["warranty_ends_on"]):
            return Coverage(CoverageKind.WARRANTY.value, own["warranty_ends_on"])
    else:
        row = _system_row(item.pk)
        system_id = item.pk
        system_starts, system_ends = row["warranty_starts_on"], row["warranty_ends_on"]
        day = _day(at, row["site__branch__organisation__time_zone"])
    if _within(day, system_starts, system_ends):
        return Coverage(CoverageKind.WARRANTY.value, system_ends)
    contract = (
        Contract.objects.running_on(day)
        .filter(coverage__system_id=system_id)
        .order_by("-starts_on", "-id")
        .first()
    )
    if contract is None:
        return NONE
    return Coverage(CoverageKind.CONTRACT.value, contract.ends_on, contract.pk, contract)


def _equipment_row(pk: int) -> dict[str, Any]:
    """The item's own warranty, its system's, and the organisation's time zone: one query."""
    return dict(
        Equipment.objects.filter(pk=pk)
        .values(
            "own_warranty",
            "warranty_starts_on",
            "warranty_ends_on",
            "system_id",
            "system__warranty_starts_on",
            "system__warranty_ends_on",
            "system__site__branch__organisation__time_zone",
        )
        .get()
    )


def _system_row(pk: int) -> dict[str, Any]:
    return dict(
        System.objects.filter(pk=pk)
        .values("warranty_starts_on", "warranty_ends_on", "site__branch__organisation__time_zone")
        .get()
    )


def _day(at: datetime | date, zone: str) -> date:
    if isinstance(at, datetime):
        return local_date(at, ZoneInfo(zone))
    return at


# -- service calendars ------------------------------------------------------------------------


def visible_calendars(user: User) -> QuerySet[ServiceCalendar]:
    """The calendars of the user's organisation, the built-in 24×7 one created on first need."""
    from aftercare.contracts.actions import builtin_calendar

    calendars = ServiceCalendar.objects.visible_to(user)
    if user.organisation is not None:
        builtin_calendar(user.organisation)
    return calendars.select_related("organisation")


def get_calendar_for(user: User, pk: int) -> ServiceCalendar:
    """A calendar the user may read; 404 (DoesNotExist) for another organisation's."""
    return visible_calendars(user).get(pk=pk)


# -- contracts --------------------------------------------------------------------------------


def today_of(organisation: Organisation, now: datetime) -> date:
    return local_date(now, organisation.tz)


def user_today(user: User, now: datetime) -> date:
    organisation = user.organisation
    zone = organisation.tz if organisation is not None else ZoneInfo("Asia/Shanghai")
    return local_date(now, zone)


def visible_contracts(user: User, now: datetime) -> ContractQuerySet:
    """The contracts the user may read, with ``current_status`` on the organisation's today."""
    contracts = Contract.objects.visible_to(user)
    return contracts.with_status(user_today(user, now)).select_related(
        "site", "customer", "branch__organisation", "service_calendar"
    )


def contract_detail(user: User, pk: int, now: datetime) -> Contract:
    """One contract with its systems, targets and escalation chain (404 outside the scope)."""
    return (
        visible_contracts(user, now)
        .prefetch_related(
            "systems",
            "targets",
            Prefetch("escalation", EscalationStep.objects.select_related("user")),
        )
        .get(pk=pk)
    )


def get_site_for(user: User, pk: int) -> Site:
    return (
        Site.objects.visible_to(user).select_related("customer", "branch__organisation").get(pk=pk)
    )


def offerable_sites(user: User) -> QuerySet[Site]:
    return Site.objects.visible_to(user).select_related("customer").order_by("name", "id")


def site_of_subject(obligation: ObligationRow) -> int | None:
    """The site of a BS-6 obligation's subject: a system (warranty offer) or a contract
    (renewal)."""
    type_id: Any = getattr(obligation, "subject_type_id", None)
    if type_id is None or obligation.subject_id is None:
        return None
    model = ContentType.objects.get_for_id(type_id).model_class()
    if model is System:
        return (
            System.objects.filter(pk=obligation.subject_id)
            .values_list("site_id", flat=True)
            .first()
        )
    if model is Contract:
        return (
            Contract.objects.filter(pk=obligation.subject_id)
            .values_list("site_id", flat=True)
            .first()
        )
    return None
