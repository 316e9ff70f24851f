"""Pages of the hotline (thin: reads from ``queries``, writes through ``actions``): the
supervisor's board, the call form, a ticket with its clocks explained, the engineer's phone
pages (arrive, pause, resume, resolve with the owner's drawn signature), the visit report PDF,
suspensions and the organisation's hotline settings."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftercare import apps as aftercare_apps
from aftercare.contracts.choices import CoverageKind, FaultCategory
from aftercare.contracts.queries import visible_calendars
from aftercare.errors import DomainError, NotAllowed
from aftercare.formfields import local_now, refused_on_form, show_domain_error, user_tz
from aftercare.obligations import texts as obligation_texts
from aftercare.org.access import scoped
from aftercare.org.http import StaffRequest
from aftercare.org.models import Branch, User
from aftercare.paperwork.rendering import PDF_TYPE
from aftercare.paperwork.rendering import download as file_download
from aftercare.servicedesk import (
    actions,
    clocks,
    fieldworker,
    queries,
    settings_actions,
    visit_report,
)
from aftercare.servicedesk.choices import EventKind, FieldAction, PauseReason, TicketState
from aftercare.servicedesk.explanations import Step, explain, length_text, stop_reason_text
from aftercare.servicedesk.forms import (
    PART_LINES,
    ArriveForm,
    BoardFilterForm,
    ChangeForm,
    DispatchForm,
    EndSuspensionForm,
    PartLineForm,
    PauseForm,
    ResolveForm,
    SettingsForm,
    SuspensionForm,
    TicketForm,
)
from aftercare.servicedesk.models import Suspension, Ticket, TicketEvent
from aftercare.sites.models import Equipment, Site, System

VIEW = "servicedesk.view_ticket"
ADD = "servicedesk.add_ticket"
DISPATCH = "servicedesk.dispatch_ticket"
WORK = "servicedesk.work_ticket"
DOCUMENTS = "documents.view_documentversion"


def _found(lookup: Any, *args: Any) -> Any:
    try:
        return lookup(*args)
    except ObjectDoesNotExist:
        raise Http404 from None


def _ticket(request: StaffRequest, pk: int) -> Ticket:
    ticket: Ticket = _found(queries.get_ticket_for, request.user, pk)
    return ticket


def _id(raw: str | None) -> int | None:
    """A prefill id from the query string (?equipment=12), or None when absent or not a number."""
    if raw and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return None


# -- the clocks, explained ----------------------------------------------------------------------


@dataclass(frozen=True)
class ClockRow:
    """A clock of a ticket as the pages show it."""

    rule: str
    label: str
    target: str
    due_at: datetime | None
    stopped: bool
    done_at: datetime | None
    status: str
    status_label: str
    overdue: bool
    cancelled_reason: str
    steps: list[Step]


def clock_rows(ticket: Ticket, now: datetime) -> list[ClockRow]:
    """Each current clock of the ticket with its due moment and how it was counted. The
    explanation is read from the whole log now; a met clock keeps the moment it had when met,
    so its explanation is shown only while the two agree."""
    readings = clocks.readings_of(ticket)
    tz = ticket.branch.organisation.tz
    rows = []
    for obligation in visit_report.current_clocks(queries.clocks_of([ticket])[ticket.pk]):
        reading = readings.clocks.get(obligation.rule)
        minutes = (
            ticket.arrival_minutes if obligation.rule == clocks.ARRIVAL else ticket.fix_minutes
        )
        status = obligation.status_at(now)
        steps: list[Step] = []
        if reading is not None and (obligation.is_pending or reading.due_at == obligation.due_at):
            steps = explain(ticket.reported_at, reading, readings.stops, tz, readings.hours)
        rows.append(
            ClockRow(
                rule=obligation.rule,
                label=visit_report.clock_label(obligation.rule),
                target=length_text(minutes) if minutes is not None else "—",
                due_at=None if obligation.clock_stopped else obligation.due_at,
                stopped=obligation.clock_stopped and obligation.is_pending,
                done_at=obligation.done_at,
                status=status,
                status_label=str(obligation.status_label),
                overdue=status == "overdue",
                cancelled_reason=obligation.cancel_reason_text if obligation.cancelled_at else "",
                steps=steps,
            )
        )
    return rows


@dataclass(frozen=True)
class EventRow:
    event: TicketEvent
    label: str
    detail: str


def _event_rows(ticket: Ticket) -> list[EventRow]:
    events = list(queries.events_of(ticket))
    people_ids = {
        value
        for event in events
        for key in ("engineer_id", "previous_engineer_id")
        if isinstance(value := event.data.get(key), int)
    }
    people = {user.pk: str(user) for user in User.objects.filter(pk__in=people_ids)}
    rows = []
    for event in events:
        data = event.data or {}
        detail = ""
        if event.kind == EventKind.DISPATCHED:
            detail = people.get(data.get("engineer_id") or 0, "")
        elif event.kind == EventKind.PAUSED:
            detail = stop_reason_text(str(data.get("reason", "")))
        elif event.kind == EventKind.CATEGORY_CHANGED:
            detail = f"{_category(data.get('old'))} → {_category(data.get('new'))}"
        elif event.kind == EventKind.EMERGENCY_CHANGED:
            detail = _("emergency") if data.get("new") else _("not an emergency")
        elif event.kind == EventKind.ARRIVED and data.get("latitude"):
            detail = f"{data['latitude']}, {data['longitude']}"
        elif event.kind == EventKind.RESOLVED and data.get("labour_minutes") is not None:
            detail = _("labour %(m)s min") % {"m": data["labour_minutes"]}
        elif event.kind == EventKind.REPORTED:
            detail = _category(data.get("category"))
            if data.get("emergency"):
                detail = f"{detail} · {_('emergency')}"
        rows.append(EventRow(event, str(event.get_kind_display()), detail))
    return rows


def _category(code: Any) -> str:
    return str(FaultCategory(code).label) if code in FaultCategory.values else str(code or "")


# -- the board ------------------------------------------------------------------------------------


def _url_pattern(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks: reversed once, then filled in (a reverse
    costs tens of microseconds, and a board has fifty links)."""
    marker = 2_147_483_647
    pattern = reverse(name, args=[marker])
    return lambda pk: pattern.replace(str(marker), str(pk))


