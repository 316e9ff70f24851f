"""Reads of bills through their one read scope (``Bill.objects.visible_to``), shared by the
pages and the API, and the words a bill shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from aftercare.billing.capitals import in_capitals
from aftercare.billing.choices import Basis, LineKind
from aftercare.billing.models import Bill, BillLine, CreditNote
from aftercare.org.models import User


def visible_bills(user: User) -> QuerySet[Bill]:
    return Bill.objects.visible_to(user).select_related("ticket", "customer", "branch")


def get_bill_for(user: User, pk: int) -> Bill:
    return visible_bills(user).select_related("branch__organisation", "issued_by").get(pk=pk)


@dataclass(frozen=True)
class BillFilter:
    """The list's filters (page and API take them by the same names)."""

    state: str = ""
    ticket_id: int | None = None
    customer_id: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    q: str = ""


def filtered(user: User, chosen: BillFilter, tz: Any) -> QuerySet[Bill]:
    bills = visible_bills(user)
    if chosen.state:
        bills = bills.filter(state=chosen.state)
    if chosen.ticket_id is not None:
        bills = bills.filter(ticket_id=chosen.ticket_id)
    if chosen.customer_id is not None:
        bills = bills.filter(customer_id=chosen.customer_id)
    if chosen.issued_from is not None:
        bills = bills.filter(issued_at__gte=datetime.combine(chosen.issued_from, time(), tz))
    if chosen.issued_to is not None:
        end = datetime.combine(chosen.issued_to + timedelta(days=1), time(), tz)
        bills = bills.filter(issued_at__lt=end)
    if chosen.q.strip():
        text = chosen.q.strip()
        bills = bills.filter(
            Q(number__istartswith=text)
            | Q(ticket__number__istartswith=text)
            | Q(customer__name__icontains=text)
        )
    return bills.order_by("-drafted_at", "-id")


@dataclass(frozen=True)
class Totals:
    count: int
    parts: Decimal
    labour: Decimal
    total: Decimal
    credited: Decimal

    @property
    def net(self) -> Decimal:
        return self.total - self.credited


def totals(bills: QuerySet[Bill]) -> Totals:
    """Sums of a filtered list (one query each for the bills and their credit notes)."""
    row = bills.order_by().aggregate(
        count=Count("id"), parts=Sum("parts_total"), labour=Sum("labour_total"),
        total=Sum("total"),
    )  # fmt: skip
    credited = CreditNote.objects.filter(bill__in=bills.order_by().values("id")).aggregate(
        total=Sum("total")
    )["total"]
    zero = Decimal("0.00")
    return Totals(
        row["count"] or 0, row["parts"] or zero, row["labour"] or zero, row["total"] or zero,
        credited or zero,
    )  # fmt: skip


def credited_by_line(bill: Bill) -> dict[int, Decimal]:
    return dict(
        bill.lines.values_list("id")
        .annotate(total=Sum("credits__amount"))
        .values_list("id", "total")
    )


def line_description(line: BillLine) -> str:
    """A part line shows its catalogue name as stored; the labour line is worded now."""
    if line.kind == LineKind.LABOUR:
        if line.description == "labour_flat":
            return _("Labour (flat fee)")
        return _("Labour")
    return line.description


def unit_text(line: BillLine) -> str:
    from aftercare.parts.choices import Unit

    if line.kind == LineKind.LABOUR:
        return _("hour") if line.unit == "hour" else ""
    return str(Unit(line.unit).label) if line.unit in Unit.values else line.unit


def basis_text(basis: str) -> str:
    return str(Basis(basis).label) if basis in Basis.values else basis


def capitals(amount: Decimal) -> str:
    """The amount in capitals in the reader's script (simplified for zh-Hans, else
    traditional: the bill is Chinese whatever the reader's language)."""
    language = translation.get_language() or ""
    script = "hans" if language.lower().startswith("zh-hans") else "hant"
    return in_capitals(amount, script)
