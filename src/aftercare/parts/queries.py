"""Reads of the parts app, each through the one read scope of its model (pages and API share
them): ``Part.objects.visible_to`` (the organisation's catalogue) and ``visible_stores`` (the
user's branch; an administrator's organisation)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from aftercare.contracts.choices import CoverageKind
from aftercare.org.models import User
from aftercare.parts.choices import OPEN_RESERVATION_STATES, MovementKind, ReservationState
from aftercare.parts.models import Part, Reservation, StockLevel, StockMovement, Store


def visible_parts(user: User) -> QuerySet[Part]:
    return Part.objects.visible_to(user)


def get_part_for(user: User, pk: int) -> Part:
    return visible_parts(user).get(pk=pk)


def visible_stores(user: User) -> QuerySet[Store]:
    return Store.objects.visible_to(user).select_related("branch")


@dataclass(frozen=True)
class Stock:
    on_hand: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


def stock_of(user: User, part: Part) -> Stock:
    """On hand and reserved of a part over the stores the user may see: one index lookup per
    store in the levels kept by each movement's transaction (not a sum over the ledger)."""
    totals = StockLevel.objects.filter(part=part, store__in=visible_stores(user)).aggregate(
        on_hand=Sum("on_hand"), reserved=Sum("reserved")
    )
    return Stock(totals["on_hand"] or Decimal(0), totals["reserved"] or Decimal(0))


def stock_by_part(user: User, parts: list[Part]) -> dict[int, Stock]:
    """The same for a page of parts, in one query."""
    rows = (
        StockLevel.objects.filter(part__in=parts, store__in=visible_stores(user))
        .values("part_id")
        .annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
        .order_by()
    )
    found = {row["part_id"]: Stock(row["on_hand"], row["reserved"]) for row in rows}
    return {part.pk: found.get(part.pk, Stock(Decimal(0), Decimal(0))) for part in parts}


def levels_of(user: User, part: Part) -> list[StockLevel]:
    """The part's level in each store the user may see (its page's stock per store)."""
    return list(
        StockLevel.objects.filter(part=part, store__in=visible_stores(user))
        .select_related("store__branch")
        .order_by("store__branch__name", "store_id")
    )


def ledger(user: User, part: Part) -> QuerySet[StockMovement]:
    """The part's ledger lines in the user's stores, newest first."""
    return (
        StockMovement.objects.filter(part=part, store__in=visible_stores(user))
        .select_related("store__branch", "ticket", "by")
        .order_by("-id")
    )


@dataclass(frozen=True)
class QueueLine:
    """A reservation in its serving order, with why it stands there."""

    position: int
    reservation: Reservation

    @property
    def served(self) -> bool:
        return self.reservation.state == ReservationState.SERVED


def why_text(reservation: Reservation) -> str:
    """The reason of a reservation's place in the serving order (page and API)."""
    if reservation.covered:
        kind = CoverageKind(reservation.coverage).label
        return _("Covered owner (%(kind)s): served before uncovered demand.") % {"kind": kind}
    return _("Owner not covered: served after covered owners, oldest first.")


def reservation_queue(user: User, part: Part) -> list[QueueLine]:
    """Open reservations of the part in the user's stores, in the order they are served:
    covered owners first, then the oldest (``parts.actions.allocate``)."""
    rows = (
        Reservation.objects.filter(
            part=part, store__in=visible_stores(user), state__in=OPEN_RESERVATION_STATES
        )
        .select_related("ticket__site", "store__branch", "requested_by")
        .order_by("store_id", "-covered", "requested_at", "id")
    )
    return [QueueLine(index, row) for index, row in enumerate(rows, start=1)]


def closed_reservations(user: User, part: Part, *, limit: int = 20) -> QuerySet[Reservation]:
    return (
        Reservation.objects.filter(part=part, store__in=visible_stores(user))
        .exclude(state__in=OPEN_RESERVATION_STATES)
        .select_related("ticket")
        .order_by("-closed_at", "-id")[:limit]
    )


def used_on_ticket(ticket: Any) -> QuerySet[StockMovement]:
    """Parts issued to and returned from a ticket (its page and the bill)."""
    return (
        StockMovement.objects.filter(
            ticket=ticket, kind__in=(MovementKind.ISSUE, MovementKind.RETURN)
        )
        .select_related("part")
        .order_by("id")
    )


def ledger_mismatches() -> list[tuple[int, int, Decimal, Decimal]]:
    """(part, store, level, ledger sum) wherever the kept level differs from the ledger's sum
    or from the last line's running balance — an invariant the tests and the bench check."""
    sums = {
        (row["part_id"], row["store_id"]): row["total"]
        for row in StockMovement.objects.values("part_id", "store_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    }
    problems = []
    for level in StockLevel.objects.all():
        total = sums.get((level.part_id, level.store_id), Decimal(0))
        last = (
            StockMovement.objects.filter(part_id=level.part_id, store_id=level.store_id)
            .order_by("-id")
            .values_list("balance_after", flat=True)
            .first()
        )
        if total != level.on_hand or (last is not None and last != level.on_hand):
            problems.append((level.part_id, level.store_id, level.on_hand, total))
    return problems
