"""The only writers of bills (BS-10): the draft at the resolve step, its review, the issue
under the register's lock, withdrawal of a draft, and credit notes.

What is billed is decided by what covered the item when the fault was reported
(``contracts.queries.coverage``, the one answer): in warranty nothing; under a contract what
it does not include (``parts_included`` / ``labour_included``); otherwise the parts issued to
the ticket at their cost — the standard says cost, so no markup — and the labour fee of the
organisation's settings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.billing.choices import (
    ROUNDING_MINUTES,
    Basis,
    BillState,
    LabourMode,
    LabourRounding,
    LineKind,
)
from aftercare.billing.models import Bill, BillingSettings, BillLine, CreditNote, CreditNoteLine
from aftercare.contracts.choices import CoverageKind
from aftercare.contracts.models import Contract
from aftercare.contracts.queries import coverage
from aftercare.errors import Conflict, Errors, InvalidInput
from aftercare.money import parse_money, round_cents, to_decimal
from aftercare.obligations.actions import first_supervisor, fulfil_pending, open_obligation
from aftercare.org.access import ensure_allowed, ensure_allowed_in
from aftercare.org.models import Organisation, User
from aftercare.parts.choices import MovementKind
from aftercare.parts.models import StockMovement
from aftercare.records.registers import next_number
from aftercare.servicedesk.models import Ticket
from aftercare.standard.calendar import local_date

RULE = "BS-10"
BILLS = "B"
CREDIT_NOTES = "C"
FREE = (Basis.WARRANTY, Basis.CONTRACT_ALL)


def billing_settings(organisation: Organisation) -> BillingSettings:
    """The organisation's row, or the defaults (not saved) when it has none."""
    row = BillingSettings.objects.filter(organisation=organisation).first()
    return row if row is not None else BillingSettings(organisation=organisation)


@dataclass(frozen=True)
class Decision:
    """Why a ticket's repair is billed or not: the basis, and until when / which contract."""

    basis: str
    until: date | None = None
    contract: Contract | None = None

    @property
    def parts_billed(self) -> bool:
        return self.basis in (Basis.UNCOVERED, Basis.CONTRACT_PARTS, Basis.CONTRACT_NONE)

    @property
    def labour_billed(self) -> bool:
        return self.basis in (Basis.UNCOVERED, Basis.CONTRACT_LABOUR, Basis.CONTRACT_NONE)


def decide(ticket: Ticket) -> Decision:
    """The basis of a ticket's bill: the item's coverage at the moment the fault was reported
    (the equipment item's own warranty — a part installed on it — counts first)."""
    item = ticket.equipment if ticket.equipment_id else ticket.system
    assert item is not None
    covered = coverage(item, ticket.reported_at)
    if covered.kind == CoverageKind.WARRANTY:
        return Decision(Basis.WARRANTY, covered.until)
    if covered.kind == CoverageKind.CONTRACT and covered.contract is not None:
        contract = covered.contract
        basis = {
            (True, True): Basis.CONTRACT_ALL,
            (False, True): Basis.CONTRACT_PARTS,
            (True, False): Basis.CONTRACT_LABOUR,
            (False, False): Basis.CONTRACT_NONE,
        }[(contract.parts_included, contract.labour_included)]
        return Decision(basis, covered.until, contract)
    return Decision(Basis.UNCOVERED)


def labour_fee(minutes: int, rules: BillingSettings) -> tuple[Decimal, Decimal, Decimal]:
    """(billed hours, unit price, amount) of a repair's labour: 95 minutes at 120.00 per
    started hour are 2 h = 240.00; a flat fee is one unit at the rate; the minimum applies to
    any labour worked (none for 0 minutes)."""
    if minutes <= 0:
        return Decimal(0), rules.labour_rate, Decimal(0)
    if rules.labour_mode == LabourMode.FLAT:
        quantity, amount = Decimal(1), rules.labour_rate
    else:
        step = ROUNDING_MINUTES.get(LabourRounding(rules.labour_rounding), 60)
        billed = math.ceil(minutes / step) * step
        quantity = (Decimal(billed) / 60).quantize(Decimal("0.001"))
        amount = round_cents(Decimal(billed) * rules.labour_rate / 60)
    amount = max(amount, rules.labour_minimum)
    return quantity, rules.labour_rate, round_cents(amount)


