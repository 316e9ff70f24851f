"""Reads of the hotline, each through the one read scope of its model (pages and API share
them): ``visible_tickets`` and ``visible_suspensions``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from aftercare.obligations.models import Obligation
from aftercare.org.access import restrict, scoped
from aftercare.org.models import User
from aftercare.servicedesk import clocks
from aftercare.servicedesk.models import FieldConflict, Suspension, Ticket, TicketQuerySet
from aftercare.sites.models import Equipment, Site, System

BOARD_SIZE = 50


def visible_tickets(user: User) -> TicketQuerySet:
    return Ticket.objects.visible_to(user).select_related(
        "site", "system", "equipment", "engineer", "branch__organisation"
    )


def get_ticket_for(user: User, pk: int) -> Ticket:
    """A ticket the user may read (DoesNotExist → 404 outside the scope)."""
    return visible_tickets(user).select_related("calendar", "contract", "recorded_by").get(pk=pk)


# What a board line shows: building whole rows (five joined models) cost more than the SQL.
_BOARD_FIELDS = (
    "id", "number", "state", "emergency", "paused_since", "next_due_at", "category", "coverage",
    "branch_id", "site__name", "system__name", "engineer__username", "engineer__display_name",
    "engineer__first_name", "engineer__last_name",
)  # fmt: skip


def _board_lines(user: User) -> TicketQuerySet:
    return (
        Ticket.objects.visible_to(user)
        .open()
        .select_related("site", "system", "engineer")
        .only(*_BOARD_FIELDS)
    )


def board(user: User, *, limit: int = BOARD_SIZE) -> QuerySet[Ticket]:
    """Open tickets by next due moment (stopped clocks last), read along the
    (branch, next_due_at, id) partial index."""
    return _board_lines(user).order_by(F("next_due_at").asc(nulls_last=True), "id")[:limit]


#: What a board line shows, read as values: fifty lines of text need no model instances.
BOARD_LINE = (
    "id", "number", "state", "emergency", "paused_since", "next_due_at", "category", "coverage",
    "site__name", "system__name", "engineer_id", "engineer__username", "engineer__display_name",
    "engineer__first_name", "engineer__last_name",
)  # fmt: skip


def board_lines(user: User, state: str = "", *, limit: int = BOARD_SIZE) -> list[dict[str, Any]]:
    """The board's lines (``BOARD_LINE``), cut to one state if given (the board's filter):
    the open tickets ``board`` reads, along the same index, as rows."""
    tickets = Ticket.objects.visible_to(user).open()
    if state:
        tickets = tickets.filter(state=state)
    ordered = tickets.order_by(F("next_due_at").asc(nulls_last=True), "id")
    return list(ordered.values(*BOARD_LINE)[:limit])


def engineer_name(row: dict[str, Any], person: str = "engineer") -> str:
    """A name as ``User.__str__`` gives it, from a row with ``<person>__username`` and the
    other name columns (``engineer__…`` of a board line, ``owner__…`` of a breach)."""
    return str(User(**{name: row[f"{person}__{name}"] for name in _NAME_FIELDS}))


def field_tickets(user: User) -> QuerySet[Ticket]:
    """The engineer's open tickets by next due moment (the phone page)."""
    return (
        visible_tickets(user)
        .open()
        .filter(engineer=user)
        .order_by(F("next_due_at").asc(nulls_last=True), "id")
    )


#: What a clock's summary reads (the API's `clocks`: rule, due, done, status).
CLOCK_SUMMARY = ("id", "rule", "subject_id", "opens_at", "due_at", "done_at", "cancelled_at")


def clocks_of(
    tickets: list[Ticket], *, only: tuple[str, ...] | None = None
) -> dict[int, list[Obligation]]:
    """The clocks (BS-7, BS-8 obligations) of tickets, by ticket id, in rule order; one query.
    `only`: the columns to read (``CLOCK_SUMMARY`` for lists)."""
    rows = Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(Ticket),
        subject_id__in=[ticket.pk for ticket in tickets],
        rule__in=clocks.CLOCK_RULES,
    ).order_by("rule", "id")
    if only is not None:
        rows = rows.only(*only)
    result: dict[int, list[Obligation]] = {ticket.pk: [] for ticket in tickets}
    for row in rows:
        result.setdefault(int(row.subject_id or 0), []).append(row)
    return result


