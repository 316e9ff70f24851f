"""A site with a known August 2026 (Asia/Shanghai) for the monthly report tests.

The hotline's world (tests/servicedesk/helpers.py): the CCTV system (key) under a contract on a
Mon–Fri 09:00–18:00 calendar, line faults 2 h on site / 4 h fixed, emergencies 1 h / 4 h; the
fire-alarm system covered by nothing. In August:

- T1 Mon 08-03 10:00, line fault on CCTV: paused 10:30–11:00 (no access to the site), on site
  13:00 — 2 h 30 min of service time against 2 h: late; fixed 14:00 (3 h 30 min of 4 h: on time).
- T2 Wed 08-12 10:00, equipment fault on CCTV, opened by the defect found on the visit of 08-10
  (done late, on 08-12 10:00): never dispatched — on site was due 12:00, still open at month
  end: breached; no fix target for the category.
- T3 Sat 08-08 20:00, emergency line fault on the fire alarm (no contract: the organisation's
  emergency defaults, 2 h / 4 h on 24×7): on site 21:30 (1 h 30 min: on time), fixed
  08-09 01:00 (5 h: late) with a smoke detector fitted to the fire item; billed, issued 08-10.
- Visits planned 08-10 (done 08-12: late, one defect → T2) and 08-20 (not done).
- Training at month end on the CCTV system: operators 林一 (one: below 2); managers 陳二, 張三;
  李四 left in July, 王五 qualified only in September.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import time_machine

from aftercare.billing import actions as billing
from aftercare.billing.models import Bill
from aftercare.maintenance import actions as maintenance
from aftercare.parts import actions as parts
from aftercare.servicedesk import actions as hotline
from aftercare.sites import actions as sites
from aftercare.training.models import Qualification, Trainee
from tests.factories import UserFactory
from tests.maintenance.helpers import confirm, draft, everything_ok
from tests.servicedesk.helpers import SH, Hotline, at, png
from tests.servicedesk.helpers import hotline as make_hotline

__all__ = ["SH", "August", "at", "august"]


@dataclass
class August:
    h: Hotline
    t1: object
    t2: object
    t3: object
    bill: Bill
    visit_done: object
    visit_missed: object
    smoke: object  # the fire alarm's item the part was fitted to

    def __getattr__(self, name):
        return getattr(self.h, name)


def _trainee(h, name, **kw):
    return Trainee.objects.create(
        branch=h.branch, customer=h.owner, name=name, enrolled_at=at(2026, 6, 1, 9, 0),
        enrolled_by=h.sam, **kw,
    )  # fmt: skip


def august() -> August:
    with time_machine.travel(at(2026, 7, 20, 9, 0), tick=False):
        h = make_hotline()
        pat = UserFactory(username="pat", branch=h.branch, roles=["parts_clerk"])
        smoke = sites.add_equipment(by=h.sam, system=h.fire, name="煙感探測器", serial="SD-01",
                                    location="2F 走廊")  # fmt: skip
        detector = parts.create_part(
            by=pat, code="SD-200", name="光電煙感", unit_cost=Decimal("180.00"), warranty_months=12
        )
        parts.record_movement(by=pat, part=detector, kind="receipt", quantity=3)
        plan = draft(h, dates=["2026-08-10", "2026-08-20"], starts_on="2026-08-01",
                     ends_on="2026-12-31", drafted_at=at(2026, 7, 20, 9, 0))  # fmt: skip
        confirm(h, plan, submitted_at=at(2026, 7, 20, 9, 0), confirmed_at=at(2026, 7, 20, 9, 0))
        visit_done, visit_missed = plan.visits.order_by("scheduled_on")
        for name in ("林一", "陳二", "張三", "李四", "王五"):
            _trainee(h, name, left_on=date(2026, 7, 31) if name == "李四" else None)
        people = {t.name: t for t in Trainee.objects.filter(customer=h.owner)}
        for name, track, qualified in (
            ("林一", "operator", at(2026, 6, 10, 10)),
            ("李四", "operator", at(2026, 6, 10, 10)),  # left on 07-31: not counted
            ("王五", "operator", at(2026, 9, 1, 0, 0)),  # after the month: not counted
            ("陳二", "manager", at(2026, 6, 10, 10)),
            ("張三", "manager", at(2026, 8, 31, 23, 59)),
        ):
            Qualification.objects.create(trainee=people[name], system=h.cctv, track=track,
                                         qualified_at=qualified)  # fmt: skip

    with time_machine.travel(at(2026, 8, 31, 12, 0), tick=False):
        t1 = h.call(at(2026, 8, 3, 10, 0))
        hotline.dispatch(t1, engineer=h.eve, by=h.sam, at=at(2026, 8, 3, 10, 5))
        hotline.pause(t1, by=h.eve, reason="owner_access", at=at(2026, 8, 3, 10, 30))
        hotline.resume(t1, by=h.eve, at=at(2026, 8, 3, 11, 0))
        hotline.arrive(t1, by=h.eve, at=at(2026, 8, 3, 13, 0))
        hotline.resolve(t1, by=h.eve, at=at(2026, 8, 3, 14, 0), work_done="更換電源",
                        labour_minutes=60, signed_by="李經理", signature_png=png())  # fmt: skip

        t3 = h.call(at(2026, 8, 8, 20, 0), emergency=True, system=h.fire)
        hotline.dispatch(t3, engineer=h.eve, by=h.sam, at=at(2026, 8, 8, 20, 5))
        hotline.arrive(t3, by=h.eve, at=at(2026, 8, 8, 21, 30))
        hotline.resolve(
            t3, by=h.eve, at=at(2026, 8, 9, 1, 0), work_done="更換煙感", labour_minutes=90,
            signed_by="李經理", signature_png=png(),
            parts=[{"part_id": detector.pk, "quantity": 1, "equipment_id": smoke.pk}],
        )  # fmt: skip
        bill = billing.issue(Bill.objects.get(ticket=t3), by=h.sam, at=at(2026, 8, 10, 10, 0))

        first = visit_done.checks.order_by("order").first()
        maintenance.record_result(
            visit_done, by=h.eve, signed_by="李經理", signature_png=png(),
            items=everything_ok(visit_done, {first.pk: {"result": "defect", "note": "鏡頭起霧"}}),
            done_at=at(2026, 8, 12, 10, 0),
        )  # fmt: skip
        first.refresh_from_db()
        t2 = first.ticket
    return August(h=h, t1=t1, t2=t2, t3=t3, bill=bill, visit_done=visit_done,
                  visit_missed=visit_missed, smoke=smoke)  # fmt: skip
