"""The figures of a monthly service report, computed set-based for a chunk of sites.

One function, :func:`compute`, answers the figures of many sites of one organisation for one
month with a fixed number of queries (about a dozen, whatever the chunk's size): the tick's
batch, the "generate again" button and the tests all go through it. Every moment is cut by the
organisation's local month (``standard.calendar``), and every verdict is read *as at the end
of the month*, so generating a month again later gives the same figures unless the records of
that month changed.

The result is plain JSON (moments as local ISO text, codes rather than words): it is frozen in
``MonthlyReport.figures`` and worded in the reader's language when shown (``document.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from aftercare.billing.models import Bill, CreditNote
from aftercare.contracts.choices import FaultCategory
from aftercare.contracts.models import Contract, ServiceCalendar
from aftercare.maintenance.choices import CheckResult, VisitState
from aftercare.maintenance.models import MaintenanceVisit, VisitCheck
from aftercare.obligations.models import CLOCK_STOPPED, Obligation
from aftercare.parts.models import Installation
from aftercare.servicedesk.choices import EventKind
from aftercare.servicedesk.clocks import ARRIVAL, FIX, pauses
from aftercare.servicedesk.models import Suspension, Ticket, TicketEvent
from aftercare.sites.models import Site, System
from aftercare.standard.calendar import ServiceHours, days_span, local_date, month_span
from aftercare.standard.clocks import Stop, service_time
from aftercare.training.choices import Track
from aftercare.training.models import Qualification

NEEDED = 2  # BS-2: two or more qualified people per key system and track
FORMAT = 1  # the shape of the JSON; a later change of shape raises it (pages read both)


@dataclass(frozen=True)
class Month:
    """A local calendar month of an organisation: its days and the half-open span of moments."""

    first: date
    last: date
    start: datetime
    end: datetime
    tz: ZoneInfo

    @classmethod
    def of(cls, day: date, tz: ZoneInfo) -> Month:
        first, last = month_span(day)
        start, end = days_span(first, last, tz)
        return cls(first, last, start, end, tz)

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m}"


def previous_month(now: datetime, tz: ZoneInfo) -> Month:
    """The month before the local month of `now` (on 1 September: August)."""
    today = local_date(now, tz)
    return Month.of(today.replace(day=1) - timedelta(days=1), tz)


def sites_under_contract(
    organisation_id: int, month: Month, *, branch_id: int | None = None
) -> QuerySet[Site]:
    """Sites with a signed contract whose term overlaps the month, in id order (one query)."""
    contracts = Contract.objects.filter(
        branch__organisation_id=organisation_id,
        signed_on__isnull=False,
        starts_on__lte=month.last,
        ends_on__gte=month.first,
    )
    if branch_id is not None:
        contracts = contracts.filter(branch_id=branch_id)
    return Site.objects.filter(pk__in=contracts.values("site_id")).order_by("pk")


@dataclass
class Calendars:
    """The service calendars met so far, as ``ServiceHours`` (read once per batch)."""

    hours: dict[int, ServiceHours] = field(default_factory=dict)

    def load(self, ids: Iterable[int]) -> None:
        missing = set(ids) - set(self.hours)
        if missing:
            rows = ServiceCalendar.objects.filter(pk__in=missing).select_related("organisation")
            for row in rows:
                self.hours[row.pk] = row.service_hours()


def _local(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return None if moment is None else timezone.localtime(moment, tz).isoformat()


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def _rows(values: Any) -> list[dict[str, Any]]:
    """The rows of a ``.values()`` query as plain dicts (the figures are built from them)."""
    return list(values)


def _money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):.2f}"


# -- tickets and their clocks -----------------------------------------------------------------


def _current_clocks(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One clock per rule: the last one not cancelled, else the last (as the ticket page)."""
    chosen: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda row: row["id"]):
        current = chosen.get(row["rule"])
        if current is None or row["cancelled_at"] is None or current["cancelled_at"] is not None:
            chosen[row["rule"]] = row
    return chosen


