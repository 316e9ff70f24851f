"""Bills after warranty (BS-10): drafted when a ticket is resolved, reviewed and issued by a
supervisor, numbered gap-free per branch and year (``<branch>-B-<year>-<n>``), and never
changed once issued — a correction is a credit note (``<branch>-C-<year>-<n>``) that refers to
the bill and keeps it as it was. Money is ``Decimal`` with two places.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftercare.billing.choices import Basis, BillState, LabourMode, LabourRounding, LineKind
from aftercare.errors import Conflict
from aftercare.money import Currency
from aftercare.org.access import restrict

MONEY = {"max_digits": 12, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}
FROZEN = _("An issued bill is never changed: correct it with a credit note.")


class BillingSettings(models.Model):
    """How the organisation bills repairs after warranty, and its letterhead on the bills."""

    organisation = models.OneToOneField(
        "org.Organisation", on_delete=models.CASCADE, related_name="billing_settings"
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    labour_mode = models.CharField(
        _("labour fee"), max_length=10, choices=LabourMode.choices, default=LabourMode.PER_HOUR
    )
    labour_rate = models.DecimalField(
        _("rate (per hour, or the flat fee)"),
        default=Decimal("120.00"),
        **MONEY,  # type: ignore[arg-type]
    )
    labour_minimum = models.DecimalField(
        _("minimum labour fee"),
        default=Decimal("0.00"),
        **MONEY,  # type: ignore[arg-type]
    )
    labour_rounding = models.CharField(
        _("billed time"),
        max_length=10,
        choices=LabourRounding.choices,
        default=LabourRounding.STARTED_HOUR,
    )
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=60, blank=True)
    bank_account = models.CharField(_("bank and account"), max_length=200, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self) -> str:
        return f"billing settings of {self.organisation_id}"


class BillQuerySet(models.QuerySet["Bill"]):
    def visible_to(self, user: Any) -> BillQuerySet:
        """The one read scope of bills (pages and API): 403 without the permission, else the
        user's branch (an administrator: the organisation)."""
        return cast(
            BillQuerySet, restrict(self, user, "billing.view_bill", customer_field="customer")
        )


class _Frozen(models.Model):
    """A row of an issued bill refuses every save and delete (the stored state decides)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._bill_issued():
            raise Conflict(FROZEN, code="bill_issued")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._bill_issued():
            raise Conflict(FROZEN, code="bill_issued")
        return super().delete(*args, **kwargs)

    def _bill_issued(self) -> bool:
        """Whether the bill this row belongs to (itself, or a line's bill) is stored as issued."""
        bill_id = getattr(self, "bill_id", None) if not isinstance(self, Bill) else self.pk
        return (
            bill_id is not None and Bill.objects.filter(pk=bill_id, state=BillState.ISSUED).exists()
        )


class Bill(_Frozen):
    """A repair's bill: parts issued to the ticket at their cost, and the labour fee."""

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="bills")
    ticket = models.ForeignKey("servicedesk.Ticket", on_delete=models.PROTECT, related_name="bills")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="bills"
    )
    state = models.CharField(
        _("state"), max_length=8, choices=BillState.choices, default=BillState.DRAFT
    )
    number = models.CharField(_("number"), max_length=40, blank=True)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    labour_minutes = models.PositiveIntegerField(_("labour (minutes)"), default=0)
    parts_total = models.DecimalField(_("parts"), default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    labour_total = models.DecimalField(_("labour"), default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    total = models.DecimalField(_("total"), default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    note = models.CharField(_("note"), max_length=500, blank=True)
    drafted_at = models.DateTimeField(_("drafted at"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The letterhead as it was when issued: a later change of address does not rewrite it.
    letterhead = models.JSONField(default=dict, blank=True)

    objects = BillQuerySet.as_manager()

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        permissions = [("issue_bill", "Can issue bills and credit notes")]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="bill_number_unique"
            ),
            models.UniqueConstraint(
                fields=["ticket"],
                condition=~models.Q(state="void"),
                name="bill_one_per_ticket",
            ),
        ]
        indexes = [models.Index(fields=["branch", "state", "issued_at"], name="bill_branch_state")]

    def __str__(self) -> str:
        return self.number or f"draft {self.pk}"

    @property
    def is_issued(self) -> bool:
        return self.state == BillState.ISSUED


class BillLine(_Frozen):
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=8, choices=LineKind.choices)
    part = models.ForeignKey(
        "parts.Part", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(_("code"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)  # type: ignore[arg-type]
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    unit_price = models.DecimalField(_("unit price"), **MONEY)  # type: ignore[arg-type]
    amount = models.DecimalField(_("amount"), **MONEY)  # type: ignore[arg-type]

    class Meta:
        ordering = ["bill", "position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"


class CreditNote(models.Model):
    """A correction of an issued bill: what is credited and why. Both stay. Append-only."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(_("number"), max_length=40, unique=True)
    reason = models.CharField(_("reason"), max_length=500)
    total = models.DecimalField(_("credited"), **MONEY)  # type: ignore[arg-type]
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(_("A credit note is never changed."), code="credit_note_issued")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise Conflict(_("A credit note is never changed."), code="credit_note_issued")


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    bill_line = models.ForeignKey(BillLine, on_delete=models.PROTECT, related_name="credits")
    quantity = models.DecimalField(_("quantity"), null=True, blank=True, **QUANTITY)  # type: ignore[arg-type]
    amount = models.DecimalField(_("amount"), **MONEY)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.credit_note_id}: {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(_("A credit note is never changed."), code="credit_note_issued")
        super().save(*args, **kwargs)
