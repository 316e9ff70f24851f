"""A building-systems branch with a key fire-alarm system, a training coordinator and the
owner's staff, for the training tests (on top of the contracts tests' `building()`)."""

from dataclasses import dataclass
from datetime import datetime

from aftercare.agreements import actions as agreements
from aftercare.sites import actions as sites
from aftercare.training import actions
from aftercare.training.choices import STANDARD_TOPICS
from aftercare.training.demo import SIGNATURE
from tests.contracts.helpers import SH, Building, at, building, end
from tests.factories import UserFactory

__all__ = ["SH", "at", "end", "world", "confirmed_plan", "qualify"]


@dataclass
class World:
    b: Building
    cora: object  # training coordinator of the branch
    alarm: object  # key fire-alarm system
    staff: list


def world() -> World:
    b = building()
    cora = UserFactory(username="cora", branch=b.branch, roles=["training_coordinator"])
    alarm = sites.add_system(
        by=b.sam, site=b.site, kind="fire_alarm", name="火警報警主機", key=True
    )
    staff = [
        actions.enrol(
            by=cora,
            customer=b.owner,
            name=name,
            education="vocational",
            english_level="basic",
            at=at(2026, 8, 1, 9, 0),
        )  # fmt: skip
        for name in ("陳志明", "林家豪", "黃偉傑")
    ]
    return World(b, cora, alarm, staff)


def confirmed_plan(w: World, system=None, track="operator", when: datetime | None = None, **kw):
    when = when or at(2026, 8, 2, 9, 0)
    plan = actions.draft_plan(by=w.cora, system=system or w.alarm, track=track, at=when, **kw)
    agreements.submit(plan.agreement, by=w.cora, at=when.replace(hour=10))
    agreements.confirm(
        plan.agreement, by=w.cora, confirmed_by="王經理", signature_png=SIGNATURE,
        at=when.replace(hour=11),
    )  # fmt: skip
    plan.refresh_from_db()
    return plan


def qualify(w: World, plan, people, when: datetime, passed=True):
    """A session on every standard topic of the plan's track, then passing assessments."""
    session = actions.hold_session(
        plan, by=w.cora, held_at=when, topics=list(STANDARD_TOPICS[plan.track]),
        trainees=people, trainer="李工",
    )  # fmt: skip
    for person in people:
        actions.assess(
            person, by=w.cora, system=plan.system, track=plan.track, passed=passed,
            at=when.replace(hour=when.hour + 2),
        )  # fmt: skip
    return session
