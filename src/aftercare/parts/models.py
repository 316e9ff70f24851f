"""Spare parts (BS-12): the catalogue, stores, the stock ledger, reservations for tickets and
installations on equipment.

Stock is a ledger: every movement (receipt, issue to a ticket, return, adjustment with a
reason) is an append-only ``StockMovement`` carrying the running balance of its part in its
store after it. ``StockLevel`` is the same balance kept by the same transaction — the row every
movement of that part and store locks, so two clerks issuing the last unit cannot both succeed —
and what "on hand" reads in one index lookup; ``queries.ledger_mismatches`` checks it against
the ledger's sum. Nothing edits a quantity in place: a correction is an adjustment line.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.contracts.choices import CoverageKind
from aftercare.errors import Conflict
from aftercare.org.access import ensure_permission, is_signed_in, restrict
from aftercare.parts.choices import MovementKind, ReservationState, Unit

QUANTITY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 12, "decimal_places": 2}


class PartQuerySet(models.QuerySet["Part"]):
    def visible_to(self, user: Any) -> PartQuerySet:
        """The catalogue is the organisation's (every branch's store keeps its parts): 403
        without the permission, else the parts of the user's organisation."""
        ensure_permission(user, "parts.view_part")
        if not is_signed_in(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(organisation_id=user.organisation_id)


class Part(models.Model):
    """A catalogue line: what the store keeps and what a bill charges for it (its cost)."""

    organisation = models.ForeignKey(
        "org.Organisation", on_delete=models.PROTECT, related_name="parts"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)  # type: ignore[arg-type]
    warranty_months = models.PositiveSmallIntegerField(_("own warranty (months)"), default=0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = PartQuerySet.as_manager()

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="part_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StoreQuerySet(models.QuerySet["Store"]):
    def visible_to(self, user: Any) -> StoreQuerySet:
        return cast(StoreQuerySet, restrict(self, user, "parts.view_part"))


class Store(models.Model):
    """Where a branch keeps its stock. Every branch has a default store (made on first need)
    whose name is shown in the reader's language; others are named by the branch."""

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="stores")
    name = models.CharField(_("name"), max_length=100, blank=True)
    is_default = models.BooleanField(default=False)

    objects = StoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        constraints = [
            models.UniqueConstraint(
                fields=["branch"], condition=models.Q(is_default=True), name="store_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name or str(_("Main store"))


class StockLevel(models.Model):
    """On hand and reserved of a part in a store, kept by the transaction that writes each
    ledger line (and locked by it)."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="levels")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="levels")
    on_hand = models.DecimalField(default=0, **QUANTITY)  # type: ignore[arg-type]
    reserved = models.DecimalField(default=0, **QUANTITY)  # type: ignore[arg-type]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part", "store"], name="stocklevel_part_store"),
            models.CheckConstraint(
                condition=models.Q(on_hand__gte=0), name="stocklevel_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.store_id}: {self.on_hand}"


class StockMovement(models.Model):
    """A line of the stock ledger: signed quantity (in > 0, out < 0), the balance after it, the
    unit cost at the moment (what a bill charges), and why. Append-only."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="movements")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)  # type: ignore[arg-type]
    balance_after = models.DecimalField(_("balance after"), **QUANTITY)  # type: ignore[arg-type]
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)  # type: ignore[arg-type]
    ticket = models.ForeignKey(
        "servicedesk.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_movements",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("moment"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [
            models.Index(fields=["part", "store", "id"], name="movement_part_store"),
            models.Index(
                fields=["ticket", "part"],
                name="movement_ticket",
                condition=models.Q(ticket__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} of {self.part_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(_("A ledger line is never changed: record an adjustment."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise Conflict(_("A ledger line is never deleted: record an adjustment."))


class Reservation(models.Model):
    """Stock held for a ticket. Open reservations of a part and store are served in one order
    — covered owners (warranty or contract) first, then the oldest — as far as the stock on
    hand goes (``actions.allocate``); a waiting one has a BS-12 duty for the parts clerk."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="reservations")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="reservations")
    ticket = models.ForeignKey(
        "servicedesk.Ticket", on_delete=models.PROTECT, related_name="reservations"
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)  # type: ignore[arg-type]
    coverage = models.CharField(_("coverage"), max_length=10, choices=CoverageKind.choices)
    covered = models.BooleanField(_("covered owner"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ReservationState.choices,
        default=ReservationState.WAITING,
    )
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("issued or cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    #: Reasons the software writes, worded when shown; a person's reason is shown as typed.
    CODED_REASONS: ClassVar[dict[str, Any]] = {
        "ticket_resolved": _("The ticket was resolved without it."),
    }

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [
            models.Index(
                fields=["part", "store", "-covered", "requested_at", "id"],
                name="reservation_open_order",
                condition=models.Q(state__in=["served", "waiting"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of {self.part_id} for ticket {self.ticket_id}"

    @property
    def reason_text(self) -> str:
        coded = self.CODED_REASONS.get(self.cancel_reason)
        return str(coded) if coded is not None else self.cancel_reason


class Installation(models.Model):
    """A part fitted to an equipment item: the moment, the part's serial, and the warranty it
    gives the item from that day (``months`` of the part). Append-only."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="installations")
    equipment = models.ForeignKey(
        "sites.Equipment", on_delete=models.PROTECT, related_name="installations"
    )
    ticket = models.ForeignKey(
        "servicedesk.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="installations",
    )
    movement = models.ForeignKey(
        StockMovement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    installed_at = models.DateTimeField(_("installed at"))
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    warranty_starts_on = models.DateField(_("warranty starts on"), null=True, blank=True)
    warranty_ends_on = models.DateField(_("warranty ends on"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")

    def __str__(self) -> str:
        return f"{self.part_id} on {self.equipment_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(_("An installation is a record: it is never changed."))
        super().save(*args, **kwargs)
