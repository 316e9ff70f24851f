"""A month of known activity at branch A (July 2026, Asia/Shanghai) and its exact figures.

alice and bob work at branch A; carol's work at branch B must never show up in A's figures.
Every moment is local (+08:00); the comments give each obligation's window and outcome.
"""

from dataclasses import dataclass

import pytest

from aftercare.cases import actions as cases
from aftercare.followups import actions as followups
from aftercare.obligations import actions
from tests.factories import CustomerFactory
from tests.obligations.helpers import at, end


@dataclass
class July:
    late_customer: object  # whose DS-3 is overdue: a late call for July fulfils it late
    overdue_ds3: object
    midnight_bs7: object  # due 2026-08-01 00:00+08: August, not July


def make(owner, rule, event_at, *, done_at=None, cancel_by=None, customer=None):
    o = actions.open_obligation(
        rule, branch=owner.branch, owner=owner, event_at=event_at, customer=customer
    )
    if done_at is not None:
        actions.fulfil(o, by=owner, at=done_at)
    if cancel_by is not None:
        actions.cancel(o, by=cancel_by, reason="重複", at=event_at)
    return o


@pytest.fixture
def july(desk) -> July:
    alice, bob = desk.alice, desk.bob
    late_customer = CustomerFactory(branch=desk.branch_a, name="遲到客戶")
    # DS-3 after a pick-up on 07-01 10:00: window opens 07-04 00:00, due 07-08 23:59:59.999999.
    make(alice, "DS-3", at(2026, 7, 1, 10), done_at=at(2026, 7, 5, 10))  # on time
    make(alice, "DS-3", at(2026, 7, 1, 10), done_at=end(2026, 7, 8))  # on time, last microsecond
    make(alice, "DS-3", at(2026, 7, 1, 10), done_at=at(2026, 7, 9, 0, 0))  # late by a microsecond
    make(alice, "DS-3", at(2026, 7, 1, 10), done_at=at(2026, 7, 2, 9))  # early
    overdue = make(alice, "DS-3", at(2026, 7, 10, 9), customer=late_customer)  # due 07-17: overdue
    make(bob, "DS-1", at(2026, 7, 20, 10), done_at=at(2026, 7, 21, 10))  # on time
    make(bob, "DS-1", at(2026, 7, 29, 12))  # due 07-31 23:59:59.999999: July, overdue
    make(bob, "DS-4", at(2026, 7, 15, 10), cancel_by=desk.sam)  # due 07-17, cancelled
    make(bob, "DS-3", at(2026, 6, 28, 10), done_at=at(2026, 7, 6, 10))  # due 07-05: late
    # BS-7 counts 2 hours: due at the last microsecond of July, and at 00:00 on 1 August.
    make(alice, "BS-7", at(2026, 7, 31, 21, 59, 59, 999999), done_at=at(2026, 7, 31, 23))
    midnight = make(alice, "BS-7", at(2026, 7, 31, 22))
    make(bob, "DS-1", at(2026, 6, 10, 10), done_at=at(2026, 6, 11, 10))  # June
    make(desk.carol, "DS-1", at(2026, 7, 10, 10), done_at=at(2026, 7, 11, 10))  # branch B

    # Calls and raised items (each not answered in the call opens DS-4, a solution DS-5).
    c1, c2, c3 = (CustomerFactory(branch=desk.branch_a, name=n) for n in ("甲", "乙", "丙"))
    call1 = followups.record_call(
        c1, by=alice, direction="out", purpose="other", at=at(2026, 7, 3, 10), reached=True,
        raised_items=[{"kind": "complaint", "text": "冷氣不冷"},
                      {"kind": "wish", "text": "代步車", "answered_in_call": True}],
    )  # fmt: skip
    i1 = call1.raised_items.get(kind="complaint")
    cases.escalate(i1, by=alice, at=at(2026, 7, 4, 10))  # DS-4 on time
    cases.record_solution(i1, by=desk.sam, at=at(2026, 7, 5, 10), text="更換冷媒")  # DS-5
    cases.inform_customer(i1, by=alice, at=at(2026, 7, 5, 12), satisfied=True)  # 50 h
    call2 = followups.record_call(
        c2, by=alice, direction="out", purpose="other", at=at(2026, 7, 10, 9), reached=True,
        raised_items=[{"kind": "complaint", "text": "異響"}, {"kind": "complaint", "text": "漏油"}],
    )  # fmt: skip
    i2, _i3 = call2.raised_items.order_by("id")
    cases.record_solution(i2, by=alice, at=at(2026, 7, 11, 9), text="緊固")  # DS-4 on time
    cases.inform_customer(i2, by=alice, at=at(2026, 7, 11, 19), satisfied=True)  # 34 h
    # _i3 stays open: its DS-4 (due 07-12) is overdue.
    followups.record_call(
        c3, by=bob, direction="in", purpose="complaint", at=at(2026, 7, 20, 10), reached=True,
        raised_items=[{"kind": "complaint", "text": "等太久", "answered_in_call": True}],  # 0 h
    )  # fmt: skip
    followups.record_call(
        c3, by=bob, direction="out", purpose="other", at=at(2026, 7, 25, 15), reached=False
    )
    followups.record_call(
        c1, by=alice, direction="in", purpose="consultation", at=at(2026, 7, 31, 23, 30)
    )
    followups.record_call(  # 1 August 00:00 local: not July
        c1, by=alice, direction="in", purpose="consultation", at=at(2026, 8, 1, 0, 0)
    )
    return July(late_customer=late_customer, overdue_ds3=overdue, midnight_bs7=midnight)


