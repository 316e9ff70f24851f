"""A building-systems branch with a site and two systems, for the contract tests.

Acceptance is another app's action (documents); here the system's acceptance and warranty are
set directly, and its BS-6 offer is opened the way that action opens it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from aftercare.contracts import actions
from aftercare.customers.models import Customer
from aftercare.obligations.actions import open_obligation
from aftercare.sites import actions as sites
from aftercare.standard import deadlines
from aftercare.standard.calendar import start_of_day
from tests.factories import BranchFactory, OrganisationFactory, UserFactory

SH = ZoneInfo("Asia/Shanghai")
OFFICE = [[["09:00", "12:00"], ["13:00", "18:00"]]] * 5 + [[], []]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def end(y, m, d) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=SH)


@dataclass
class Building:
    org: object
    branch: object
    other_branch: object
    sam: object  # supervisor
    eve: object  # engineer
    sue: object  # supervisor of the other branch
    ada: object  # administrator
    owner: object
    site: object
    cctv: object
    fire: object
    other_site: object


def building(tz: str = "Asia/Shanghai", region: str = "CN") -> Building:
    org = OrganisationFactory(name="弘安弱電", time_zone=tz, region=region)
    branch = BranchFactory(
        organisation=org, code="bs", name="弱電工程部", runs_dealership=False,
        runs_building_systems=True,
    )  # fmt: skip
    other = BranchFactory(organisation=org, code="bs2", name="南區弱電", runs_building_systems=True)
    sam = UserFactory(username="sam", branch=branch, roles=["supervisor"])
    ada = UserFactory(username="ada", branch=None, organisation=org, roles=["administrator"])
    owner = Customer.objects.create(branch=branch, name="宏遠置業有限公司", kind="company")
    site = sites.create_site(by=sam, customer=owner, name="宏遠大廈", address="中山路1號")
    cctv = sites.add_system(by=sam, site=site, kind="cctv", name="閉路電視", key=True)
    fire = sites.add_system(by=sam, site=site, kind="fire_alarm", name="火災報警")
    other_site = sites.create_site(by=sam, customer=owner, name="宏遠商場")
    return Building(
        org=org, branch=branch, other_branch=other, sam=sam,
        eve=UserFactory(username="eve", branch=branch, roles=["engineer"]),
        sue=UserFactory(username="sue", branch=other, roles=["supervisor"]),
        ada=ada, owner=owner, site=site, cctv=cctv, fire=fire, other_site=other_site,
    )  # fmt: skip


def accept(b: Building, system, accepted_on: date):
    """What the acceptance action does for coverage and BS-6: warranty dates on the system,
    and the contract offer due 60 days before the warranty's last day."""
    ends_on = deadlines.warranty_ends_on(b.org, accepted_on)
    system.accepted_on = accepted_on
    system.accepted_by = "王經理"
    system.warranty_starts_on = accepted_on
    system.warranty_ends_on = ends_on
    system.save()
    return open_obligation(
        "BS-6", branch=b.branch, owner=b.sam, subject=system,
        event_at=start_of_day(ends_on, b.org.tz), triggered_at=start_of_day(accepted_on, b.org.tz),
        title=f"offer {system.name}",
    )  # fmt: skip


def offer(b: Building, systems=None, starts_on=date(2028, 3, 16), ends_on=date(2029, 3, 15), **kw):
    kw.setdefault("targets", [actions.Target("line_fault", Decimal(2), Decimal(4))])
    kw.setdefault("emergency", actions.Emergency(Decimal(1), Decimal(4), [(30, b.sam)]))
    kw.setdefault("price", Decimal("36000.00"))
    return actions.offer_contract(
        by=b.sam, customer=b.owner, site=b.site, systems=systems or [b.cctv],
        starts_on=starts_on, ends_on=ends_on, **kw,
    )  # fmt: skip
