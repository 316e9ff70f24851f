"""A ticket's clocks: which ones run, on what, and their due moments from the event log.

Three steps, each one function:

- ``plan`` decides at the report (and again when the category or emergency changes) what the
  clocks run on: an emergency (BS-13) on 24×7 with the contract's emergency targets (else the
  organisation's); otherwise the covering contract's calendar and its target for the category
  (else the organisation's hotline calendar and the standard's 2 h / 4 h, BS-7/BS-8 settings).
  The fix clock runs for an ordinary line fault always, for other categories where the
  contract sets a target, and for every emergency.
- ``stops_of`` reads the stops from the event log (paused → resumed) and the branch's
  declared suspensions.
- ``standard.clocks.read_clock`` (pure) reads each clock; ``recompute`` writes the pending
  clocks' due moments, the ticket's ``next_due_at`` and the escalation moments, and
  ``recompute_open`` does the same for every open ticket of an organisation or branch in a few
  queries and one UPDATE per batch (a closure or a suspension moves them all).

A clock stopped with no known end (a ticket paused now) has no due moment; its obligation is
given ``CLOCK_STOPPED`` so no breach scan sees it and pages show "stopped".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from aftercare.contracts.actions import builtin_calendar
from aftercare.contracts.choices import FaultCategory
from aftercare.contracts.models import Contract, ServiceCalendar
from aftercare.obligations.models import CLOCK_STOPPED, PENDING_Q, Obligation
from aftercare.org.models import Organisation
from aftercare.servicedesk.choices import EventKind
from aftercare.servicedesk.models import EscalationNotice, HotlineSettings, Suspension, Ticket
from aftercare.standard.calendar import ServiceHours
from aftercare.standard.clocks import Reading, Stop, read_clock
from aftercare.standard.deadlines import effective_rules
from aftercare.standard.rules import Rule

_CLOCK_FIELDS = (
    "id", "branch_id", "calendar_id", "reported_at", "arrival_minutes", "fix_minutes",
    "next_due_at", "state",
)  # fmt: skip

ARRIVAL = "BS-7"
FIX = "BS-8"
CLOCK_RULES = (ARRIVAL, FIX)


@dataclass(frozen=True)
class Plan:
    """What a ticket's clocks run on."""

    calendar: ServiceCalendar
    arrival_minutes: int
    fix_minutes: int | None
    escalation: tuple[tuple[int, int], ...] = ()  # (after minutes, user id), in order
    rules: Mapping[str, Rule] = field(default_factory=dict)  # BS-7, BS-8 as set (one read)


def hotline_settings(organisation: Organisation) -> HotlineSettings:
    """The organisation's row, or the defaults (not saved) when it has none."""
    row = (
        HotlineSettings.objects.filter(organisation=organisation).select_related("calendar").first()
    )
    if row is None:
        return HotlineSettings(organisation=organisation)
    row.organisation = organisation
    if row.calendar is not None and row.calendar.organisation_id == organisation.pk:
        row.calendar.organisation = organisation  # its service hours need the time zone
    return row


def _minutes(hours: Decimal | int) -> int:
    return int((Decimal(hours) * 60).to_integral_value())


def plan(
    organisation: Organisation, *, category: str, emergency: bool, contract: Contract | None
) -> Plan:
    defaults = hotline_settings(organisation)
    rules = effective_rules(organisation, CLOCK_RULES)
    if emergency:
        arrival = contract.emergency_arrival_hours if contract is not None else None
        fix = contract.emergency_fix_hours if contract is not None else None
        chain: tuple[tuple[int, int], ...] = ()
        if contract is not None:
            chain = tuple(
                (step.after_minutes, step.user_id) for step in contract.escalation.order_by("order")
            )
        return Plan(
            calendar=builtin_calendar(organisation),
            arrival_minutes=_minutes(arrival or defaults.emergency_arrival_hours),
            fix_minutes=_minutes(fix or defaults.emergency_fix_hours),
            escalation=chain,
            rules=rules,
        )
    if contract is not None:
        calendar = contract.service_calendar
        target = contract.targets.filter(category=category).first()
    else:
        calendar = defaults.calendar or builtin_calendar(organisation)
        target = None
    arrival_hours = target.arrival_hours if target is not None else _hours(rules[ARRIVAL])
    if target is not None:
        fix_minutes: int | None = _minutes(target.fix_hours)
    elif category == FaultCategory.LINE_FAULT:
        fix_minutes = _minutes(_hours(rules[FIX]))
    else:
        fix_minutes = None
    return Plan(
        calendar=calendar,
        arrival_minutes=_minutes(arrival_hours),
        fix_minutes=fix_minutes,
        rules=rules,
    )


def _hours(rule: Rule) -> int:
    return rule.due_after if rule.due_after is not None else 0


# -- stops --------------------------------------------------------------------------------------