def _part_lines(ticket: Ticket) -> list[dict[str, Any]]:
    """Net quantities issued to the ticket per part and cost (issues less returns)."""
    rows: Any = (
        StockMovement.objects.filter(
            ticket=ticket, kind__in=(MovementKind.ISSUE, MovementKind.RETURN)
        )
        .values("part_id", "part__code", "part__name", "part__unit", "unit_cost")
        .annotate(net=Sum("quantity"))
        .order_by("part__code", "unit_cost")
    )
    return [row for row in rows if row["net"] < 0]


def ticket_resolved(
    ticket: Ticket, *, by: User, at: datetime, parts: Iterable[Mapping[str, Any]]
) -> bool:
    """The resolve step's listener (``aftercare.apps.ticket_resolved``): draft the bill. The
    parts app has issued the parts already (it is installed before billing). Takes no parts."""
    draft_bill(ticket, at=at)
    return False


def draft_bill(ticket: Ticket, *, at: datetime) -> Bill | None:
    """Draft the bill of a resolved ticket, or none when nothing is billable (warranty, a
    contract that includes both, or nothing used). Opens BS-10 for the branch's supervisor:
    review and issue it."""
    decision = decide(ticket)
    if decision.basis in FREE:
        return None
    organisation = ticket.branch.organisation
    rules = billing_settings(organisation)
    lines: list[BillLine] = []
    if decision.parts_billed:
        for row in _part_lines(ticket):
            quantity = -row["net"]
            lines.append(
                BillLine(
                    kind=LineKind.PART,
                    part_id=row["part_id"],
                    code=row["part__code"],
                    description=row["part__name"],
                    quantity=quantity,
                    unit=row["part__unit"],
                    unit_price=row["unit_cost"],
                    amount=round_cents(quantity * row["unit_cost"]),
                )  # fmt: skip
            )
    minutes = ticket.labour_minutes or 0
    if decision.labour_billed and minutes > 0:
        hours, price, amount = labour_fee(minutes, rules)
        lines.append(_labour_line(rules, hours, price, amount))
    if not lines:
        return None
    bill = Bill.objects.create(
        branch=ticket.branch,
        ticket=ticket,
        customer=ticket.site.customer,
        basis=decision.basis,
        currency=rules.currency,
        labour_minutes=minutes if decision.labour_billed else 0,
        drafted_at=at,
    )
    _write_lines(bill, lines)
    owner = first_supervisor(ticket.branch)
    if owner is not None:
        open_obligation(
            RULE, branch=ticket.branch, owner=owner, event_at=at, customer=ticket.site.customer,
            subject=bill, title_key="bill_review",
            title_params={"number": ticket.number, "site": ticket.site.name},
        )  # fmt: skip
    return bill


def _labour_line(
    rules: BillingSettings, hours: Decimal, price: Decimal, amount: Decimal
) -> BillLine:
    flat = rules.labour_mode == LabourMode.FLAT
    return BillLine(
        kind=LineKind.LABOUR,
        # Stored as a code, worded when shown (the bill is read in three languages).
        description="labour_flat" if flat else "labour_hours",
        quantity=hours,
        unit="" if flat else "hour",
        unit_price=price,
        amount=amount,
    )


def _write_lines(bill: Bill, lines: list[BillLine]) -> None:
    for position, line in enumerate(lines, start=1):
        line.bill = bill
        line.position = position
    BillLine.objects.bulk_create(lines)
    _totals(bill)


def _totals(bill: Bill) -> None:
    parts = sum((x.amount for x in bill.lines.filter(kind=LineKind.PART)), Decimal(0))
    labour = sum((x.amount for x in bill.lines.filter(kind=LineKind.LABOUR)), Decimal(0))
    bill.parts_total, bill.labour_total, bill.total = parts, labour, parts + labour
    bill.save(update_fields=["parts_total", "labour_total", "total"])


def _locked(bill: Bill) -> Bill:
    return Bill.objects.select_for_update().select_related("branch__organisation").get(pk=bill.pk)