def _verdict(clock: dict[str, Any], end: datetime) -> str:
    """A clock as at the end of the month: on_time, late, breached (open past due), open,
    stopped (paused with no due moment) or not_counted (cancelled: fixed remotely, …)."""
    if clock["cancelled_at"] is not None and clock["cancelled_at"] < end:
        return "not_counted"
    done = clock["done_at"]
    if done is not None and done < end:
        return "on_time" if done <= clock["due_at"] else "late"
    if clock["due_at"] >= CLOCK_STOPPED:
        return "stopped"
    return "breached" if clock["due_at"] < end else "open"


CLOCK_VERDICTS = ("on_time", "late", "breached", "open", "stopped", "not_counted")


def _clock_line(
    ticket: dict[str, Any],
    clock: dict[str, Any],
    target: int | None,
    cal: ServiceHours | None,
    stops: list[Stop],
    month: Month,
) -> dict[str, Any]:
    verdict = _verdict(clock, month.end)
    until = clock["done_at"] if verdict in ("on_time", "late") else month.end
    used = None
    if cal is not None and verdict != "not_counted":
        used = _minutes(service_time(ticket["reported_at"], until, cal, stops))
    stopped = clock["due_at"] >= CLOCK_STOPPED
    return {
        "target_minutes": target,
        "used_minutes": used,  # service time from the report, pauses and suspensions left out
        "due_at": None if stopped else _local(clock["due_at"], month.tz),
        "done_at": _local(clock["done_at"], month.tz) if verdict in ("on_time", "late") else None,
        "verdict": verdict,
        "breach": verdict in ("late", "breached"),
    }


def _pause_lines(stops: list[Stop], month: Month) -> list[dict[str, Any]]:
    """Each pause of a ticket with its reason and its length (wall-clock, up to month end)."""
    lines = []
    for stop in stops:
        if stop.starts_at >= month.end:
            continue
        until = min(stop.ends_at or month.end, month.end)
        lines.append({
            "reason": stop.reason,
            "from": _local(stop.starts_at, month.tz),
            "to": _local(stop.ends_at, month.tz) if stop.ends_at and stop.ends_at < month.end
            else None,
            "minutes": _minutes(until - stop.starts_at),
        })  # fmt: skip
    return lines


def _tickets(site_ids: Sequence[int], month: Month, calendars: Calendars) -> dict[int, Any]:
    in_month = Ticket.objects.filter(
        site_id__in=site_ids, reported_at__gte=month.start, reported_at__lt=month.end
    )
    tickets = _rows(
        in_month.order_by("reported_at", "id").values(
            "id", "site_id", "branch_id", "number", "category", "emergency", "reported_at",
            "calendar_id", "arrival_minutes", "fix_minutes", "state", "system__name",
        )
    )  # fmt: skip
    ids = in_month.values("pk")
    clocks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _rows(
        Obligation.objects.filter(
            rule__in=(ARRIVAL, FIX),
            subject_type=ContentType.objects.get_for_model(Ticket),
            subject_id__in=ids,
        ).values("id", "rule", "subject_id", "due_at", "done_at", "cancelled_at")
    ):
        clocks[row["subject_id"]].append(row)
    events: dict[int, list[tuple[str, datetime, dict[str, Any]]]] = defaultdict(list)
    for ticket_id, kind, at, data in (
        TicketEvent.objects.filter(
            ticket_id__in=ids, kind__in=[EventKind.PAUSED, EventKind.RESUMED]
        )
        .order_by("ticket_id", "at", "id")
        .values_list("ticket_id", "kind", "at", "data")
    ):
        events[ticket_id].append((kind, at, data or {}))
    branch_stops: dict[int, list[Stop]] = defaultdict(list)
    branches = {ticket["branch_id"] for ticket in tickets}
    for suspension in Suspension.objects.filter(branch_id__in=branches, starts_at__lt=month.end):
        branch_stops[suspension.branch_id].append(
            Stop(suspension.starts_at, suspension.ends_at, f"suspension:{suspension.reason}")
        )
    calendars.load(ticket["calendar_id"] for ticket in tickets)

    per_site: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ticket in tickets:
        own = pauses(events.get(ticket["id"], []))
        stops = own + [
            stop for stop in branch_stops.get(ticket["branch_id"], [])
            if stop.ends_at is None or stop.ends_at > ticket["reported_at"]
        ]  # fmt: skip
        cal = calendars.hours.get(ticket["calendar_id"])
        current = _current_clocks(clocks.get(ticket["id"], []))
        lines = {}
        for key, rule, target in (
            ("arrival", ARRIVAL, ticket["arrival_minutes"]),
            ("fix", FIX, ticket["fix_minutes"]),
        ):
            if rule in current:
                lines[key] = _clock_line(ticket, current[rule], target, cal, stops, month)
        pause_lines = _pause_lines(own, month)
        per_site[ticket["site_id"]].append({
            "id": ticket["id"],
            "number": ticket["number"],
            "category": ticket["category"],
            "emergency": ticket["emergency"],
            "system": ticket["system__name"] or "",
            "reported_at": _local(ticket["reported_at"], month.tz),
            "resolved": ticket["state"] == "resolved",
            "arrival": lines.get("arrival"),
            "fix": lines.get("fix"),
            "pauses": pause_lines,
            "paused_minutes": sum(line["minutes"] for line in pause_lines),
        })  # fmt: skip
    return per_site


