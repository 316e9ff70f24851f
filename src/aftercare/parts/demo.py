"""Demo spare parts of the building-systems branch, written through the real actions: seven
catalogue lines (cameras, an NVR disk, a card reader, a smoke detector, cable by the metre),
their receipts into the branch's main store, and — on the hotline demo's open tickets — the
last dome camera reserved first for an uncovered owner, then for a covered one: the covered
ticket is served and the uncovered one waits, so BS-12 is on the parts clerk's work.
Nothing without a building-systems branch with a parts clerk."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from aftercare.contracts.choices import CoverageKind
from aftercare.obligations.models import Obligation
from aftercare.org.models import Branch, Organisation, User
from aftercare.org.roles import Role
from aftercare.parts import actions
from aftercare.parts.models import (
    Installation,
    Part,
    Reservation,
    StockLevel,
    StockMovement,
    Store,
)
from aftercare.servicedesk.models import Ticket

# code, name, unit, unit cost, own warranty (months), received
PARTS = [
    ("CAM-D2", "2MP 紅外半球攝像機", "piece", "350.00", 12, 1),
    ("CAM-B4", "4MP 紅外槍型攝像機", "piece", "520.00", 12, 6),
    ("NVR-HDD4", "監控級硬碟 4TB", "piece", "680.00", 36, 4),
    ("ACR-M1", "IC 卡讀卡器（門禁）", "piece", "260.00", 12, 5),
    ("SD-JTY", "點型光電感煙探測器", "piece", "85.00", 24, 20),
    ("CAT6-305", "六類非屏蔽網線", "metre", "2.80", 0, 305),
    ("RVV-2", "RVV 2×1.0 電源線", "metre", "1.60", 0, 200),
]
CODES = [row[0] for row in PARTS]


def _branch_and_clerk(organisation: Organisation) -> tuple[Branch, User] | None:
    branches = Branch.objects.filter(organisation=organisation, runs_building_systems=True)
    for branch in branches.order_by("id"):
        clerk = (
            User.objects.filter(is_active=True, branch=branch, groups__name=Role.PARTS_CLERK)
            .order_by("pk")
            .first()
        )
        if clerk is not None:
            return branch, clerk
    return None


def load(organisation: Organisation, now: datetime) -> None:
    if Part.objects.filter(organisation=organisation, code__in=CODES).exists():
        return
    found = _branch_and_clerk(organisation)
    if found is None:
        return
    branch, clerk = found
    store = actions.default_store(branch)
    received_at = now - timedelta(days=10)
    parts = {}
    for code, name, unit, cost, months, received in PARTS:
        part = actions.create_part(
            by=clerk, code=code, name=name, unit=unit, unit_cost=Decimal(cost),
            warranty_months=months,
        )  # fmt: skip
        actions.record_movement(
            by=clerk, part=part, kind="receipt", quantity=received, store=store,
            reason="", at=received_at,
        )  # fmt: skip
        parts[code] = part
    actions.record_movement(
        by=clerk, part=parts["SD-JTY"], kind="adjustment", quantity=-1, store=store,
        reason="盤點：包裝破損一隻", at=received_at + timedelta(days=3),
    )  # fmt: skip
    _reservations(branch, clerk, parts["CAM-D2"], now)


def _reservations(branch: Branch, clerk: User, camera: Part, now: datetime) -> None:
    """The last dome camera asked for by an uncovered owner, then by a covered one."""
    tickets = Ticket.objects.filter(branch=branch, resolved_at__isnull=True).order_by(
        "reported_at", "id"
    )
    covered = tickets.filter(coverage__in=(CoverageKind.WARRANTY, CoverageKind.CONTRACT)).first()
    uncovered = tickets.filter(coverage=CoverageKind.NONE).first()
    if uncovered is not None:
        actions.reserve(
            by=clerk, part=camera, quantity=1, ticket=uncovered, at=now - timedelta(hours=2)
        )
    if covered is not None:
        actions.reserve(
            by=clerk, part=camera, quantity=1, ticket=covered, at=now - timedelta(hours=1)
        )


def remove(organisation: Organisation) -> None:
    """The demo's parts with their ledger, levels, reservations (and their BS-12 duties) and
    installations. The ledger is append-only row by row (``StockMovement.delete`` refuses);
    the demo's reset removes it in bulk, as the hotline's reset removes its event log."""
    parts = Part.objects.filter(organisation=organisation)
    reservations = Reservation.objects.filter(part__in=parts)
    Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(Reservation),
        subject_id__in=reservations.values("pk"),
    ).delete()
    Installation.objects.filter(part__in=parts).delete()
    reservations.delete()
    StockMovement.objects.filter(part__in=parts).delete()
    StockLevel.objects.filter(part__in=parts).delete()
    Store.objects.filter(branch__organisation=organisation).delete()
    Part.history.filter(organisation_id=organisation.pk).delete()
    parts.delete()
