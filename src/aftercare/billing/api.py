"""API of bills (BS-10): the list with its filters, review, issue, withdrawal, credit notes."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from aftercare.apischema import BoundedPagination, Day, Id, Input, Number, responses
from aftercare.billing import actions, queries
from aftercare.billing.choices import Basis, BillState, LineKind
from aftercare.billing.models import Bill, CreditNote
from aftercare.money import Currency
from aftercare.org.http import StaffRequest

router = Router(tags=["billing"])


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


class LineOut(Schema):
    id: int
    position: int
    kind: LineKind
    part_id: int | None
    code: str
    description: str
    quantity: str
    unit: str
    unit_price: str
    amount: str
    credited: str


class CreditNoteOut(Schema):
    id: int
    number: str
    bill_id: int
    reason: str
    total: str
    issued_at: datetime


class BillOut(Schema):
    id: int
    number: str = Field(..., description="Empty until issued: <branch>-B-<year>-<n>.")
    state: BillState
    basis: Basis
    basis_text: str
    ticket_id: int
    ticket_number: str
    customer_id: int
    currency: Currency
    labour_minutes: int
    parts_total: str
    labour_total: str
    total: str
    total_in_capitals: str
    credited: str
    note: str
    drafted_at: datetime
    issued_at: datetime | None
    lines: list[LineOut]
    credit_notes: list[CreditNoteOut]


def _note_out(note: CreditNote) -> dict[str, Any]:
    return {
        "id": note.pk, "number": note.number, "bill_id": note.bill_id, "reason": note.reason,
        "total": _money(note.total), "issued_at": note.issued_at,
    }  # fmt: skip


def _out(bill: Bill) -> dict[str, Any]:
    credited = queries.credited_by_line(bill)
    notes = list(bill.credit_notes.order_by("id"))
    return {
        "id": bill.pk, "number": bill.number, "state": bill.state, "basis": bill.basis,
        "basis_text": queries.basis_text(bill.basis), "ticket_id": bill.ticket_id,
        "ticket_number": bill.ticket.number, "customer_id": bill.customer_id,
        "currency": bill.currency, "labour_minutes": bill.labour_minutes,
        "parts_total": _money(bill.parts_total), "labour_total": _money(bill.labour_total),
        "total": _money(bill.total), "total_in_capitals": queries.capitals(bill.total),
        "credited": _money(sum((n.total for n in notes), Decimal(0))), "note": bill.note,
        "drafted_at": bill.drafted_at, "issued_at": bill.issued_at,
        "lines": [
            {
                "id": line.pk, "position": line.position, "kind": line.kind,
                "part_id": line.part_id, "code": line.code,
                "description": queries.line_description(line),
                "quantity": f"{line.quantity.normalize():f}", "unit": queries.unit_text(line),
                "unit_price": _money(line.unit_price), "amount": _money(line.amount),
                "credited": _money(credited.get(line.pk) or Decimal(0)),
            }
            for line in bill.lines.order_by("position")
        ],
        "credit_notes": [_note_out(note) for note in notes],
    }  # fmt: skip


def _bill(request: StaffRequest, pk: int) -> Bill:
    return queries.get_bill_for(request.user, pk)


@router.get("/bills", response=responses({200: list[BillOut]}))
@paginate(BoundedPagination)
def list_bills(
    request: StaffRequest,
    ticket_id: Id | None = None,
    state: BillState | None = None,
    customer_id: Id | None = None,
    issued_from: Day | None = None,
    issued_to: Day | None = None,
    q: str = "",
) -> Any:
    """Bills the user may read, newest draft first; the page's filters by the same names."""
    chosen = queries.BillFilter(
        state=state or "", ticket_id=ticket_id, customer_id=customer_id,
        issued_from=issued_from, issued_to=issued_to, q=q,
    )  # fmt: skip
    tz = request.user.organisation.tz if request.user.organisation else None
    return _Page(queries.filtered(request.user, chosen, tz))


class _Page:
    def __init__(self, bills: Any) -> None:
        self.bills = bills

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_out(bill) for bill in self.bills[item]]

    def count(self) -> int:
        return int(self.bills.count())

    def __len__(self) -> int:
        return self.count()


@router.get("/bills/{bill_id}", response=responses({200: BillOut}, 404))
def get_bill(request: StaffRequest, bill_id: Id) -> dict[str, Any]:
    return _out(_bill(request, bill_id))


class BillChangeIn(Input):
    note: str | None = Field(None, max_length=500)
    labour_minutes: int | None = Field(None, ge=0, le=100_000)


@router.patch("/bills/{bill_id}", response=responses({200: BillOut}, 404, 409))
def change_bill(request: StaffRequest, bill_id: Id, payload: BillChangeIn) -> dict[str, Any]:
    """Review a draft: a note, the labour time corrected. An issued bill answers 409."""
    bill = actions.update_draft(
        _bill(request, bill_id), by=request.user, note=payload.note,
        labour_minutes=payload.labour_minutes,
    )  # fmt: skip
    return _out(bill)


@router.post("/bills/{bill_id}/issue", response=responses({200: BillOut}, 404, 409))
def issue_bill(request: StaffRequest, bill_id: Id) -> dict[str, Any]:
    """Issue the draft: numbered gap-free in the branch's register for the year; from then on
    it never changes."""
    return _out(actions.issue(_bill(request, bill_id), by=request.user))


class WithdrawIn(Input):
    reason: str = Field(..., min_length=1, max_length=500)


@router.post("/bills/{bill_id}/withdraw", response=responses({200: BillOut}, 404, 409))
def withdraw_bill(request: StaffRequest, bill_id: Id, payload: WithdrawIn) -> dict[str, Any]:
    """Withdraw a draft with the reason (goodwill, a duplicate); the row stays."""
    return _out(actions.withdraw(_bill(request, bill_id), by=request.user, reason=payload.reason))


class CreditLineIn(Input):
    bill_line_id: Id
    quantity: Number | None = Field(None, description="Credit this much at the line's price…")
    amount: Number | None = Field(None, description="…or this amount (two decimals).")


class CreditNoteIn(Input):
    reason: str = Field(..., min_length=1, max_length=500)
    lines: list[CreditLineIn] = Field(..., min_length=1, max_length=200)


@router.post("/bills/{bill_id}/credit-notes", response=responses({201: CreditNoteOut}, 404, 409))
def credit_bill(
    request: StaffRequest, bill_id: Id, payload: CreditNoteIn
) -> Status[dict[str, Any]]:
    """A credit note against an issued bill; the bill stays as issued."""
    note = actions.credit(
        _bill(request, bill_id), by=request.user, reason=payload.reason,
        lines=[line.model_dump() for line in payload.lines],
    )  # fmt: skip
    return Status(201, _note_out(note))