FIGURES = ("due", "on_time", "late", "early", "open", "overdue", "cancelled", "on_time_rate")


def figures(row) -> tuple:
    return tuple(row[name] for name in FIGURES)


# July at branch A, seen any time after 1 August (nothing is merely open any more).
JULY_BY_RULE = {
    "BS-7": (1, 1, 0, 0, 0, 0, 0, 1.0),
    "DS-1": (2, 1, 0, 0, 0, 1, 0, 0.5),
    "DS-3": (6, 2, 2, 1, 0, 1, 0, 0.3333),
    "DS-4": (3, 2, 0, 0, 0, 1, 1, 0.6667),
    # DS-4E: escalated Saturday 07-04, due Monday 07-06 (next working day), solved 07-05.
    "DS-4E": (1, 1, 0, 0, 0, 0, 0, 1.0),
    "DS-5": (2, 2, 0, 0, 0, 0, 0, 1.0),
}
JULY_TOTAL = (15, 9, 2, 1, 0, 3, 1, 0.6)
JULY_BY_OWNER = {
    "alice": (11, 7, 1, 1, 0, 2, 0, 0.6364),
    "bob": (3, 1, 1, 0, 0, 1, 1, 0.3333),
    "sam": (1, 1, 0, 0, 0, 0, 0, 1.0),  # DS-4E, the supervisor's
}
JULY_WEEKS = {  # Monday of the local week → (due, on_time, on_time_rate)
    "2026-06-29": (3, 2, 0.6667),
    "2026-07-06": (8, 5, 0.625),
    "2026-07-13": (1, 0, 0.0),
    "2026-07-20": (1, 1, 1.0),
    "2026-07-27": (2, 1, 0.5),
}
JULY_ITEMS = [
    {"kind": "complaint", "raised": 4, "closed": 3, "open": 1, "avg_hours": 28.0,
     "median_hours": 34.0},
    {"kind": "wish", "raised": 1, "closed": 1, "open": 0, "avg_hours": 0.0, "median_hours": 0.0},
]  # fmt: skip
JULY_CALLS = [
    {"purpose": "complaint", "direction": "in", "calls": 1, "reached": 1},
    {"purpose": "consultation", "direction": "in", "calls": 1, "reached": 1},
    {"purpose": "other", "direction": "out", "calls": 3, "reached": 2},
]