def _ensure_draft(bill: Bill) -> None:
    if bill.state == BillState.ISSUED:
        raise Conflict(
            _("An issued bill is never changed: correct it with a credit note."),
            code="bill_issued",
        )
    if bill.state == BillState.VOID:
        raise Conflict(_("This draft was withdrawn."), code="bill_withdrawn")


@transaction.atomic
def update_draft(bill: Bill, *, by: User, note: Any = None, labour_minutes: Any = None) -> Bill:
    """The supervisor's review: a note on the bill, the labour time corrected (the fee is
    computed again from the settings)."""
    ensure_allowed(by, "billing.change_bill", bill.branch)
    bill = _locked(bill)
    _ensure_draft(bill)
    errors = Errors()
    if note is not None:
        text = str(note).strip()
        if len(text) > 500:
            errors.add("note", _("At most %(n)s characters.") % {"n": 500})
        bill.note = text
    minutes: int | None = None
    if labour_minutes is not None:
        try:
            minutes = int(str(labour_minutes))
            if not 0 <= minutes <= 100_000:
                raise ValueError
        except (TypeError, ValueError):
            errors.add("labour_minutes", _("Give the labour in whole minutes (0 to 100000)."))
        if bill.basis not in (Basis.UNCOVERED, Basis.CONTRACT_LABOUR, Basis.CONTRACT_NONE):
            errors.add("labour_minutes", _("Labour is not billed on this bill."))
    errors.raise_if_any(_("The bill cannot be saved."))
    bill.save(update_fields=["note"])
    if minutes is not None:
        bill.lines.filter(kind=LineKind.LABOUR).delete()
        bill.labour_minutes = minutes
        bill.save(update_fields=["labour_minutes"])
        if minutes > 0:
            rules = billing_settings(bill.branch.organisation)
            line = _labour_line(rules, *labour_fee(minutes, rules))
            line.bill = bill
            line.position = (bill.lines.count() or 0) + 1
            line.save()
        _totals(bill)
    return bill


@transaction.atomic
def withdraw(bill: Bill, *, by: User, reason: Any) -> Bill:
    """Withdraw a draft (the repair is not billed after all: goodwill, a duplicate). The row
    stays, with the reason; BS-10 is met by the decision."""
    ensure_allowed(by, "billing.issue_bill", bill.branch)
    bill = _locked(bill)
    _ensure_draft(bill)
    text = str(reason or "").strip()
    if not text or len(text) > 500:
        message = _("Say why the draft is withdrawn (at most 500 characters).")
        raise InvalidInput(message, fields={"reason": [message]})
    bill.state = BillState.VOID
    bill.note = text
    bill.save(update_fields=["state", "note"])
    fulfil_pending(RULE, by=by, at=timezone.now(), subject=bill)
    return bill


@transaction.atomic
def issue(bill: Bill, *, by: User, at: datetime | None = None) -> Bill:
    """Issue a draft: its number from the branch's bill register for the year (gap-free,
    under the register's row lock), the letterhead as it is today, and from then on the bill
    refuses every change."""
    ensure_allowed(by, "billing.issue_bill", bill.branch)
    bill = _locked(bill)
    _ensure_draft(bill)
    moment = at or timezone.now()
    organisation = bill.branch.organisation
    year = local_date(moment, organisation.tz).year
    bill.number = next_number(bill.branch, BILLS, year)
    bill.state = BillState.ISSUED
    bill.issued_at = moment
    bill.issued_by = by
    bill.letterhead = _letterhead(billing_settings(organisation), organisation)
    bill.save()
    fulfil_pending(RULE, by=by, at=moment, subject=bill)
    return bill


def _letterhead(rules: BillingSettings, organisation: Organisation) -> dict[str, str]:
    return {
        "company_name": rules.company_name or organisation.name,
        "address": rules.address,
        "phone": rules.phone,
        "tax_number": rules.tax_number,
        "bank_account": rules.bank_account,
        "payment_terms": rules.payment_terms,
    }