def visible_suspensions(user: User) -> QuerySet[Suspension]:
    return Suspension.objects.visible_to(user).select_related("branch", "declared_by")


def get_site_for(user: User, pk: int) -> Site:
    return Site.objects.visible_to(user).select_related("branch__organisation").get(pk=pk)


def get_system_for(user: User, pk: int) -> System:
    return System.objects.visible_to(user).select_related("site").get(pk=pk)


def get_equipment_for(user: User, pk: int) -> Equipment:
    return Equipment.objects.visible_to(user).select_related("system__site").get(pk=pk)


ON_SITE_SHOWN = 2


@dataclass(frozen=True)
class OnSite:
    """A ticket an engineer is on site for, as "who is where" names it."""

    pk: int
    number: str
    site_name: str


@dataclass(frozen=True)
class WhoIsWhere:
    """A line of the board's "who is where": an engineer (the name shown), the tickets they
    are on site for (the first few), how many they are on site for, and how many wait for them
    (on the way)."""

    engineer: str
    on_site: list[OnSite]
    on_site_count: int
    travelling: int

    @property
    def more_on_site(self) -> int:
        return self.on_site_count - len(self.on_site)


@dataclass(frozen=True)
class BoardSummary:
    """The board's counts: open tickets per state, and who is where."""

    per_state: dict[str, int]
    who: list[WhoIsWhere]

    def open_count(self, state: str = "") -> int:
        """How many open tickets (in `state`) the board would show without its limit."""
        return self.per_state.get(state, 0) if state else sum(self.per_state.values())


_NAME_FIELDS = ("username", "display_name", "first_name", "last_name")


def board_summary(user: User) -> BoardSummary:
    """How many open tickets there are per state, and where the engineers are, in three small
    statements whatever the backlog: the open tickets counted per engineer and state (one
    aggregate over the `ticket_open_state` index, no join), the names of the engineers found,
    and the first tickets each is on site for (a window per engineer over the same index).
    Names are read apart: grouping the counts by them cost more than the counting."""
    open_tickets = Ticket.objects.visible_to(user).open()
    per_state: dict[str, int] = {}
    by_engineer: dict[int, dict[str, int]] = {}
    for engineer_id, state, count in (
        open_tickets.order_by().values_list("engineer_id", "state").annotate(n=Count("id"))
    ):
        per_state[state] = per_state.get(state, 0) + count
        if engineer_id is not None:
            by_engineer.setdefault(engineer_id, {})[state] = count
    if not by_engineer:
        return BoardSummary(per_state, [])
    names = {
        engineer.pk: str(engineer)
        for engineer in User.objects.filter(pk__in=list(by_engineer)).only(*_NAME_FIELDS)
    }
    on_site: dict[int, list[OnSite]] = {}
    first = Window(RowNumber(), partition_by=F("engineer_id"), order_by=[F("arrived_at"), F("id")])
    first_ids = (
        open_tickets.filter(state=Ticket.State.ON_SITE, engineer__isnull=False)
        .order_by()
        .annotate(place=first)
        .filter(place__lte=ON_SITE_SHOWN)
        .values("id")
    )
    for pk, number, engineer_id, site_name in (
        Ticket.objects.filter(pk__in=first_ids)
        .order_by("engineer_id", "arrived_at", "id")
        .values_list("id", "number", "engineer_id", "site__name")
    ):
        on_site.setdefault(engineer_id, []).append(OnSite(pk, number, site_name))
    lines = [
        WhoIsWhere(
            names.get(engineer_id, ""),
            on_site.get(engineer_id, []),
            counts.get(Ticket.State.ON_SITE, 0),
            counts.get(Ticket.State.DISPATCHED, 0),
        )
        for engineer_id, counts in by_engineer.items()
    ]
    return BoardSummary(per_state, sorted(lines, key=lambda line: line.engineer))


