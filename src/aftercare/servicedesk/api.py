"""API of the hotline (BS-7, BS-8, BS-13): tickets, their clocks, and suspensions."""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import BeforeValidator, WithJsonSchema

from aftercare import apps as aftercare_apps
from aftercare.apischema import BoundedPagination, Id, Input, Moment, Number, responses
from aftercare.contracts.choices import CoverageKind, FaultCategory
from aftercare.errors import Errors, InvalidInput
from aftercare.org.http import StaffRequest
from aftercare.org.models import Branch, User
from aftercare.servicedesk import actions, fieldsync, queries
from aftercare.servicedesk.choices import FieldAction, PauseReason, SuspensionReason, TicketState
from aftercare.servicedesk.models import Suspension, Ticket
from aftercare.sites.models import Equipment, System

router = Router(tags=["hotline"])

#: The standard's own word for a software fault; the contracts' code is `software_fault`.
CATEGORY_ALIASES = {"software": FaultCategory.SOFTWARE_FAULT.value}


def _category_alias(value: Any) -> Any:
    return CATEGORY_ALIASES.get(value, value) if isinstance(value, str) else value


CategoryIn = Annotated[
    FaultCategory,
    BeforeValidator(_category_alias),
    WithJsonSchema({"type": "string", "enum": [*FaultCategory.values, *CATEGORY_ALIASES]}),
]


class TicketIn(Input):
    site_id: Id
    system_id: Id | None = Field(None, description="May be left out when equipment_id is given.")
    equipment_id: Id | None = None
    reported_at: Moment | None = Field(None, description="Default: now.")
    caller_name: str = Field(..., min_length=1, max_length=100)
    caller_phone: str = Field("", max_length=40)
    category: CategoryIn = Field(..., description='"software" is taken as "software_fault".')
    emergency: bool = False
    description: str = Field(..., min_length=1, max_length=5000)


class ClockOut(Schema):
    rule: str
    due_at: datetime | None = Field(..., description="None while the ticket is paused.")
    done_at: datetime | None
    status: str


class TicketOut(Schema):
    id: int
    number: str
    branch_id: int
    site_id: int
    system_id: int | None
    equipment_id: int | None
    reported_at: datetime
    caller_name: str
    caller_phone: str
    category: FaultCategory
    emergency: bool
    description: str
    state: TicketState
    coverage: CoverageKind
    contract_id: int | None
    calendar_id: int
    engineer_id: int | None
    paused_since: datetime | None
    pause_reason: str
    arrived_at: datetime | None
    resolved_at: datetime | None
    clocks: list[ClockOut]


def _out(ticket: Ticket, clock_rows: list[Any] | None = None) -> dict[str, Any]:
    if clock_rows is None:
        clock_rows = queries.clocks_of([ticket])[ticket.pk]
    return {
        **{
            field: getattr(ticket, field)
            for field in (
                "number",
                "branch_id",
                "site_id",
                "system_id",
                "equipment_id",
                "reported_at",
                "caller_name",
                "caller_phone",
                "category",
                "emergency",
                "description",
                "state",
                "coverage",
                "contract_id",
                "calendar_id",
                "engineer_id",
                "paused_since",
                "pause_reason",
                "arrived_at",
                "resolved_at",
            )
        },  # fmt: skip
        "id": ticket.pk,
        "clocks": [
            {
                "rule": row.rule,
                "due_at": None if row.clock_stopped else row.due_at,
                "done_at": row.done_at,
                "status": row.status_at(),
            }
            for row in clock_rows
        ],
    }


def _ticket(request: StaffRequest, pk: int) -> Ticket:
    return queries.get_ticket_for(request.user, pk)


@router.post("/tickets", response=responses({201: TicketOut}, 404, 409))
def report(request: StaffRequest, payload: TicketIn) -> Status[dict[str, Any]]:
    """Take a call: the ticket is a line of the hotline register (`<branch>-H-<year>-<n>`);
    its clocks run on the covering contract's calendar and targets, else the organisation's."""
    user = request.user
    site = queries.get_site_for(user, payload.site_id)
    errors = Errors()
    system: System | None = None
    equipment: Equipment | None = None
    if payload.system_id is not None:
        system = System.objects.visible_to(user).filter(pk=payload.system_id).first()
        if system is None:
            errors.add("system_id", _("Choose a system of the site."))
    if payload.equipment_id is not None:
        equipment = (
            Equipment.objects.visible_to(user)
            .select_related("system")
            .filter(pk=payload.equipment_id)
            .first()
        )
        if equipment is None:
            errors.add("equipment_id", _("Choose an equipment item of the site."))
    errors.raise_if_any(_("The call cannot be recorded."))
    ticket = actions.report(
        by=user, site=site, system=system, equipment=equipment,
        caller_name=payload.caller_name, caller_phone=payload.caller_phone,
        category=payload.category, emergency=payload.emergency,
        description=payload.description, reported_at=payload.reported_at,
    )  # fmt: skip
    return Status(201, _out(ticket))