def pauses(events: Iterable[tuple[str, datetime, dict[str, Any]]]) -> list[Stop]:
    """The pauses of an event log as stops: each ``paused`` until the next ``resumed`` (or
    open). Events are (kind, at, data), in the log's order."""
    stops: list[Stop] = []
    since: datetime | None = None
    reason = ""
    for kind, at, data in events:
        if kind == EventKind.PAUSED and since is None:
            since, reason = at, str(data.get("reason", ""))
        elif kind == EventKind.RESUMED and since is not None:
            stops.append(Stop(since, max(at, since), reason))
            since = None
    if since is not None:
        stops.append(Stop(since, None, reason))
    return stops


def suspension_stops(rows: Iterable[Suspension]) -> list[Stop]:
    return [Stop(row.starts_at, row.ends_at, f"suspension:{row.reason}") for row in rows]


def _suspensions(branch_ids: Iterable[int], since: datetime) -> dict[int, list[Stop]]:
    rows = Suspension.objects.filter(branch_id__in=set(branch_ids)).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=since)
    )
    result: dict[int, list[Stop]] = defaultdict(list)
    for row in rows:
        result[row.branch_id].extend(suspension_stops([row]))
    return result


def _pause_events(
    ticket_ids: Sequence[int],
) -> dict[int, list[tuple[str, datetime, dict[str, Any]]]]:
    rows = (
        _event_model()
        .objects.filter(ticket_id__in=ticket_ids, kind__in=[EventKind.PAUSED, EventKind.RESUMED])
        .order_by("ticket_id", "at", "id")
        .values_list("ticket_id", "kind", "at", "data")
    )
    result: dict[int, list[tuple[str, datetime, dict[str, Any]]]] = defaultdict(list)
    for ticket_id, kind, at, data in rows:
        result[ticket_id].append((kind, at, data or {}))
    return result


def _event_model() -> Any:
    from aftercare.servicedesk.models import TicketEvent

    return TicketEvent


def branch_stops(branch_id: int, since: datetime) -> list[Stop]:
    """The declared suspensions of a branch that end after `since` (or have not ended)."""
    return _suspensions([branch_id], since)[branch_id]


def stops_of(ticket: Ticket) -> list[Stop]:
    """Every stop of the ticket's clocks: its pauses and its branch's suspensions."""
    own = pauses(_pause_events([ticket.pk])[ticket.pk])
    return own + _suspensions([ticket.branch_id], ticket.reported_at)[ticket.branch_id]


# -- reading and writing ------------------------------------------------------------------------


@dataclass(frozen=True)
class Readings:
    """What a ticket's clocks say now: per rule, and the escalation steps' moments."""

    clocks: dict[str, Reading]
    escalation: dict[int, datetime | None]  # step order → moment (None: stopped)
    stops: tuple[Stop, ...]
    hours: ServiceHours | None = None  # the calendar read (the explanation names its holidays)


def read(
    ticket: Ticket,
    hours: ServiceHours,
    stops: Sequence[Stop],
    escalation: Iterable[tuple[int, int]] = (),
    rules: Iterable[str] = CLOCK_RULES,
) -> Readings:
    """Read the clocks `rules` of `ticket` (every one it runs, by default) from its report on
    `hours` with `stops` (pure but for the ticket's fields)."""
    minutes = {ARRIVAL: ticket.arrival_minutes, FIX: ticket.fix_minutes}
    clocks = {
        rule: read_clock(ticket.reported_at, timedelta(minutes=length), hours, stops)
        for rule in rules
        if (length := minutes.get(rule)) is not None
    }
    steps = {
        order: read_clock(ticket.reported_at, timedelta(minutes=minutes), hours, stops).due_at
        for order, minutes in escalation
    }
    return Readings(clocks, steps, tuple(stops), hours)


def readings_of(ticket: Ticket) -> Readings:
    """The ticket's clocks read from its log now (one query for the log, one for suspensions)."""
    hours = ticket.calendar.service_hours()
    steps = ticket.escalations.values_list("order", "after_minutes")
    return read(ticket, hours, stops_of(ticket), steps)


def stored_due(reading: Reading) -> datetime:
    """The moment an obligation stores for a reading: ``CLOCK_STOPPED`` while stopped."""
    return reading.due_at if reading.due_at is not None else CLOCK_STOPPED


def next_due(readings: Readings) -> datetime | None:
    """The earliest known due moment of a ticket's clocks (the board's order)."""
    known = [r.due_at for r in readings.clocks.values() if r.due_at is not None]
    return min(known) if known else None


def recompute(ticket: Ticket) -> Readings:
    """Write the due moments of the ticket's pending clocks, its ``next_due_at`` and the moments
    of its unsent escalation steps, from the whole log. Done clocks keep theirs: they stopped
    when they were met. Runs inside the caller's transaction."""
    result = readings_of(ticket)
    pending = Obligation.objects.filter(
        PENDING_Q,
        subject_type=ContentType.objects.get_for_model(Ticket),
        subject_id=ticket.pk,
        rule__in=CLOCK_RULES,
    )
    next_due: datetime | None = None
    for obligation in pending:
        reading = result.clocks.get(obligation.rule)
        if reading is None:
            continue
        due = stored_due(reading)
        if obligation.due_at != due:
            obligation.due_at = due
            obligation.save(update_fields=["due_at"])
        if reading.due_at is not None and (next_due is None or reading.due_at < next_due):
            next_due = reading.due_at
    if ticket.is_open and ticket.next_due_at != next_due:
        ticket.next_due_at = next_due
        Ticket.objects.filter(pk=ticket.pk).update(next_due_at=next_due)
    for order, due_at in result.escalation.items():
        EscalationNotice.objects.filter(
            ticket=ticket, order=order, notified_at__isnull=True
        ).exclude(due_at=due_at).update(due_at=due_at)
    return result


