"""A building-systems branch with a contract on a Mon–Fri 09:00–18:00 calendar that follows the
mainland holidays, for the hotline tests (organisation in Asia/Shanghai)."""

import base64
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from aftercare.contracts import actions as contracts
from aftercare.contracts.models import Contract, ServiceCalendar
from aftercare.servicedesk import actions
from aftercare.servicedesk.models import Ticket
from aftercare.sites import actions as sites
from tests.contracts.helpers import SH, Building, at, building
from tests.factories import UserFactory

__all__ = ["SH", "Hotline", "at", "hotline", "png"]

WEEKDAYS_9_TO_6 = [[["09:00", "18:00"]]] * 5 + [[], []]
WITH_LUNCH = [[["09:00", "12:00"], ["13:30", "18:00"]]] * 5 + [[], []]


@dataclass
class Hotline:
    b: Building
    office: ServiceCalendar  # Mon–Fri 09:00–18:00 with holidays
    contract: Contract  # covers the CCTV system, signed, on `office`
    kim: object  # a second engineer
    camera: object  # an equipment item of the CCTV system

    def __getattr__(self, name):
        return getattr(self.b, name)

    def call(self, reported_at, *, category="line_fault", emergency=False, system=None, **kw):
        return actions.report(
            by=kw.pop("by", self.b.sam), site=self.b.site, system=system or self.b.cctv,
            caller_name="王先生", caller_phone="13800138000", category=category,
            emergency=emergency, description="三樓監控畫面全黑", reported_at=reported_at, **kw,
        )  # fmt: skip


def hotline(calendar_week=None, *, escalation=None, emergency_hours=(1, 4), targets=()) -> Hotline:
    b = building()
    office = contracts.create_service_calendar(
        by=b.sam, organisation=b.org, name="辦公時間", weekly=calendar_week or WEEKDAYS_9_TO_6,
        follows_holidays=True,
    )  # fmt: skip
    kim = UserFactory(username="kim", branch=b.branch, roles=["engineer"])
    steps = escalation(b, kim) if escalation is not None else [(30, b.sam)]
    contract = contracts.offer_contract(
        by=b.sam, customer=b.owner, site=b.site, systems=[b.cctv],
        starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31), service_calendar=office,
        targets=[contracts.Target("line_fault", Decimal(2), Decimal(4)), *targets],
        emergency=contracts.Emergency(Decimal(emergency_hours[0]), Decimal(emergency_hours[1]),
                                      steps),
        price=Decimal("36000.00"),
    )  # fmt: skip
    contracts.sign_contract(by=b.sam, contract=contract, signed_on=date(2025, 12, 20),
                            now=at(2025, 12, 20, 10, 0))  # fmt: skip
    camera = sites.add_equipment(by=b.sam, system=b.cctv, name="半球攝像機", serial="HK-0001",
                                 location="3F 電梯廳")  # fmt: skip
    return Hotline(b=b, office=office, contract=contract, kim=kim, camera=camera)


def clocks(ticket: Ticket) -> dict[str, object]:
    from aftercare.servicedesk.queries import clocks_of

    return {row.rule: row for row in clocks_of([ticket])[ticket.pk]}


def png() -> str:
    """A 1×1 PNG, base64: a signature as the phone sends it."""
    raw = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f2c0000000049454e44ae426082"
    )
    return base64.b64encode(raw).decode()