def _ticket_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_category = dict.fromkeys(FaultCategory.values, 0)
    for row in rows:
        by_category[row["category"]] = by_category.get(row["category"], 0) + 1
    clocks: dict[str, dict[str, int]] = {}
    for key in ("arrival", "fix"):
        counts = dict.fromkeys(("clocks", *CLOCK_VERDICTS, "breaches"), 0)
        for row in rows:
            line = row[key]
            if line is None:
                continue
            counts["clocks"] += 1
            counts[line["verdict"]] += 1
            counts["breaches"] += int(line["breach"])
        clocks[key] = counts
    reasons: dict[str, dict[str, int]] = {}
    for row in rows:
        for line in row["pauses"]:
            reason = reasons.setdefault(line["reason"], {"pauses": 0, "minutes": 0})
            reason["pauses"] += 1
            reason["minutes"] += line["minutes"]
    return {
        "total": len(rows),
        "by_category": [{"category": k, "count": v} for k, v in by_category.items()],
        "emergencies": sum(1 for row in rows if row["emergency"]),
        "clocks": clocks,
        "paused": {
            "tickets": sum(1 for row in rows if row["pauses"]),
            "minutes": sum(row["paused_minutes"] for row in rows),
            "by_reason": [{"reason": k, **v} for k, v in sorted(reasons.items())],
        },
    }


# -- preventive maintenance (BS-9) ------------------------------------------------------------


def _visits(site_ids: Sequence[int], month: Month) -> dict[int, dict[str, Any]]:
    """Visits scheduled in the month (held back or cancelled ones left out): done by the end
    of the month on their day or later, or missed."""
    rows = (
        MaintenanceVisit.objects.filter(
            plan__site_id__in=site_ids,
            scheduled_on__gte=month.first,
            scheduled_on__lte=month.last,
        )
        .exclude(state__in=[VisitState.CANCELLED, VisitState.ON_HOLD])
        .order_by("scheduled_on", "id")
        .values("id", "plan__site_id", "planned_on", "scheduled_on", "state", "done_at")
    )
    per_site: dict[int, dict[str, Any]] = defaultdict(
        lambda: {
            "planned": 0,
            "done": 0,
            "done_on_time": 0,
            "done_late": 0,
            "missed": 0,
            "rows": [],
        }  # fmt: skip
    )
    for row in rows:
        done_at = row["done_at"] if row["state"] == VisitState.DONE else None
        if done_at is not None and done_at < month.end:
            late = local_date(done_at, month.tz) > row["scheduled_on"]
            verdict = "done_late" if late else "done_on_time"
        else:
            verdict, done_at = "missed", None
        figures = per_site[row["plan__site_id"]]
        figures["planned"] += 1
        figures[verdict] += 1
        figures["done"] += int(verdict != "missed")
        figures["rows"].append({
            "id": row["id"],
            "planned_on": row["planned_on"].isoformat(),
            "scheduled_on": row["scheduled_on"].isoformat(),
            "done_at": _local(done_at, month.tz),
            "verdict": verdict,
        })  # fmt: skip
    return per_site