def recompute_open(
    *, organisation_id: int, branch_id: int | None = None, batch_size: int = 2000
) -> int:
    """Recompute the clocks of every open ticket of an organisation (or one branch): after a
    closure or make-up day is added (calendars that follow holidays) or a suspension declared.

    Per batch: the tickets, their pause events, their pending clocks — three queries — then
    one UPDATE of the obligations and one of the tickets. Calendars are built once each and
    suspensions read once. Returns how many clocks moved.
    """
    tickets = Ticket.objects.open().filter(branch__organisation_id=organisation_id)
    if branch_id is not None:
        tickets = tickets.filter(branch_id=branch_id)
    ids = list(tickets.order_by("id").values_list("id", flat=True))
    hours_of: dict[int, ServiceHours] = {}
    ticket_type = ContentType.objects.get_for_model(Ticket)
    moved = 0
    earliest = tickets.order_by("reported_at").values_list("reported_at", flat=True).first()
    if earliest is None:
        return 0
    branch_ids = tickets.order_by().values_list("branch_id", flat=True).distinct()
    suspensions = _suspensions(list(branch_ids), earliest)
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        # Only what the clocks read: building full rows cost more than the arithmetic.
        batch = list(Ticket.objects.filter(pk__in=chunk).order_by().only(*_CLOCK_FIELDS))
        events = _pause_events(chunk)
        clock_rows: dict[int, list[tuple[int, str, datetime]]] = defaultdict(list)
        # A range of subject ids (and no ORDER BY): an index range, not a walk of every
        # pending obligation per batch.
        for pk, ticket_id, rule, due_at in (
            Obligation.objects.filter(
                PENDING_Q,
                subject_type=ticket_type,
                subject_id__range=(chunk[0], chunk[-1]),
                rule__in=CLOCK_RULES,
            )
            .order_by()
            .values_list("pk", "subject_id", "rule", "due_at")
        ):
            clock_rows[int(ticket_id or 0)].append((pk, rule, due_at))
        obligation_updates: list[tuple[int, datetime]] = []
        ticket_updates: list[tuple[int, datetime | None]] = []
        for ticket in batch:
            hours = hours_of.get(ticket.calendar_id)
            if hours is None:
                calendar = ServiceCalendar.objects.select_related("organisation").get(
                    pk=ticket.calendar_id
                )
                hours = hours_of[ticket.calendar_id] = calendar.service_hours()
            stops = pauses(events.get(ticket.pk, ())) + suspensions.get(ticket.branch_id, [])
            pending = clock_rows.get(ticket.pk, [])
            result = read(ticket, hours, stops, rules={rule for _pk, rule, _due in pending})
            next_due: datetime | None = None
            for pk, rule, due_at in pending:
                reading = result.clocks.get(rule)
                if reading is None:
                    continue
                due = stored_due(reading)
                if due != due_at:
                    obligation_updates.append((pk, due))
                if reading.due_at is not None and (next_due is None or reading.due_at < next_due):
                    next_due = reading.due_at
            if next_due != ticket.next_due_at:
                ticket_updates.append((ticket.pk, next_due))
        with transaction.atomic():
            _update_column("obligations_obligation", "due_at", obligation_updates)
            _update_column("servicedesk_ticket", "next_due_at", ticket_updates)
        moved += len(obligation_updates)
    # Escalation moments of emergencies move too (few tickets: one by one).
    unsent = EscalationNotice.objects.filter(ticket=OuterRef("pk"), notified_at__isnull=True)
    for ticket in tickets.filter(Exists(unsent)):
        recompute(ticket)
    return moved


def _update_column(table: str, column: str, rows: Sequence[tuple[int, datetime | None]]) -> None:
    """One UPDATE … FROM (VALUES …) per call on PostgreSQL; executemany elsewhere. Direct SQL
    on purpose: this is the bulk path of a recompute that writes nothing but moments (the
    obligations' history keeps the business changes, not each recomputed moment)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s, %s::timestamptz)"] * len(rows))
            params = [value for row in rows for value in row]
            cursor.execute(
                f"UPDATE {quote(table)} AS t SET {quote(column)} = v.moment "  # noqa: S608
                f"FROM (VALUES {values}) AS v(id, moment) WHERE t.id = v.id",
                params,
            )
        else:
            cursor.executemany(
                f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                [(connection.ops.adapt_datetimefield_value(moment), pk) for pk, moment in rows],
            )