_STATE_BADGE = {TicketState.ON_SITE: "info", TicketState.DISPATCHED: "primary"}

_BOARD_ROW = (
    '<tr data-ticket="{pk}"><td class="text-nowrap"><a href="{url}">{number}</a></td>'
    "<td>{site}</td><td>{system}</td><td>{category}</td>"
    '<td><span class="badge text-bg-{badge}" data-state="{state}">{state_label}</span>'
    "{emergency}{paused}</td><td>{engineer}</td>"
    '<td class="text-nowrap">{due}</td><td>{coverage}</td></tr>'
)


def board_rows(lines: list[dict[str, Any]], now: datetime) -> list[SafeString]:
    """The board's rows (``queries.board_lines``) as HTML, in the reader's language and time
    zone (both active for the request). Built here rather than in the template: fifty rows of
    template lookups, choice labels and date filters took 5–8 ms of a board request. What
    users typed is escaped once per value (``html.escape``, what Django's ``escape`` calls),
    labels and the zone once per request; the rest is markup of our own."""
    escape = html.escape

    def labels(choices: Any) -> dict[str, str]:
        return {value: escape(str(label)) for value, label in choices}

    categories = labels(FaultCategory.choices)
    states = labels(TicketState.choices)
    coverages = labels(CoverageKind.choices)
    emergency = format_html(
        ' <span class="badge text-bg-danger" data-emergency>{}</span>', _("Emergency")
    )
    paused_badge = format_html(
        ' <span class="badge text-bg-warning" data-paused>{}</span>', _("Paused")
    )
    nobody = format_html('<span class="text-secondary">{}</span>', _("not dispatched"))
    paused_due = format_html('<span class="text-warning-emphasis">{}</span>', _("paused"))
    stopped = format_html('<span class="text-secondary">{}</span>', _("stopped"))
    overdue = escape(f" · {_('overdue')}")
    zone = timezone.get_current_timezone()
    url_of = _url_pattern("servicedesk:ticket")
    engineers: dict[int, str] = {}
    rows = []
    for line in lines:
        due = line["next_due_at"]
        due_html: str
        if line["paused_since"] is not None:
            due_html = paused_due
        elif due is None:
            due_html = stopped
        else:
            local = due.astimezone(zone)
            late = due < now
            due_html = (
                f'<span class="{"text-danger fw-semibold" if late else ""}">'
                f'<time datetime="{local.isoformat()}">{local.strftime("%Y-%m-%d %H:%M")}</time>'
                f"{overdue if late else ''}</span>"
            )
        engineer: str = nobody
        if (engineer_id := line["engineer_id"]) is not None:
            if engineer_id not in engineers:
                name = escape(queries.engineer_name(line))
                engineers[engineer_id] = f'<span translate="no">{name}</span>'
            engineer = engineers[engineer_id]
        state, system = line["state"], line["system__name"]
        rows.append(
            mark_safe(  # noqa: S308 - every value above is escaped or markup of our own
                _BOARD_ROW.format(
                    pk=line["id"],
                    url=escape(url_of(line["id"])),
                    number=escape(line["number"]),
                    site=escape(line["site__name"]),
                    system=escape(system) if system is not None else "—",
                    category=categories.get(line["category"]) or escape(line["category"]),
                    badge=_STATE_BADGE.get(state, "secondary"),
                    state=escape(state),
                    state_label=states.get(state) or escape(state),
                    emergency=emergency if line["emergency"] else "",
                    paused=paused_badge if line["paused_since"] is not None else "",
                    engineer=engineer,
                    due=due_html,
                    coverage=coverages.get(line["coverage"]) or escape(line["coverage"]),
                )
            )
        )
    return rows