def who_is_where(user: User) -> list[WhoIsWhere]:
    """Engineers with open tickets: where they are and how many wait for them."""
    return board_summary(user).who


#: What a breach line shows, read as values: its ticket, its title (``obligations.texts``
#: words it from the key and data), its due moment and its owner's name.
BREACH_LINE = (
    "id", "subject_id", "due_at", "title", "title_key", "title_params", "owner_id",
    *(f"owner__{name}" for name in _NAME_FIELDS),
)  # fmt: skip


def breaches(user: User, now: datetime, *, limit: int = 20) -> QuerySet[Obligation, dict[str, Any]]:
    """Pending clocks past their due moment (``BREACH_LINE`` rows), of tickets the user may
    read: a clock belongs to its ticket's branch, so the tickets' scope is the clocks' branch
    (no join to tickets)."""
    Ticket.objects.visible_to(user)  # 403 without the right to read tickets
    overdue = Obligation.objects.overdue(now).filter(
        subject_type=ContentType.objects.get_for_model(Ticket), rule__in=clocks.CLOCK_RULES
    )
    rows: QuerySet[Obligation, dict[str, Any]] = (
        scoped(overdue, user).order_by("due_at").values(*BREACH_LINE)
    )
    return rows[:limit]


#: How long the board lists actions refused after an offline phone sent them.
CONFLICTS_SHOWN = timedelta(days=7)


def recent_field_conflicts(
    user: User, now: datetime, *, limit: int = 10
) -> QuerySet[FieldConflict]:
    """Actions queued offline on a phone and refused because the ticket changed meanwhile, of
    tickets the user may read, the newest first (the board's list; the ticket page has all)."""
    conflicts = restrict(
        FieldConflict.objects.filter(received_at__gte=now - CONFLICTS_SHOWN),
        user,
        "servicedesk.view_ticket",
        branch_field="ticket__branch",
        customer_field="ticket__site__customer",
    )  # Ticket.visible_to's scope, read through the conflict's ticket
    return (
        conflicts.select_related("ticket", "engineer")
        .only(
            "ticket_id",
            "action",
            "at",
            "reason",
            "ticket__number",
            *(f"engineer__{name}" for name in _NAME_FIELDS),
        )  # fmt: skip
        .order_by("-received_at", "-id")[:limit]
    )


# -- reads of the hotline pages (views.py) ------------------------------------------------------


def open_count(user: User, state: str = "") -> int:
    """How many open tickets the board would show without its limit (a count of the partial
    index `ticket_open_due`)."""
    tickets = Ticket.objects.visible_to(user).open()
    return (tickets.filter(state=state) if state else tickets).count()


def open_tickets_of_equipment(user: User, equipment: Equipment) -> QuerySet[Ticket]:
    """Open tickets of an item (the call form opened from its QR label shows them, so a fault
    already reported is not reported twice)."""
    return visible_tickets(user).open().filter(equipment=equipment).order_by("reported_at", "id")


def events_of(ticket: Ticket) -> QuerySet[Any]:
    """The ticket's event log in order, with who recorded each line."""
    return ticket.events.select_related("by").order_by("at", "id")


def dispatchable_engineers(ticket: Ticket) -> QuerySet[User]:
    """Active staff of the ticket's branch who may work tickets (the dispatch form's choices;
    the action checks the one chosen again)."""
    from django.db.models import Q

    may_work = Q(
        groups__permissions__codename="work_ticket",
        groups__permissions__content_type__app_label="servicedesk",
    ) | Q(
        user_permissions__codename="work_ticket",
        user_permissions__content_type__app_label="servicedesk",
    )
    return (
        User.objects.filter(may_work, is_active=True, branch_id=ticket.branch_id)
        .distinct()
        .order_by("username", "id")
    )
