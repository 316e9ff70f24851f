"""The only writers of service calendars and maintenance contracts (BS-6).

Signing a contract fulfils the BS-6 duties it answers — the offer due before the warranty of
one of its systems ends (subject: the system, opened at acceptance), and the renewal offer of an
earlier contract for the same systems (subject: that contract) — and opens its own renewal
duty, due 60 days (the BS-6 setting) before its last covered day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.contracts.calendars import ALWAYS, check_week, stored
from aftercare.contracts.choices import FaultCategory
from aftercare.contracts.models import (
    ALWAYS_NAME,
    Contract,
    ContractSystem,
    ContractTarget,
    EscalationStep,
    ServiceCalendar,
)
from aftercare.customers.models import Customer
from aftercare.errors import Conflict, Errors
from aftercare.obligations.actions import first_supervisor, fulfil_pending, open_obligation
from aftercare.obligations.models import Obligation
from aftercare.org.access import ANY_BRANCH, ensure_allowed, ensure_allowed_in
from aftercare.org.models import Organisation, User
from aftercare.sites.models import Site, System
from aftercare.standard import calendar as cal

MAX_HOURS = Decimal("999.99")
MAX_PRICE = Decimal("9999999999.99")


def builtin_calendar(organisation: Organisation) -> ServiceCalendar:
    """The organisation's 24×7 calendar, created on first need (the standard's default)."""
    calendar = ServiceCalendar.objects.filter(organisation=organisation, builtin=True).first()
    if calendar is not None:
        return calendar
    try:
        with transaction.atomic():
            return ServiceCalendar.objects.create(
                organisation=organisation, name=ALWAYS_NAME, weekly=ALWAYS, builtin=True
            )
    except IntegrityError:  # another request created it first
        return ServiceCalendar.objects.get(organisation=organisation, name=ALWAYS_NAME)


@transaction.atomic
def create_service_calendar(
    *,
    by: User,
    organisation: Organisation,
    name: str,
    weekly: Any,
    follows_holidays: bool = False,
) -> ServiceCalendar:
    """A named weekly calendar of the organisation; every branch's contracts may use it.

    Refused (422, nothing written): not 7 days, a time that is not HH:MM, an interval ending
    before it starts, overlapping intervals (each message names the weekday), a taken name.
    """
    ensure_allowed_in(by, "contracts.add_servicecalendar", organisation)
    builtin_calendar(organisation)  # so the name 24×7 is taken, and the list shows it
    errors = Errors()
    name = (name or "").strip()
    if not name:
        errors.add("name", _("This field is required."))
    elif len(name) > 100:
        errors.add("name", _("At most %(n)d characters.") % {"n": 100})
    elif ServiceCalendar.objects.filter(organisation=organisation, name=name).exists():
        errors.add("name", _("A service calendar of this name exists already."))
    week = check_week(weekly, errors)
    errors.raise_if_any(_("The service calendar cannot be saved."))
    assert week is not None
    return ServiceCalendar.objects.create(
        organisation=organisation,
        name=name,
        weekly=stored(week),
        follows_holidays=follows_holidays,
        created_by=by,
    )


@dataclass(frozen=True)
class Target:
    category: str
    arrival_hours: Decimal
    fix_hours: Decimal


@dataclass(frozen=True)
class Emergency:
    arrival_hours: Decimal
    fix_hours: Decimal
    escalation: Sequence[tuple[int, User]] = field(default_factory=tuple)  # (minutes, user)


def _hours(value: Any, key: str, errors: Errors) -> Decimal | None:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.add(key, _("Give a number of hours."))
        return None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        errors.add(key, _("Give more than 0 and at most 999.99 hours."))
        return None
    if hours != hours.quantize(Decimal("0.01")):
        errors.add(key, _("At most two decimal places."))
        return None
    return hours


def _check_targets(targets: Iterable[Target], errors: Errors) -> list[Target]:
    checked: list[Target] = []
    seen: set[str] = set()
    for index, target in enumerate(targets):
        key = f"targets.{index}"
        if target.category not in FaultCategory.values:
            errors.add(
                f"{key}.category",
                _("Choose one of: %(values)s.") % {"values": ", ".join(FaultCategory.values)},
            )
            continue
        if target.category in seen:
            errors.add(f"{key}.category", _("Each fault category once."))
            continue
        seen.add(target.category)
        arrival = _hours(target.arrival_hours, f"{key}.arrival_hours", errors)
        fix = _hours(target.fix_hours, f"{key}.fix_hours", errors)
        if arrival is not None and fix is not None:
            if fix < arrival:
                errors.add(f"{key}.fix_hours", _("The fix target cannot come before arrival."))
            checked.append(Target(target.category, arrival, fix))
    return checked


def _check_emergency(
    emergency: Emergency | None, branch_id: int, organisation_id: int, errors: Errors
) -> Emergency | None:
    if emergency is None:
        return None
    arrival = _hours(emergency.arrival_hours, "emergency.arrival_hours", errors)
    fix = _hours(emergency.fix_hours, "emergency.fix_hours", errors)
    if arrival is not None and fix is not None and fix < arrival:
        errors.add("emergency.fix_hours", _("The fix target cannot come before arrival."))
    previous = -1
    for index, (minutes, user) in enumerate(emergency.escalation):
        key = f"emergency.escalation.{index}"
        if not isinstance(minutes, int) or minutes < 0 or minutes > 100_000:
            errors.add(f"{key}.after_minutes", _("Give 0 to 100000 minutes."))
        elif minutes < previous:
            errors.add(f"{key}.after_minutes", _("Each step comes after the one before."))
        else:
            previous = minutes
        of_branch = user.branch_id == branch_id or (
            user.branch_id is None
            and user.organisation_id == organisation_id
            and user.has_perm(ANY_BRANCH)
        )
        if not user.is_active or not of_branch:
            errors.add(f"{key}.user_id", _("Choose a colleague of the contract's branch."))
    if arrival is None or fix is None:
        return None
    return Emergency(arrival, fix, tuple(emergency.escalation))


@transaction.atomic
def offer_contract(
    *,
    by: User,
    customer: Customer,
    site: Site,
    systems: Sequence[System],
    starts_on: date,
    ends_on: date,
    service_calendar: ServiceCalendar | None = None,
    targets: Iterable[Target] = (),
    emergency: Emergency | None = None,
    price: Decimal | int | str = Decimal(0),
    parts_included: bool = False,
    labour_included: bool = True,
    visits_per_year: int = 0,
) -> Contract:
    """Offer a maintenance contract for systems of one site (BS-6); signing comes later.

    Refused (422, nothing written): an owner other than the site's, no systems or systems of
    another site, an end before the start, a calendar of another organisation, an unknown or
    repeated fault category, hours that are not positive, an escalation to someone outside the
    branch, a negative price.
    """
    branch = site.branch
    ensure_allowed(by, "contracts.add_contract", branch)
    organisation = branch.organisation
    errors = Errors()
    if customer.pk != site.customer_id:
        errors.add("customer_id", _("The owner must be the site's owner."))
    systems = list(systems)
    if not systems:
        errors.add("system_ids", _("Choose at least one system of the site."))
    elif any(system.site_id != site.pk for system in systems):
        errors.add("system_ids", _("Every system must belong to the site."))
    if ends_on < starts_on:
        errors.add("ends_on", _("The contract cannot end before it starts."))
    if service_calendar is None:
        service_calendar = builtin_calendar(organisation)
    elif service_calendar.organisation_id != organisation.pk:
        errors.add("service_calendar_id", _("Choose a service calendar of your organisation."))
    checked_targets = _check_targets(targets, errors)
    checked_emergency = _check_emergency(emergency, branch.pk, organisation.pk, errors)
    try:
        amount = Decimal(str(price))
    except (InvalidOperation, ValueError):
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount > MAX_PRICE:
        errors.add("price", _("Give a price of 0 or more."))
    elif amount != amount.quantize(Decimal("0.01")):
        errors.add("price", _("At most two decimal places."))
    if not 0 <= visits_per_year <= 365:
        errors.add("visits_per_year", _("Give 0 to 365 visits."))
    errors.raise_if_any(_("The contract cannot be offered."))
    contract = Contract.objects.create(
        branch=branch,
        customer=customer,
        site=site,
        starts_on=starts_on,
        ends_on=ends_on,
        service_calendar=service_calendar,
        price=amount,
        parts_included=parts_included,
        labour_included=labour_included,
        visits_per_year=visits_per_year,
        emergency_arrival_hours=checked_emergency.arrival_hours if checked_emergency else None,
        emergency_fix_hours=checked_emergency.fix_hours if checked_emergency else None,
        created_by=by,
    )
    ContractSystem.objects.bulk_create(
        ContractSystem(contract=contract, system=system)
        for system in {s.pk: s for s in systems}.values()
    )
    ContractTarget.objects.bulk_create(
        ContractTarget(
            contract=contract,
            category=t.category,
            arrival_hours=t.arrival_hours,
            fix_hours=t.fix_hours,
        )
        for t in checked_targets
    )
    if checked_emergency is not None:
        EscalationStep.objects.bulk_create(
            EscalationStep(contract=contract, order=i + 1, after_minutes=m, user=u)
            for i, (m, u) in enumerate(checked_emergency.escalation)
        )
    return contract


def _signing_moment(signed_on: date, tz: Any, now: datetime) -> datetime:
    """When the signature is counted as recorded: now when signed today, else the end of the
    signing day (a paper contract entered later keeps its own day for BS-6's on-time check)."""
    return min(now, cal.end_of_day(signed_on, tz))


@transaction.atomic
def sign_contract(
    *, by: User, contract: Contract, signed_on: date, now: datetime | None = None
) -> Contract:
    """Record that the owner signed `contract` on `signed_on` (a local date, not in the future).

    Fulfils the pending BS-6 offers this contract answers (its systems' warranty offers, and the
    renewal offer of an earlier contract covering one of its systems), and opens the renewal
    offer for this contract: owner the branch's supervisor, due at the end of the day 60 days
    (the BS-6 setting) before `ends_on`.
    """
    ensure_allowed(by, "contracts.sign_contract", contract.branch)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    organisation = contract.branch.organisation
    tz = organisation.tz
    now = now or timezone.now()
    today = cal.local_date(now, tz)
    if contract.signed_on is not None:
        raise Conflict(_("This contract is already signed."), code="contract_signed")
    errors = Errors()
    if signed_on > today:
        errors.add("signed_on", _("The signing date cannot be in the future."))
    if signed_on.year < 2000:
        errors.add("signed_on", _("Choose a date between 2000 and 2100."))
    system_ids = list(contract.coverage.values_list("system_id", flat=True))
    overlapping = (
        Contract.objects.filter(
            signed_on__isnull=False,
            coverage__system_id__in=system_ids,
            starts_on__lte=contract.ends_on,
            ends_on__gte=contract.starts_on,
        )
        .exclude(pk=contract.pk)
        .distinct()
        .first()
    )
    if overlapping is not None:
        errors.add(
            "signed_on",
            _("A system of this contract is already under contract #%(other)s in this term.")
            % {"other": overlapping.pk},
        )
    errors.raise_if_any(_("The contract cannot be signed."))
    at = _signing_moment(signed_on, tz, now)
    contract.signed_on = signed_on
    contract.signed_by = by
    contract.save(update_fields=["signed_on", "signed_by"])
    for system in System.objects.filter(pk__in=system_ids):
        fulfil_pending("BS-6", by=by, at=at, subject=system)
    earlier = (
        Contract.objects.filter(
            signed_on__isnull=False,
            coverage__system_id__in=system_ids,
            starts_on__lt=contract.starts_on,
        )
        .exclude(pk=contract.pk)
        .distinct()
    )
    for previous in earlier:
        fulfil_pending("BS-6", by=by, at=at, subject=previous)
    _open_renewal(contract, at)
    return contract


def _open_renewal(contract: Contract, at: datetime) -> Obligation | None:
    branch = contract.branch
    owner = first_supervisor(branch)
    if owner is None:
        return None
    tz = branch.organisation.tz
    return open_obligation(
        "BS-6",
        branch=branch,
        owner=owner,
        # counted back from the last covered day, as standard.deadlines.counted_back does
        event_at=cal.start_of_day(contract.ends_on, tz),
        triggered_at=at,
        customer=contract.customer,
        subject=contract,
        title_key="contract_renewal",
        title_params=_renewal_params(contract),
    )


def _renewal_params(contract: Contract) -> dict[str, Any]:
    return {
        "contract": contract.pk,
        "site": contract.site.name,
        "ends_on": contract.ends_on.isoformat(),
    }