@transaction.atomic
def credit(bill: Bill, *, by: User, reason: Any, lines: Iterable[Mapping[str, Any]]) -> CreditNote:
    """A credit note against an issued bill: for each bill line, a quantity (at the line's
    unit price) or an amount, never more than the line still holds after earlier credits. The
    bill stays as issued."""
    ensure_allowed(by, "billing.issue_bill", bill.branch)
    bill = _locked(bill)
    if bill.state != BillState.ISSUED:
        raise Conflict(_("Only an issued bill can be credited."), code="bill_not_issued")
    errors = Errors()
    text = str(reason or "").strip()
    if not text:
        errors.add("reason", _("Say why the bill is corrected."))
    elif len(text) > 500:
        errors.add("reason", _("At most %(n)s characters.") % {"n": 500})
    own = {line.pk: line for line in bill.lines.all()}
    credited = dict(
        CreditNoteLine.objects.filter(bill_line__bill=bill)
        .values_list("bill_line_id")
        .annotate(total=Sum("amount"))
    )
    planned: list[tuple[BillLine, Decimal | None, Decimal]] = []
    given = list(lines)
    if not given:
        errors.add("lines", _("Name at least one line of the bill to credit."))
    for index, row in enumerate(given):
        where = f"lines[{index}]"
        line = own.get(_int(row.get("bill_line_id")) or 0)
        if line is None:
            errors.add(f"{where}.bill_line_id", _("This line is not on the bill."))
            continue
        quantity = None
        if row.get("quantity") not in (None, ""):
            quantity = to_decimal(row.get("quantity"))
            if quantity is None or quantity <= 0 or quantity > line.quantity:
                errors.add(
                    f"{where}.quantity",
                    _("Give a quantity above 0 and at most %(q)s.") % {"q": line.quantity},
                )
                continue
            amount = round_cents(quantity * line.unit_price)
        else:
            amount = parse_money(
                row.get("amount"), field=f"{where}.amount", errors=errors, allow_zero=False
            )
        left = line.amount - credited.get(line.pk, Decimal(0))
        if amount > left:
            errors.add(
                f"{where}.amount",
                _("At most %(left)s is left to credit on this line.") % {"left": left},
            )
        credited[line.pk] = credited.get(line.pk, Decimal(0)) + amount
        planned.append((line, quantity, amount))
    errors.raise_if_any(_("The credit note cannot be issued."))
    now = timezone.now()
    year = local_date(now, bill.branch.organisation.tz).year
    note = CreditNote.objects.create(
        bill=bill,
        number=next_number(bill.branch, CREDIT_NOTES, year),
        reason=text,
        total=sum((amount for _line, _q, amount in planned), Decimal(0)),
        issued_at=now,
        issued_by=by,
    )
    CreditNoteLine.objects.bulk_create(
        CreditNoteLine(credit_note=note, bill_line=line, quantity=quantity, amount=amount)
        for line, quantity, amount in planned
    )
    return note


@transaction.atomic
def save_settings(organisation: Organisation, *, by: User, **values: Any) -> BillingSettings:
    """The organisation's labour fee, currency and letterhead."""
    from aftercare.money import Currency

    ensure_allowed_in(by, "billing.change_billingsettings", organisation)
    row = BillingSettings.objects.select_for_update().filter(organisation=organisation).first()
    row = row or BillingSettings(organisation=organisation)
    errors = Errors()
    choices = {
        "currency": Currency.values,
        "labour_mode": LabourMode.values,
        "labour_rounding": LabourRounding.values,
    }
    for name, value in values.items():
        if name in choices:
            if value not in choices[name]:
                errors.add(name, _("Choose one of the listed values."))
            else:
                setattr(row, name, value)
        elif name in ("labour_rate", "labour_minimum"):
            setattr(row, name, parse_money(value, field=name, errors=errors))
        elif name in (
            "company_name", "address", "phone", "tax_number", "bank_account", "payment_terms",
        ):  # fmt: skip
            text = str(value or "").strip()
            limit = getattr(BillingSettings._meta.get_field(name), "max_length", None) or 300
            if len(text) > limit:
                errors.add(name, _("At most %(n)s characters.") % {"n": limit})
            setattr(row, name, text)
        else:
            errors.add(name, _("Unknown setting."))
    errors.raise_if_any(_("The settings cannot be saved."))
    row.save()
    return row


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
