"""A bill on paper and in a spreadsheet (BS-10): the PDF 維修費用單 and the .xlsx of one bill
and of a filtered list.

The PDF is Chinese with the reader's name of the document beside its title (as the standard's
forms and the visit report): the integrator's letterhead — as it was when the bill was issued
(``Bill.letterhead``), the current settings while it is a draft — the lines, the totals in
figures and in capitals (大寫), the credit notes and the payment terms. A draft is marked as
such on every page and carries no number. Spreadsheets hold money as numbers (``Decimal``) shown
with two decimals, never as text or floats.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aftercare.billing import actions, queries
from aftercare.billing.choices import BillState
from aftercare.billing.models import Bill
from aftercare.org.models import Organisation
from aftercare.paperwork.rendering import Sheet, render_pdf, workbook_sheets

TEMPLATE = "billing/bill_pdf.html"
TITLE_ZH = "維修費用單"
TITLE = gettext_lazy("Repair bill")
DRAFT_ZH = "草稿"
MOMENT = "%Y-%m-%d %H:%M"
DAY = "%Y-%m-%d"
MONEY_FORMAT = "0.00"
LETTERHEAD_FIELDS = (
    "company_name", "address", "phone", "tax_number", "bank_account", "payment_terms",
)  # fmt: skip


def money(value: Decimal) -> str:
    """An amount as the pages and the PDF show it: two decimals, thousands grouped."""
    return f"{value:,.2f}"


def quantity_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class LineRow:
    position: int
    code: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    credited: Decimal

    @property
    def quantity_text(self) -> str:
        return quantity_text(self.quantity)

    @property
    def unit_price_text(self) -> str:
        return money(self.unit_price)

    @property
    def amount_text(self) -> str:
        return money(self.amount)


@dataclass(frozen=True)
class NoteRow:
    number: str
    reason: str
    total: Decimal
    issued: str
    issued_by: str

    @property
    def total_text(self) -> str:
        return money(self.total)


@dataclass(frozen=True)
class BillDocument:
    bill: Bill
    letterhead: dict[str, str]
    is_draft: bool
    number: str
    date: str
    owner: str
    site: str
    address: str
    ticket_number: str
    system: str
    basis: str
    currency: str
    lines: list[LineRow]
    capitals: str
    credit_notes: list[NoteRow]
    printed: str
    filename: str
    title_zh: str = TITLE_ZH
    draft_zh: str = DRAFT_ZH
    labour_minutes: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def subtitle(self) -> str:
        """The reader's name of the bill, unless it is the Chinese title itself."""
        name = str(TITLE)
        return "" if name == TITLE_ZH else name

    @property
    def draft_word(self) -> str:
        word = _("Draft")
        return "" if word == DRAFT_ZH else word

    @property
    def credited(self) -> Decimal:
        return sum((note.total for note in self.credit_notes), Decimal(0))

    @property
    def totals_text(self) -> dict[str, str]:
        return {name: money(value) for name, value in self.totals.items()}


def letterhead_of(bill: Bill) -> dict[str, str]:
    """The letterhead frozen with the bill when issued, else the organisation's current one."""
    if bill.state == BillState.ISSUED and bill.letterhead:
        stored = bill.letterhead
    else:
        organisation: Organisation = bill.branch.organisation
        rules = actions.billing_settings(organisation)
        stored = {name: getattr(rules, name) for name in LETTERHEAD_FIELDS}
        stored["company_name"] = stored["company_name"] or organisation.name
    return {name: str(stored.get(name) or "") for name in LETTERHEAD_FIELDS}


def _local(moment: datetime | None, tz: tzinfo, fmt: str = MOMENT) -> str:
    if moment is None:
        return "—"
    return timezone.localtime(moment, tz).strftime(fmt)


def build(bill: Bill, *, at: datetime) -> BillDocument:
    tz = bill.branch.organisation.tz
    ticket = bill.ticket
    credited = queries.credited_by_line(bill)
    lines = [
        LineRow(
            position=line.position,
            code=line.code,
            description=queries.line_description(line),
            quantity=line.quantity,
            unit=queries.unit_text(line),
            unit_price=line.unit_price,
            amount=line.amount,
            credited=credited.get(line.pk) or Decimal(0),
        )  # fmt: skip
        for line in bill.lines.order_by("position")
    ]
    notes = [
        NoteRow(
            note.number, note.reason, note.total, _local(note.issued_at, tz), str(note.issued_by)
        )  # fmt: skip
        for note in bill.credit_notes.select_related("issued_by").order_by("id")
    ]
    issued = bill.state == BillState.ISSUED
    name = bill.number if issued else f"{_('draft')}-{bill.pk}"
    return BillDocument(
        bill=bill,
        letterhead=letterhead_of(bill),
        is_draft=bill.state == BillState.DRAFT,
        number=bill.number if issued else "",
        date=_local(bill.issued_at if issued else bill.drafted_at, tz, DAY),
        owner=bill.customer.name,
        site=ticket.site.name,
        address=ticket.site.address,
        ticket_number=ticket.number,
        system=ticket.system.name if ticket.system is not None else "—",
        basis=queries.basis_text(bill.basis),
        currency=bill.currency,
        lines=lines,
        capitals=queries.capitals(bill.total),
        credit_notes=notes,
        printed=_local(at, tz),
        filename=f"{TITLE_ZH}-{name}".replace("/", "-"),
        labour_minutes=bill.labour_minutes,
        totals={"parts": bill.parts_total, "labour": bill.labour_total, "total": bill.total},
    )


