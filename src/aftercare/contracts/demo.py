"""Demo contracts: two service calendars and a few contracts on the demo's building sites."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from aftercare.contracts import actions
from aftercare.contracts.models import Contract, ServiceCalendar
from aftercare.obligations.models import Obligation
from aftercare.org.models import Organisation, User
from aftercare.org.roles import Role
from aftercare.sites.models import Site, System
from aftercare.standard.calendar import local_date

OFFICE_HOURS = [[["09:00", "12:00"], ["13:00", "18:00"]]] * 5 + [[], []]
OFFICE_NAME = "週一至五 09:00–12:00、13:00–18:00（依假日）"


def load(organisation: Organisation, now: datetime) -> None:
    """The 24×7 calendar, an office-hours one, and per building-systems site one contract:
    the first active and signed, the second offered. Nothing when no such site exists."""
    admin = (
        User.objects.filter(organisation=organisation, groups__name=Role.ADMINISTRATOR)
        .order_by("pk")
        .first()
    )
    actions.builtin_calendar(organisation)
    if admin is None:
        return
    office = ServiceCalendar.objects.filter(organisation=organisation, name=OFFICE_NAME).first()
    if office is None:
        office = actions.create_service_calendar(
            by=admin,
            organisation=organisation,
            name=OFFICE_NAME,
            weekly=OFFICE_HOURS,
            follows_holidays=True,
        )
    today = local_date(now, organisation.tz)
    sites = Site.objects.filter(
        branch__organisation=organisation, branch__runs_building_systems=True
    ).order_by("id")
    # A system whose contract offer is still to be made (BS-6 pending) stays without a signed
    # contract: the demo shows that duty on the supervisor's worklist.
    waiting = set(
        Obligation.objects.pending()
        .filter(rule="BS-6", subject_type=ContentType.objects.get_for_model(System))
        .values_list("subject_id", flat=True)
    )
    for index, site in enumerate(sites[:3]):
        systems = [s for s in site.systems.order_by("id") if index == 1 or s.pk not in waiting]
        if not systems or Contract.objects.filter(site=site).exists():
            continue
        supervisor = (
            User.objects.filter(branch=site.branch, groups__name=Role.SUPERVISOR)
            .order_by("pk")
            .first()
        ) or admin
        starts_on = today - timedelta(days=90) if index == 0 else today + timedelta(days=30)
        contract = actions.offer_contract(
            by=admin,
            customer=site.customer,
            site=site,
            systems=systems,
            starts_on=starts_on,
            ends_on=starts_on.replace(year=starts_on.year + 1) - timedelta(days=1),
            service_calendar=office if index != 1 else actions.builtin_calendar(organisation),
            targets=[
                actions.Target("line_fault", Decimal(2), Decimal(4)),
                actions.Target("equipment_fault", Decimal(4), Decimal(24)),
            ],
            emergency=actions.Emergency(Decimal(1), Decimal(4), ((30, supervisor), (60, admin))),
            price=Decimal("48000.00") + 12000 * index,
            parts_included=index == 0,
            labour_included=True,
            visits_per_year=4,
        )
        if index == 0:
            actions.sign_contract(
                by=admin, contract=contract, signed_on=starts_on - timedelta(days=10), now=now
            )


def remove(organisation: Organisation) -> None:
    """The demo's contracts and calendars (their obligations go with the dealership's)."""
    from django.contrib.contenttypes.models import ContentType

    from aftercare.obligations.models import Obligation

    contracts = Contract.objects.filter(branch__organisation=organisation)
    Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(Contract),
        subject_id__in=contracts.values("pk"),
    ).delete()
    for contract in contracts:
        contract.delete()
    ServiceCalendar.objects.filter(organisation=organisation).delete()