def _defects(site_ids: Sequence[int], month: Month) -> dict[int, list[dict[str, Any]]]:
    """Defects found by the visits done in the month, with the ticket each one opened."""
    rows = (
        VisitCheck.objects.filter(
            visit__plan__site_id__in=site_ids,
            visit__state=VisitState.DONE,
            visit__done_at__gte=month.start,
            visit__done_at__lt=month.end,
            result=CheckResult.DEFECT,
        )
        .order_by("visit__done_at", "visit_id", "order", "id")
        .values(
            "visit_id", "visit__plan__site_id", "visit__done_at", "system__name", "code", "text",
            "note", "ticket_id", "ticket__number",
        )
    )  # fmt: skip
    per_site: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        per_site[row["visit__plan__site_id"]].append({
            "visit_id": row["visit_id"],
            "found_at": _local(row["visit__done_at"], month.tz),
            "system": row["system__name"],
            "code": row["code"],
            "text": row["text"],
            "note": row["note"],
            "ticket_id": row["ticket_id"],
            "ticket_number": row["ticket__number"] or "",
        })  # fmt: skip
    return per_site


# -- training coverage (BS-2) at the end of the month -----------------------------------------


def _training(site_ids: Sequence[int], month: Month) -> dict[int, list[dict[str, Any]]]:
    systems = list(
        System.objects.filter(site_id__in=site_ids, key=True)
        .order_by("site_id", "kind", "name", "id")
        .values("id", "site_id", "name", "kind")
    )
    names: dict[tuple[int, str], list[str]] = defaultdict(list)
    held = (
        Qualification.objects.filter(
            system__site_id__in=site_ids, system__key=True, qualified_at__lt=month.end
        )
        .filter(Q(lost_at__isnull=True) | Q(lost_at__gte=month.end))
        .filter(Q(trainee__left_on__isnull=True) | Q(trainee__left_on__gt=month.last))
        .order_by("trainee__name", "trainee_id")
        .values_list("system_id", "track", "trainee__name")
    )
    for system_id, track, name in held:
        if name not in names[(system_id, track)]:
            names[(system_id, track)].append(name)
    per_site: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for system in systems:
        for track in Track.values:
            people = names.get((system["id"], track), [])
            per_site[system["site_id"]].append({
                "system_id": system["id"],
                "system": system["name"],
                "track": track,
                "count": len(people),
                "names": people,
                "below": len(people) < NEEDED,
            })  # fmt: skip
    return per_site


# -- parts installed (BS-12) and bills (BS-10) ------------------------------------------------


def _parts(site_ids: Sequence[int], month: Month) -> dict[int, list[dict[str, Any]]]:
    rows = (
        Installation.objects.filter(
            equipment__system__site_id__in=site_ids,
            installed_at__gte=month.start,
            installed_at__lt=month.end,
        )
        .order_by("installed_at", "id")
        .values(
            "equipment__system__site_id", "part__code", "part__name", "part__unit",
            "equipment__name", "equipment__serial", "serial", "installed_at", "ticket__number",
        )
    )  # fmt: skip
    per_site: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        per_site[row["equipment__system__site_id"]].append({
            "code": row["part__code"],
            "name": row["part__name"],
            "unit": row["part__unit"],
            "quantity": 1,  # an installation is one part fitted to one item
            "item": row["equipment__name"],
            "item_serial": row["equipment__serial"],
            "serial": row["serial"],
            "installed_at": _local(row["installed_at"], month.tz),
            "ticket_number": row["ticket__number"] or "",
        })  # fmt: skip
    return per_site