@router.get("/tickets", response=responses({200: list[TicketOut]}))
@paginate(BoundedPagination)
def list_tickets(
    request: StaffRequest, state: TicketState | None = None, open: bool | None = None
) -> Any:
    """Tickets the user may read, newest report first; `open=true` for unresolved ones."""
    tickets = Ticket.objects.visible_to(request.user)  # the answer reads no related row
    if state is not None:
        tickets = tickets.filter(state=state)
    if open is True:
        tickets = tickets.open()
    elif open is False:
        tickets = tickets.filter(state=TicketState.RESOLVED)
    return _Page(tickets)


class _Page:
    """A lazily sliced ticket list whose slices come out with their clocks (one query)."""

    def __init__(self, tickets: QuerySet[Ticket]) -> None:
        self.tickets = tickets

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        rows = list(self.tickets[item])
        clock_rows = queries.clocks_of(rows, only=queries.CLOCK_SUMMARY)
        return [_out(ticket, clock_rows[ticket.pk]) for ticket in rows]

    def count(self) -> int:
        return self.tickets.count()

    def __len__(self) -> int:
        return self.count()


@router.get("/tickets/{ticket_id}", response=responses({200: TicketOut}, 404))
def get_ticket(request: StaffRequest, ticket_id: Id) -> dict[str, Any]:
    return _out(_ticket(request, ticket_id))


class TicketChangeIn(Input):
    category: CategoryIn | None = None
    emergency: bool | None = None
    at: Moment | None = None


@router.patch("/tickets/{ticket_id}", response=responses({200: TicketOut}, 404, 409))
def change_ticket(request: StaffRequest, ticket_id: Id, payload: TicketChangeIn) -> dict[str, Any]:
    """Correct the category or emergency flag; the clocks are read again from the whole log,
    so paused time stays paused."""
    ticket = actions.change(
        _ticket(request, ticket_id), by=request.user, category=payload.category,
        emergency=payload.emergency, at=payload.at,
    )  # fmt: skip
    return _out(ticket)


class DispatchIn(Input):
    engineer_id: Id
    at: Moment | None = None


@router.post("/tickets/{ticket_id}/dispatch", response=responses({200: TicketOut}, 404, 409))
def dispatch(request: StaffRequest, ticket_id: Id, payload: DispatchIn) -> dict[str, Any]:
    ticket = _ticket(request, ticket_id)
    engineer = User.objects.filter(
        pk=payload.engineer_id, organisation_id=ticket.branch.organisation_id
    ).first()
    if engineer is None:
        message = _("Choose an active field engineer of the ticket's branch.")
        raise InvalidInput(message, fields={"engineer_id": [message]})
    return _out(actions.dispatch(ticket, engineer=engineer, by=request.user, at=payload.at))


IdempotencyKey = Annotated[
    UUID | None,
    # Absent or a UUID: an optional header is never sent as JSON's null.
    WithJsonSchema({"type": "string", "format": "uuid"}),
    Header(
        None,
        alias="Idempotency-Key",
        description="A UUID chosen by the client for this one action (the phone's offline "
        "queue sends one). The same key again answers the first answer and changes nothing; "
        "the same key with another request is a 409.",
    ),
]


def _field_action(
    request: StaffRequest,
    ticket: Ticket,
    action: FieldAction,
    payload: Input,
    key: UUID | None,
    run: Callable[[], Mapping[str, Any]],
) -> Status[dict[str, Any]]:
    """Run an engineer's action; with an idempotency key, once (``servicedesk.fieldsync``)."""
    if key is None:
        return Status(200, dict(run()))
    answer = fieldsync.once(
        key, by=request.user, ticket=ticket, action=action,
        fingerprint=fieldsync.digest(payload.model_dump(mode="json")),
        at=getattr(payload, "at", None), run=run,
    )  # fmt: skip
    return Status(answer.status, answer.body)


class ArrivalIn(Input):
    at: Moment | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


@router.post("/tickets/{ticket_id}/arrival", response=responses({200: TicketOut}, 404, 409))
def arrival(
    request: StaffRequest,
    ticket_id: Id,
    payload: ArrivalIn,
    idempotency_key: IdempotencyKey = None,
) -> Status[dict[str, Any]]:
    """The engineer is on site at `at` (BS-7 met then)."""
    ticket = _ticket(request, ticket_id)

    def run() -> dict[str, Any]:
        return _out(
            actions.arrive(
                ticket,
                by=request.user,
                at=payload.at,
                latitude=payload.latitude,
                longitude=payload.longitude,
            )  # fmt: skip
        )

    return _field_action(request, ticket, FieldAction.ARRIVAL, payload, idempotency_key, run)


class PauseIn(Input):
    at: Moment | None = None
    reason: PauseReason


@router.post("/tickets/{ticket_id}/pause", response=responses({200: TicketOut}, 404, 409))
def pause(
    request: StaffRequest,
    ticket_id: Id,
    payload: PauseIn,
    idempotency_key: IdempotencyKey = None,
) -> Status[dict[str, Any]]:
    ticket = _ticket(request, ticket_id)

    def run() -> dict[str, Any]:
        return _out(actions.pause(ticket, by=request.user, reason=payload.reason, at=payload.at))

    return _field_action(request, ticket, FieldAction.PAUSE, payload, idempotency_key, run)