@dataclass(frozen=True)
class BreachLine:
    """A clock past its due moment as the board lists it."""

    url: str
    title: str
    due: str
    owner: str


def breach_lines(rows: Iterable[dict[str, Any]]) -> list[BreachLine]:
    """The breaches (``queries.breaches`` rows) with their ticket links (reversed once), titles
    in the reader's language and local due moments."""
    url_of = _url_pattern("servicedesk:ticket")
    zone = timezone.get_current_timezone()
    owners: dict[int, str] = {}
    lines = []
    for row in rows:
        if (owner := owners.get(row["owner_id"])) is None:
            owner = owners[row["owner_id"]] = queries.engineer_name(row, "owner")
        lines.append(
            BreachLine(
                url=url_of(int(row["subject_id"] or 0)),
                title=obligation_texts.render(row["title_key"], row["title_params"], row["title"]),
                due=row["due_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                owner=owner,
            )
        )
    return lines


@dataclass(frozen=True)
class WhoLine:
    """A line of "who is where" as the board shows it: the engineer, the tickets they are on
    site for (link, number, site), and the two counts worded."""

    engineer: str
    on_site: list[tuple[str, str, str]]
    more_on_site: str
    travelling: str


def who_lines(who: list[queries.WhoIsWhere]) -> list[WhoLine]:
    """The board's "who is where" with its links reversed once and its counts worded here (the
    template's two plural blocktranslates and two links a line took 3 ms of a board)."""
    url_of = _url_pattern("servicedesk:ticket")
    lines = []
    for line in who:
        more, travelling = line.more_on_site, line.travelling
        more_text = travelling_text = ""
        if more:
            more_text = ngettext(
                "and %(n)s more ticket on site", "and %(n)s more tickets on site", more
            ) % {"n": more}
        if travelling:
            travelling_text = ngettext(
                "%(n)s ticket dispatched", "%(n)s tickets dispatched", travelling
            ) % {"n": travelling}
        on_site = [(url_of(ticket.pk), ticket.number, ticket.site_name) for ticket in line.on_site]
        lines.append(WhoLine(line.engineer, on_site, more_text, travelling_text))
    return lines


@login_required
@permission_required(VIEW, raise_exception=True)
def board(request: StaffRequest) -> HttpResponse:
    """Open tickets by next due moment, the breaches, and who is where."""
    user = request.user
    now = timezone.now()
    form = BoardFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    summary = queries.board_summary(user)
    context = {
        "rows": board_rows(queries.board_lines(user, state), now),
        "open_count": summary.open_count(state),
        "filter": form,
        "now": now,
        "breaches": breach_lines(queries.breaches(user, now)),
        "who": who_lines(summary.who),
        "conflicts": list(queries.recent_field_conflicts(user, now)),
        "can_add": user.has_perm(ADD),
        "can_manage": user.has_perm("servicedesk.change_hotlinesettings"),
    }
    return render(request, "servicedesk/board.html", context)


# -- the call -------------------------------------------------------------------------------------


def _prefill(request: StaffRequest) -> tuple[dict[str, Any], Site | None, Equipment | None]:
    """?equipment= (its system and site; what the QR label's page links to), ?system=, ?site=."""
    user = request.user
    initial: dict[str, Any] = {}
    site: Site | None = None
    equipment: Equipment | None = None
    if (equipment_id := _id(request.GET.get("equipment"))) is not None:
        equipment = _found(queries.get_equipment_for, user, equipment_id)
        assert equipment is not None
        site = equipment.system.site
        initial.update(equipment=equipment, system=equipment.system, site=site)
    elif (system_id := _id(request.GET.get("system"))) is not None:
        system: System = _found(queries.get_system_for, user, system_id)
        site = system.site
        initial.update(system=system, site=site)
    elif (site_id := _id(request.GET.get("site"))) is not None:
        site = _found(queries.get_site_for, user, site_id)
        initial.update(site=site)
    return initial, site, equipment


def _ticket_form(
    request: StaffRequest, site: Site | None, data: Any = None, **kw: Any
) -> TicketForm:
    user = request.user
    systems = (
        System.objects.visible_to(user).select_related("site").order_by("site__name", "name", "id")
    )
    if site is not None and data is None:
        systems = systems.filter(site=site)
    return TicketForm(
        data,
        tz=user_tz(user),
        sites=Site.objects.visible_to(user).order_by("name", "id"),
        systems=systems,
        equipment=Equipment.objects.visible_to(user).select_related("system"),
        **kw,
    )


@login_required
@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def new_ticket(request: StaffRequest) -> HttpResponse:
    """Take a call; opened from an item's QR label page with ?equipment= it comes prefilled and
    lists the item's open tickets, so a fault already reported is not reported twice."""
    user = request.user
    if request.method == "POST":
        form = _ticket_form(request, None, request.POST)
        equipment = None
        if form.is_valid():
            data = form.cleaned_data
            equipment = data["equipment"]
            try:
                ticket = actions.report(
                    by=user, site=data["site"], system=data["system"], equipment=equipment,
                    caller_name=data["caller_name"], caller_phone=data["caller_phone"],
                    category=data["category"], emergency=data["emergency"],
                    description=data["description"], reported_at=data["reported_at"],
                )  # fmt: skip
            except NotAllowed:
                raise
            except DomainError as error:
                show_domain_error(
                    form,
                    error,
                    aliases={
                        "site_id": "site",
                        "system_id": "system",
                        "equipment_id": "system",
                    },
                )
            else:
                messages.success(
                    request, _("Ticket %(number)s recorded.") % {"number": ticket.number}
                )
                return redirect("servicedesk:ticket", pk=ticket.pk)
        return _new_page(request, form, equipment, status=422)
    initial, site, equipment = _prefill(request)
    initial["reported_at"] = local_now(user_tz(user))
    form = _ticket_form(request, site, initial=initial)
    return _new_page(request, form, equipment)


def _new_page(
    request: StaffRequest, form: TicketForm, equipment: Equipment | None, status: int = 200
) -> HttpResponse:
    open_tickets = (
        list(queries.open_tickets_of_equipment(request.user, equipment)) if equipment else []
    )
    context = {"form": form, "equipment": equipment, "open_tickets": open_tickets}
    return render(request, "servicedesk/new.html", context, status=status)


# -- one ticket -----------------------------------------------------------------------------------


def _documents(request: StaffRequest, ticket: Ticket) -> list[Any] | None:
    """The handover documents of the ticket's system (BS-14), for those who may read them."""
    from aftercare.documents.queries import visible_documents

    if ticket.system is None or not request.user.has_perm(DOCUMENTS):
        return None
    return list(
        visible_documents(request.user)
        .filter(system=ticket.system)
        .order_by("kind", "title", "-version", "-id")
    )


def _ticket_page(
    request: StaffRequest,
    ticket: Ticket,
    *,
    dispatch_form: DispatchForm | None = None,
    change_form: ChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_manage = ticket.is_open and user.has_perm(DISPATCH)
    contract = ticket.contract
    context: dict[str, Any] = {
        "ticket": ticket,
        "clocks": clock_rows(ticket, timezone.now()),
        "events": _event_rows(ticket),
        "contract": contract,
        "escalation": list(contract.escalation.select_related("user")) if contract else [],
        "notices": list(ticket.escalations.select_related("user")),
        "documents": _documents(request, ticket),
        "can_manage": can_manage,
        "can_work": ticket.is_open and user.has_perm(WORK),
        # Parts used and the billing decision, from the apps above the hotline.
        "sections": aftercare_apps.ticket_sections(request, ticket),
        # Actions queued offline on a phone and refused because the ticket changed meanwhile.
        "conflicts": list(ticket.field_conflicts.select_related("engineer")),
    }
    if can_manage:
        context["dispatch_form"] = dispatch_form or DispatchForm(
            engineers=queries.dispatchable_engineers(ticket),
            initial={"engineer": ticket.engineer_id},
        )
        context["change_form"] = change_form or ChangeForm(
            initial={"category": ticket.category, "emergency": ticket.emergency}
        )
    return render(request, "servicedesk/ticket.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def ticket(request: StaffRequest, pk: int) -> HttpResponse:
    return _ticket_page(request, _ticket(request, pk))


@login_required
@permission_required(DISPATCH, raise_exception=True)
@require_POST
def dispatch(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    form = DispatchForm(request.POST, engineers=queries.dispatchable_engineers(ticket))
    status = 422
    if form.is_valid():
        try:
            actions.dispatch(ticket, engineer=form.cleaned_data["engineer"], by=request.user)
        except DomainError as error:
            status = refused_on_form(form, error, engineer_id="engineer")
        else:
            messages.success(request, _("Engineer dispatched."))
            return redirect("servicedesk:ticket", pk=ticket.pk)
    return _ticket_page(request, _ticket(request, pk), dispatch_form=form, status=status)


@login_required
@permission_required(DISPATCH, raise_exception=True)
@require_POST
def change(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    form = ChangeForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.change(
                ticket, by=request.user, category=form.cleaned_data["category"],
                emergency=form.cleaned_data["emergency"],
            )  # fmt: skip
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            messages.success(request, _("Ticket changed; its clocks were read again."))
            return redirect("servicedesk:ticket", pk=ticket.pk)
    return _ticket_page(request, _ticket(request, pk), change_form=form, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def visit_report_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    """The signed visit report of a resolved ticket (404 before it is resolved)."""
    ticket = _ticket(request, pk)
    if ticket.state != TicketState.RESOLVED:
        raise Http404
    report = visit_report.build(ticket, queries.clocks_of([ticket])[ticket.pk], at=timezone.now())
    content = visit_report.render(report, request=request)
    return file_download(content, f"{report.filename}.pdf", PDF_TYPE)


# -- the engineer's phone pages ---------------------------------------------------------------


@require_GET
def field_worker(request: StaffRequest) -> HttpResponse:
    """The service worker of the field pages (``static/js/fieldworker.js``), served under
    ``field/`` so its scope covers them, with the app shell's URLs written in. The same for
    everyone: it holds no user data (the pages it keeps are those the phone opened)."""
    return fieldworker.worker_response(reverse("servicedesk:field"))


@login_required
@permission_required(WORK, raise_exception=True)
def field(request: StaffRequest) -> HttpResponse:
    """My open tickets, the next due first."""
    tickets = list(queries.field_tickets(request.user))
    return render(request, "servicedesk/field.html", {"tickets": tickets, "now": timezone.now()})


def _field_page(
    request: StaffRequest,
    ticket: Ticket,
    *,
    arrive_form: ArriveForm | None = None,
    pause_form: PauseForm | None = None,
    resolve_form: ResolveForm | None = None,
    part_lines: list[PartLineForm] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    working = ticket.is_open and ticket.state != TicketState.REPORTED
    context = {
        "ticket": ticket,
        "clocks": clock_rows(ticket, timezone.now()),
        "can_arrive": ticket.state == TicketState.DISPATCHED,
        "can_pause": working and not ticket.is_paused,
        "can_resume": ticket.is_open and ticket.is_paused,
        "can_resolve": working,
        # The forms a queued action may show while offline (pause then resume): rendered
        # hidden, shown by fieldqueue.js when the queue says so.
        "working": working,
        "api": {
            action: reverse(f"api:{action}", kwargs={"ticket_id": ticket.pk})
            for action in FieldAction.values
        },
        "arrive_form": arrive_form or ArriveForm(),
        "pause_form": pause_form or PauseForm(),
        "resolve_form": resolve_form or ResolveForm(),
        "part_lines": part_lines if part_lines is not None else _part_lines(ticket),
        "parts_open": part_lines is not None
        and any(line.is_bound and (line.errors or line.used) for line in part_lines),
        "pause_reason": PauseReason(ticket.pause_reason).label if ticket.pause_reason else "",
        "error": error,
    }
    return render(request, "servicedesk/field_ticket.html", context, status=status)


@login_required
@permission_required(WORK, raise_exception=True)
def field_ticket(request: StaffRequest, pk: int) -> HttpResponse:
    return _field_page(request, _ticket(request, pk))


def _done(request: StaffRequest, ticket: Ticket, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("servicedesk:field_ticket", pk=ticket.pk)


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def arrive(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    form = ArriveForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.arrive(
                ticket, by=request.user, latitude=form.cleaned_data["latitude"] or None,
                longitude=form.cleaned_data["longitude"] or None,
            )  # fmt: skip
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            return _done(request, ticket, _("Arrival recorded."))
    return _field_page(request, _ticket(request, pk), arrive_form=form, status=status)


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def pause(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    form = PauseForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.pause(ticket, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            return _done(request, ticket, _("The clocks are paused."))
    return _field_page(request, _ticket(request, pk), pause_form=form, status=status)


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def resume(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    try:
        actions.resume(ticket, by=request.user)
    except NotAllowed:
        raise
    except DomainError as error:
        return _field_page(request, _ticket(request, pk), error=str(error.message),
                           status=error.status)  # fmt: skip
    return _done(request, ticket, _("The clocks run again."))


def _part_lines(ticket: Ticket, data: Any = None) -> list[PartLineForm]:
    """The resolve form's lines of parts used; an item is chosen among the site's."""
    equipment = (
        Equipment.objects.filter(system__site_id=ticket.site_id, removed_on__isnull=True)
        .select_related("system")
        .order_by("system__name", "name", "id")
    )
    return [
        PartLineForm(data, equipment=equipment, prefix=f"part{index}")
        for index in range(PART_LINES)
    ]


_PART_LINE_FIELD = re.compile(r"^parts\[(\d+)\]\.(\w+)$")
_LINE_FIELDS = {"part_id": "part", "quantity": "quantity", "equipment_id": "equipment"}


def _refused_resolve(
    form: ResolveForm, lines: list[PartLineForm], used: list[int], error: DomainError
) -> int:
    """A refusal of the resolve step: a part line's error (``parts[0].quantity``) beside that
    line's field, the rest on the form."""
    if isinstance(error, NotAllowed):
        raise error
    form.add_error(None, str(error.message))
    for key, texts in error.fields.items():
        match = _PART_LINE_FIELD.match(key)
        if match and int(match[1]) < len(used):
            line = lines[used[int(match[1])]]
            name = _LINE_FIELDS.get(match[2], match[2])
            for text in texts:
                line.add_error(name if name in line.fields else None, str(text))
            continue
        target = key if key in form.fields else None
        for text in texts:
            if target is not None or str(text) != str(error.message):
                form.add_error(target, str(text))
    return error.status


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def resolve(request: StaffRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    form = ResolveForm(request.POST)
    lines = _part_lines(ticket, request.POST)
    status = 422
    if form.is_valid() and all(line.is_valid() for line in lines):
        data = form.cleaned_data
        used = [index for index, line in enumerate(lines) if line.used]
        codes = [str(lines[index].cleaned_data["part"]).strip() for index in used]
        ids = aftercare_apps.part_ids(ticket, codes)
        parts = []
        for index, code in zip(used, codes, strict=True):
            line = lines[index].cleaned_data
            parts.append(
                {
                    "part_id": ids.get(code),
                    "quantity": line["quantity"],
                    "equipment_id": line["equipment"].pk if line["equipment"] else None,
                    "serial": line["serial"],
                }
            )
        try:
            actions.resolve(
                ticket, by=request.user, work_done=data["work_done"], cause=data["cause"],
                labour_minutes=data["labour_minutes"], signed_by=data["signed_by"],
                signature_png=data["signature_png"], parts=parts,
            )  # fmt: skip
        except DomainError as error:
            status = _refused_resolve(form, lines, used, error)
        else:
            return _done(request, ticket, _("Resolved; the visit report is signed."))
    return _field_page(
        request, _ticket(request, pk), resolve_form=form, part_lines=lines, status=status
    )


# -- suspensions ----------------------------------------------------------------------------------


def _branches(user: User) -> Any:
    if user.organisation_id is None:
        return Branch.objects.none()
    return scoped(
        Branch.objects.filter(organisation_id=user.organisation_id), user, branch_field=""
    ).order_by("name", "id")


def _suspension_form(user: User, data: Any = None) -> SuspensionForm:
    tz = user_tz(user)
    initial: dict[str, Any] = {"starts_at": local_now(tz)}
    if user.branch_id is not None:
        initial["branch"] = user.branch_id
    return SuspensionForm(data, tz=tz, branches=_branches(user), initial=initial)


def _suspensions_page(
    request: StaffRequest,
    *,
    form: SuspensionForm | None = None,
    end_form: EndSuspensionForm | None = None,
    end_pk: int | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    tz = user_tz(user)
    can_declare = user.has_perm("servicedesk.add_suspension")
    rows = []
    for row in queries.visible_suspensions(user)[:100]:
        ending = None
        if can_declare and row.ends_at is None:
            ending = (
                end_form
                if end_pk == row.pk and end_form is not None
                else (
                    EndSuspensionForm(
                        tz=tz, initial={"ends_at": local_now(tz)}, prefix=f"end{row.pk}"
                    )
                )
            )
        rows.append((row, ending))
    context = {
        "rows": rows,
        "can_declare": can_declare,
        "form": (form or _suspension_form(user)) if can_declare else None,
    }
    return render(request, "servicedesk/suspensions.html", context, status=status)


@login_required
@permission_required("servicedesk.view_suspension", raise_exception=True)
def suspensions(request: StaffRequest) -> HttpResponse:
    return _suspensions_page(request)


@login_required
@permission_required("servicedesk.add_suspension", raise_exception=True)
@require_POST
def declare_suspension(request: StaffRequest) -> HttpResponse:
    user = request.user
    form = _suspension_form(user, request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.declare_suspension(
                by=user, branch=data["branch"], reason=data["reason"],
                starts_at=data["starts_at"], ends_at=data["ends_at"], note=data["note"],
            )  # fmt: skip
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            messages.success(request, _("Suspension declared; the open tickets' clocks stop."))
            return redirect("servicedesk:suspensions")
    return _suspensions_page(request, form=form, status=status)


@login_required
@permission_required("servicedesk.add_suspension", raise_exception=True)
@require_POST
def end_suspension(request: StaffRequest, pk: int) -> HttpResponse:
    user = request.user
    row: Suspension = _found(lambda: queries.visible_suspensions(user).get(pk=pk))
    form = EndSuspensionForm(request.POST, tz=user_tz(user), prefix=f"end{row.pk}")
    status = 422
    if form.is_valid():
        try:
            actions.end_suspension(row, by=user, ends_at=form.cleaned_data["ends_at"])
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            messages.success(request, _("Suspension ended; the clocks run again."))
            return redirect("servicedesk:suspensions")
    return _suspensions_page(request, end_form=form, end_pk=row.pk, status=status)


# -- settings -------------------------------------------------------------------------------------


def _hours(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


@login_required
@permission_required("servicedesk.view_hotlinesettings", raise_exception=True)
@require_http_methods(["GET", "POST"])
def hotline_settings(request: StaffRequest) -> HttpResponse:
    """The organisation's default hotline calendar and emergency targets without a contract."""
    user = request.user
    organisation = user.organisation
    if organisation is None:
        raise Http404
    current = clocks.hotline_settings(organisation)
    calendars = visible_calendars(user).filter(organisation=organisation).order_by("name", "id")
    can_change = user.has_perm("servicedesk.change_hotlinesettings")
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST, calendars=calendars)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                settings_actions.save_settings(
                    by=user, organisation=organisation, calendar=data["calendar"],
                    emergency_arrival_hours=data["emergency_arrival_hours"],
                    emergency_fix_hours=data["emergency_fix_hours"],
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error)
            else:
                messages.success(request, _("Hotline settings saved."))
                return redirect("servicedesk:settings")
    else:
        form = SettingsForm(
            calendars=calendars,
            initial={
                "calendar": current.calendar_id,
                "emergency_arrival_hours": _hours(current.emergency_arrival_hours),
                "emergency_fix_hours": _hours(current.emergency_fix_hours),
            },
        )
    context = {"form": form, "can_change": can_change}
    return render(request, "servicedesk/settings.html", context, status=status)