def _bills(site_ids: Sequence[int], month: Month) -> dict[int, dict[str, Any]]:
    per_site: dict[int, dict[str, Any]] = defaultdict(lambda: {"bills": [], "credit_notes": []})
    bills = (
        Bill.objects.filter(
            ticket__site_id__in=site_ids, issued_at__gte=month.start, issued_at__lt=month.end
        )
        .exclude(number="")
        .order_by("issued_at", "id")
        .values("ticket__site_id", "number", "issued_at", "total", "currency", "ticket__number")
    )
    for row in _rows(bills):
        per_site[row["ticket__site_id"]]["bills"].append({
            "number": row["number"],
            "issued_at": _local(row["issued_at"], month.tz),
            "total": _money(row["total"]),
            "currency": row["currency"],
            "ticket_number": row["ticket__number"],
        })  # fmt: skip
    notes = (
        CreditNote.objects.filter(
            bill__ticket__site_id__in=site_ids, issued_at__gte=month.start, issued_at__lt=month.end
        )
        .order_by("issued_at", "id")
        .values(
            "bill__ticket__site_id",
            "number",
            "bill__number",
            "issued_at",
            "total",
            "bill__currency",
            "reason",
        )  # fmt: skip
    )
    for row in _rows(notes):
        per_site[row["bill__ticket__site_id"]]["credit_notes"].append({
            "number": row["number"],
            "bill_number": row["bill__number"],
            "issued_at": _local(row["issued_at"], month.tz),
            "total": _money(row["total"]),
            "currency": row["bill__currency"],
            "reason": row["reason"],
        })  # fmt: skip
    for figures in per_site.values():
        figures["totals"] = _totals(figures["bills"], figures["credit_notes"])
    return per_site


def _totals(bills: list[dict[str, Any]], notes: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Per currency: billed, credited, net."""
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in bills:
        sums[row["currency"]][0] += Decimal(row["total"])
    for row in notes:
        sums[row["currency"]][1] += Decimal(row["total"])
    return [
        {
            "currency": currency,
            "billed": _money(billed),
            "credited": _money(credited),
            "net": _money(billed - credited),
        }  # fmt: skip
        for currency, (billed, credited) in sorted(sums.items())
    ]


# -- the whole report --------------------------------------------------------------------------


def compute(
    site_ids: Sequence[int], month: Month, *, calendars: Calendars | None = None
) -> dict[int, dict[str, Any]]:
    """Site id → the figures of its month, for every site asked for (a quiet site gets
    zeros). A fixed number of queries for the whole chunk."""
    calendars = calendars or Calendars()
    sites = {
        row["id"]: row
        for row in Site.objects.filter(pk__in=site_ids).values(
            "id", "name", "address", "branch_id", "branch__name", "customer_id", "customer__name",
        )
    }  # fmt: skip
    tickets = _tickets(site_ids, month, calendars)
    visits = _visits(site_ids, month)
    defects = _defects(site_ids, month)
    training = _training(site_ids, month)
    parts = _parts(site_ids, month)
    bills = _bills(site_ids, month)
    result = {}
    for site_id in site_ids:
        site = sites[site_id]
        rows = tickets.get(site_id, [])
        visit_figures = visits.get(site_id) or {
            "planned": 0, "done": 0, "done_on_time": 0, "done_late": 0, "missed": 0, "rows": [],
        }  # fmt: skip
        cells = training.get(site_id, [])
        money = bills.get(site_id) or {"bills": [], "credit_notes": [], "totals": []}
        result[site_id] = {
            "format": FORMAT,
            "month": month.label,
            "from": month.first.isoformat(),
            "to": month.last.isoformat(),
            "time_zone": str(month.tz),
            "site": {"id": site_id, "name": site["name"], "address": site["address"]},
            "owner": {"id": site["customer_id"], "name": site["customer__name"]},
            "branch": {"id": site["branch_id"], "name": site["branch__name"]},
            "tickets": _ticket_summary(rows),
            "ticket_rows": rows,
            "visits": visit_figures,
            "defects": defects.get(site_id, []),
            "training": {"cells": cells, "below": sum(1 for cell in cells if cell["below"])},
            "parts": parts.get(site_id, []),
            "bills": money,
        }
    return result
