"""The visit report 維修服務報告 of a resolved ticket as an A4 PDF: where, what was reported,
when the engineer arrived and fixed it, whether each clock was met, the work, the cause, the
labour, and the owner's drawn signature (the stored PNG, embedded as a data: URI so WeasyPrint
needs no file access). Rendered in the reader's language; the Chinese title is the form's own
name and the reader's name stands beside it, as for the other forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftercare.obligations.choices import Status
from aftercare.obligations.models import Obligation
from aftercare.paperwork.rendering import render_pdf
from aftercare.servicedesk import clocks
from aftercare.servicedesk.explanations import length_text
from aftercare.servicedesk.models import Ticket
from aftercare.signatures import data_uri

TEMPLATE = "servicedesk/visit_report.html"
TITLE_ZH = "維修服務報告"
TITLE = gettext_lazy("Visit report")
MOMENT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class ClockLine:
    label: str
    target: str
    due: str
    done: str
    verdict: str
    met: bool


@dataclass(frozen=True)
class VisitReport:
    ticket: Ticket
    organisation: str
    branch: str
    reported: str
    arrived: str
    resolved: str
    printed: str
    clocks: list[ClockLine]
    signature_uri: str
    filename: str
    title_zh: str = TITLE_ZH

    @property
    def subtitle(self) -> str:
        """The reader's name of the report, unless it is the Chinese title itself."""
        name = str(TITLE)
        return "" if name == TITLE_ZH else name


def clock_label(rule: str) -> str:
    return (
        _("On site (%(rule)s)") % {"rule": rule}
        if rule == clocks.ARRIVAL
        else (_("Fixed (%(rule)s)") % {"rule": rule})
    )


def _clock_line(ticket: Ticket, row: Obligation, tz: object) -> ClockLine:
    minutes = ticket.arrival_minutes if row.rule == clocks.ARRIVAL else ticket.fix_minutes
    status = row.status_at()
    met = status in (Status.DONE_ON_TIME, Status.DONE_EARLY)
    if status == Status.CANCELLED:
        verdict = _("not counted: %(reason)s") % {"reason": row.cancel_reason_text}
    elif met:
        verdict = _("met on time")
    elif status == Status.DONE_LATE:
        verdict = _("met late")
    else:
        verdict = str(Status(status).label)
    return ClockLine(
        label=clock_label(row.rule),
        target=length_text(minutes) if minutes is not None else "—",
        due="—" if row.clock_stopped else _local(row.due_at, tz),
        done=_local(row.done_at, tz) if row.done_at else "—",
        verdict=verdict,
        met=met,
    )


def _local(moment: datetime | None, tz: object) -> str:
    if moment is None:
        return "—"
    return timezone.localtime(moment, tz).strftime(MOMENT)  # type: ignore[arg-type]


def current_clocks(rows: list[Obligation]) -> list[Obligation]:
    """One clock per rule: the last one not cancelled, else the last (a fix clock cancelled
    by a change of category and opened again by another shows once)."""
    chosen: dict[str, Obligation] = {}
    for row in sorted(rows, key=lambda row: row.pk):
        current = chosen.get(row.rule)
        if current is None or row.cancelled_at is None or current.cancelled_at is not None:
            chosen[row.rule] = row
    return [chosen[rule] for rule in clocks.CLOCK_RULES if rule in chosen]


def build(ticket: Ticket, clock_rows: list[Obligation], *, at: datetime) -> VisitReport:
    branch = ticket.branch
    tz = branch.organisation.tz
    signature = data_uri(ticket.signature)
    return VisitReport(
        ticket=ticket,
        organisation=branch.organisation.name,
        branch=branch.name,
        reported=_local(ticket.reported_at, tz),
        arrived=_local(ticket.arrived_at, tz),
        resolved=_local(ticket.resolved_at, tz),
        printed=_local(at, tz),
        clocks=[_clock_line(ticket, row, tz) for row in current_clocks(clock_rows)],
        signature_uri=signature,
        filename=f"{TITLE_ZH}-{ticket.number}".replace("/", "-"),
    )


def render(report: VisitReport, *, request: object) -> bytes:
    return render_pdf(TEMPLATE, {"doc": report}, request=request)