def pdf(doc: BillDocument, *, request: object) -> bytes:
    return render_pdf(TEMPLATE, {"doc": doc}, request=request)


# -- spreadsheets ---------------------------------------------------------------------------------


def _with_money_format(content: bytes, columns: dict[int, set[int]]) -> bytes:
    """Show the money columns (sheet index → 1-based columns) with two decimals. The shared
    workbook helper writes the ``Decimal`` values as numbers; only their format is set here."""
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(content))
    for index, sheet in enumerate(book.worksheets):
        wanted = columns.get(index, set())
        for row in sheet.iter_rows():
            for cell in row:
                if cell.column in wanted and isinstance(cell.value, int | float | Decimal):
                    cell.number_format = MONEY_FORMAT
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _naive(moment: datetime | None, tz: tzinfo) -> datetime | None:
    """Excel has no time zones: the local wall time."""
    if moment is None:
        return None
    return timezone.localtime(moment, tz).replace(tzinfo=None)


def bill_xlsx(doc: BillDocument) -> bytes:
    """One bill: its lines with the totals under them, and its credit notes."""
    title = f"{TITLE_ZH} {doc.subtitle}".strip()
    head = doc.letterhead
    title_lines = [
        head["company_name"],
        title + (f" · {DRAFT_ZH} {doc.draft_word}".rstrip() if doc.is_draft else ""),
        f"{_('Number')}: {doc.number or '—'} · {_('Date')}: {doc.date}",
        f"{_('Owner')}: {doc.owner} · {_('Site')}: {doc.site} · {_('Ticket')}: {doc.ticket_number}",
        f"{_('Currency')}: {doc.currency} · {doc.basis}",
    ]
    headers = [
        _("No."), _("Code"), _("Description"), _("Quantity"), _("Unit"), _("Unit price"),
        _("Amount"), _("Credited"),
    ]  # fmt: skip
    rows: list[Sequence[Any]] = [
        [
            line.position,
            line.code,
            line.description,
            line.quantity,
            line.unit,
            line.unit_price,
            line.amount,
            line.credited,
        ]  # fmt: skip
        for line in doc.lines
    ]
    rows += [
        ["", "", _("Parts"), "", "", "", doc.totals["parts"], ""],
        ["", "", _("Labour"), "", "", "", doc.totals["labour"], ""],
        ["", "", _("Total"), "", "", "", doc.totals["total"], doc.credited],
        ["", "", _("Total in capitals"), "", "", "", doc.capitals, ""],
    ]
    notes_headers = [_("Credit note"), _("Issued at"), _("Issued by"), _("Reason"), _("Credited")]
    notes = [[n.number, n.issued, n.issued_by, n.reason, n.total] for n in doc.credit_notes]
    content = workbook_sheets(
        [
            Sheet(doc.number or TITLE_ZH, headers, rows, title_lines),
            Sheet(_("Credit notes"), notes_headers, notes),
        ]
    )
    return _with_money_format(content, {0: {6, 7}, 1: {5}})


def with_credited(bills: QuerySet[Bill]) -> QuerySet[Bill]:
    """Each bill with the sum of its credit notes (``credited``)."""
    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))
    return bills.annotate(credited=Coalesce(Sum("credit_notes__total"), zero))


def list_xlsx(bills: Iterable[Bill], totals: queries.Totals, *, tz: tzinfo, title: str) -> bytes:
    """The filtered list, one bill a row, the totals of the whole list under it."""
    headers = [
        _("Number"), _("State"), _("Ticket"), _("Customer"), _("Drafted at"), _("Issued at"),
        _("Currency"), _("Parts"), _("Labour"), _("Total"), _("Credited"), _("Net"),
    ]  # fmt: skip
    states = dict(BillState.choices)
    rows: list[Sequence[Any]] = []
    for bill in bills:
        credited = getattr(bill, "credited", None) or Decimal(0)
        rows.append(
            [
                bill.number or "—",
                str(states.get(bill.state, bill.state)),
                bill.ticket.number,
                bill.customer.name,
                _naive(bill.drafted_at, tz),
                _naive(bill.issued_at, tz),
                bill.currency,
                bill.parts_total,
                bill.labour_total,
                bill.total,
                credited,
                bill.total - credited,
            ]  # fmt: skip
        )
    count = ngettext("%(n)s bill", "%(n)s bills", totals.count) % {"n": totals.count}
    rows.append(
        [
            _("Total"),
            count,
            "",
            "",
            None,
            None,
            "",
            totals.parts,
            totals.labour,
            totals.total,
            totals.credited,
            totals.net,
        ]  # fmt: skip
    )
    content = workbook_sheets([Sheet(_("Bills"), headers, rows, [title])])
    return _with_money_format(content, {0: {8, 9, 10, 11, 12}})
