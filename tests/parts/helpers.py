"""A building-systems branch with a parts clerk, a contract covering the CCTV system (the
hotline's helpers) and an uncovered fire-alarm system, for the parts and billing tests."""

from dataclasses import dataclass
from decimal import Decimal

from aftercare.parts import actions as parts
from aftercare.parts.models import Part
from tests.factories import UserFactory
from tests.servicedesk.helpers import Hotline, at, hotline, png

__all__ = ["Stores", "at", "png", "stores"]


@dataclass
class Stores:
    h: Hotline
    pat: object  # parts clerk
    camera_part: Part  # 350.00, 12 months, pieces
    cable: Part  # 12.50 a metre, no warranty

    def __getattr__(self, name):
        return getattr(self.h, name)

    def covered_call(self, reported_at, **kw):
        """A fault of the CCTV system: under the signed contract."""
        return self.h.call(reported_at, **kw)

    def uncovered_call(self, reported_at, **kw):
        """A fault of the fire-alarm system: no warranty, no contract."""
        return self.h.call(reported_at, system=self.h.fire, **kw)

    def receive(self, part, quantity, at=None):
        return parts.record_movement(
            by=self.pat, part=part, kind="receipt", quantity=quantity, at=at
        )


def stores() -> Stores:
    h = hotline()
    pat = UserFactory(username="pat", branch=h.branch, roles=["parts_clerk"])
    camera_part = parts.create_part(
        by=pat, code="CAM-D1", name="半球攝像機", unit_cost=Decimal("350.00"), warranty_months=12
    )
    cable = parts.create_part(
        by=pat, code="CAT6", name="六類網線", unit="metre", unit_cost=Decimal("12.50")
    )
    return Stores(h=h, pat=pat, camera_part=camera_part, cable=cable)


def resolve(s: Stores, ticket, when, *, minutes=95, parts_used=()):
    from aftercare.servicedesk import actions

    if ticket.state == "reported":
        actions.dispatch(ticket, engineer=s.eve, by=s.sam, at=when)
    return actions.resolve(
        ticket, by=s.eve, at=when, work_done="更換攝像機", labour_minutes=minutes,
        signed_by="王經理", signature_png=png(), parts=list(parts_used),
    )  # fmt: skip