class ResumeIn(Input):
    at: Moment | None = None


@router.post("/tickets/{ticket_id}/resume", response=responses({200: TicketOut}, 404, 409))
def resume(
    request: StaffRequest,
    ticket_id: Id,
    payload: ResumeIn,
    idempotency_key: IdempotencyKey = None,
) -> Status[dict[str, Any]]:
    ticket = _ticket(request, ticket_id)

    def run() -> dict[str, Any]:
        return _out(actions.resume(ticket, by=request.user, at=payload.at))

    return _field_action(request, ticket, FieldAction.RESUME, payload, idempotency_key, run)


class PartUsedIn(Input):
    part_id: Id | None = Field(None, description="The part; or its catalogue code, part_code.")
    part_code: str = Field(
        "", max_length=40, description="The part's catalogue code, when part_id is not given."
    )
    quantity: Number = Field(..., description="In the part's unit: whole for pieces.")
    equipment_id: Id | None = Field(None, description="The item the part was fitted to.")
    serial: str = Field("", max_length=100)


class ResolveIn(Input):
    at: Moment | None = None
    work_done: str = Field(..., min_length=1, max_length=5000)
    cause: str = Field("", max_length=2000)
    labour_minutes: int = Field(..., ge=0, le=100_000)
    signed_by: str = Field(..., min_length=1, max_length=100)
    signature_png: str = Field(
        ..., min_length=1, max_length=800_000, description="The owner's signature, PNG, base64."
    )
    parts: list[PartUsedIn] = Field(
        default_factory=list, max_length=100, description="Parts used: issued and installed."
    )


def _parts(ticket: Ticket, lines: list[PartUsedIn]) -> list[dict[str, Any]]:
    """The lines as the action takes them; a part named by its code (the phone's form) is
    looked up by the app keeping the parts (a code not found leaves the line without a part,
    which the resolve step refuses, naming the line)."""
    codes = [line.part_code.strip() for line in lines if line.part_id is None and line.part_code]
    ids = aftercare_apps.part_ids(ticket, codes) if codes else {}
    parts = []
    for line in lines:
        row = line.model_dump(exclude={"part_code"})
        if line.part_id is None:
            row["part_id"] = ids.get(line.part_code.strip())
        parts.append(row)
    return parts


@router.post("/tickets/{ticket_id}/resolve", response=responses({200: TicketOut}, 404, 409))
def resolve(
    request: StaffRequest,
    ticket_id: Id,
    payload: ResolveIn,
    idempotency_key: IdempotencyKey = None,
) -> Status[dict[str, Any]]:
    """Resolve with the visit report and the owner's signature; the fix clock is met."""
    ticket = _ticket(request, ticket_id)

    def run() -> dict[str, Any]:
        return _out(
            actions.resolve(
                ticket,
                by=request.user,
                at=payload.at,
                work_done=payload.work_done,
                cause=payload.cause,
                labour_minutes=payload.labour_minutes,
                signed_by=payload.signed_by,
                signature_png=payload.signature_png,
                parts=_parts(ticket, payload.parts),
            )  # fmt: skip
        )

    return _field_action(request, ticket, FieldAction.RESOLVE, payload, idempotency_key, run)


# -- suspensions --------------------------------------------------------------------------------


class SuspensionIn(Input):
    branch_id: Id
    starts_at: Moment
    ends_at: Moment | None = None
    reason: SuspensionReason
    note: str = Field("", max_length=300)


class SuspensionOut(Schema):
    id: int
    branch_id: int
    starts_at: datetime
    ends_at: datetime | None
    reason: SuspensionReason
    note: str


@router.post("/suspensions", response=responses({201: SuspensionOut}, 404))
def declare_suspension(request: StaffRequest, payload: SuspensionIn) -> Status[Suspension]:
    """Stop the service clocks of a branch (typhoon signal No. 8, black rainstorm, other)."""
    user = request.user
    # Another organisation's branch is missing (404), like every record outside the scope.
    branch = Branch.objects.get(pk=payload.branch_id, organisation_id=user.organisation_id or 0)
    row = actions.declare_suspension(
        by=user, branch=branch, reason=payload.reason, starts_at=payload.starts_at,
        ends_at=payload.ends_at, note=payload.note,
    )  # fmt: skip
    return Status(201, row)


@router.get("/suspensions", response=responses({200: list[SuspensionOut]}))
@paginate(BoundedPagination)
def list_suspensions(request: StaffRequest) -> QuerySet[Suspension]:
    return queries.visible_suspensions(request.user)


class SuspensionEndIn(Input):
    ends_at: Moment


@router.post("/suspensions/{suspension_id}/end", response=responses({200: SuspensionOut}, 404, 409))
def end_suspension(
    request: StaffRequest, suspension_id: Id, payload: SuspensionEndIn
) -> Suspension:
    """Give an open suspension its end (the only change a suspension takes)."""
    suspension = queries.visible_suspensions(request.user).get(pk=suspension_id)
    return actions.end_suspension(suspension, by=request.user, ends_at=payload.ends_at)
