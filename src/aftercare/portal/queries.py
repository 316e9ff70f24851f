"""The owner's portal reads: every list comes from the model's own read scope
(``visible_to``), which for an owner's representative holds their own company's rows only —
the same functions the staff pages read through. A record of another owner is simply not in
the scope, so looking it up answers 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.agreements import queries as plans
from aftercare.agreements.models import Agreement
from aftercare.apps import agreement_kinds
from aftercare.billing.choices import BillState
from aftercare.billing.models import Bill, CreditNote
from aftercare.billing.queries import visible_bills
from aftercare.contracts.models import Contract
from aftercare.contracts.queries import Coverage, coverage
from aftercare.documents.models import DocumentVersion
from aftercare.documents.queries import visible_documents
from aftercare.obligations.models import Obligation
from aftercare.org.models import User
from aftercare.portal.models import OwnerInvitation
from aftercare.servicedesk import clocks
from aftercare.servicedesk.choices import PauseReason, SuspensionReason, TicketState
from aftercare.servicedesk.models import Suspension, Ticket
from aftercare.servicedesk.queries import clocks_of, visible_tickets
from aftercare.servicedesk.visit_report import current_clocks
from aftercare.sites.models import Equipment, Site, System
from aftercare.training.models import Qualification, Trainee


def sites(user: User) -> QuerySet[Site]:
    return Site.objects.visible_to(user).select_related("branch__organisation")


def systems(user: User) -> QuerySet[System]:
    return System.objects.visible_to(user).select_related("site").order_by("site__name", "name")


def equipment(user: User) -> QuerySet[Equipment]:
    return (
        Equipment.objects.visible_to(user)
        .filter(removed_on__isnull=True)
        .select_related("system__site")
        .order_by("system__site__name", "system__name", "location", "name", "id")
    )


# -- tickets and their clocks -----------------------------------------------------------------


def tickets(user: User) -> QuerySet[Ticket]:
    return visible_tickets(user).order_by("-reported_at", "-id")


def open_tickets(user: User) -> QuerySet[Ticket]:
    return visible_tickets(user).open().order_by("reported_at", "id")


@dataclass(frozen=True)
class ClockLine:
    """One line an owner reads about a ticket's clock: "Engineer due on site by 10:30"."""

    rule: str
    text: str
    tone: str  # a Bootstrap colour: primary, success, warning, danger, secondary
    at: datetime | None = None  # the moment the line names (for <time datetime>)


def _when(moment: datetime, now: datetime) -> str:
    """A moment in the organisation's zone (active for the request): the time alone today,
    with the date on another day."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localtime(now).date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _stopped_because(ticket: Ticket, suspensions: dict[int, Suspension]) -> str:
    if ticket.paused_since is not None and ticket.pause_reason in PauseReason.values:
        return str(PauseReason(ticket.pause_reason).label)
    suspension = suspensions.get(ticket.branch_id)
    if suspension is not None and suspension.reason in SuspensionReason.values:
        return str(SuspensionReason(suspension.reason).label)
    return _("service suspended")


def clock_lines(items: list[Ticket], now: datetime | None = None) -> dict[int, list[ClockLine]]:
    """What each ticket's clocks say now, from the same obligations the hotline's ticket page
    reads (``servicedesk.queries.clocks_of``, one clock per rule as the visit report counts)."""
    now = now or timezone.now()
    rows = clocks_of(items)
    suspensions = {
        row.branch_id: row
        for row in Suspension.objects.filter(
            branch_id__in={ticket.branch_id for ticket in items}, ends_at__isnull=True,
            starts_at__lte=now,
        ).order_by("starts_at")
    }  # fmt: skip
    lines: dict[int, list[ClockLine]] = {}
    for ticket in items:
        found: list[ClockLine] = []
        chosen = {row.rule: row for row in current_clocks(rows.get(ticket.pk, []))}
        if ticket.state == TicketState.RESOLVED and ticket.resolved_at is not None:
            text = _("Fixed at %(time)s") % {"time": _when(ticket.resolved_at, now)}
            found.append(ClockLine(clocks.FIX, text, "success", ticket.resolved_at))
            lines[ticket.pk] = found
            continue
        arrival = chosen.get(clocks.ARRIVAL)
        if ticket.arrived_at is not None:
            text = _("On site since %(time)s") % {"time": _when(ticket.arrived_at, now)}
            found.append(ClockLine(clocks.ARRIVAL, text, "success", ticket.arrived_at))
        elif arrival is not None and arrival.is_pending:
            found.append(_pending(arrival, ticket, suspensions, now, arrival=True))
        fix = chosen.get(clocks.FIX)
        if fix is not None and fix.is_pending:
            found.append(_pending(fix, ticket, suspensions, now, arrival=False))
        lines[ticket.pk] = found
    return lines


def _pending(
    row: Obligation, ticket: Ticket, suspensions: dict[int, Suspension], now: datetime,
    *, arrival: bool,
) -> ClockLine:  # fmt: skip
    if row.clock_stopped:
        text = _("Clock stopped: %(reason)s") % {"reason": _stopped_because(ticket, suspensions)}
        return ClockLine(row.rule, text, "warning")
    time = _when(row.due_at, now)
    if arrival:
        text = _("Engineer due on site by %(time)s") % {"time": time}
    else:
        text = _("Fix due by %(time)s") % {"time": time}
    late = row.due_at < now
    if late:
        text = f"{text} · {_('overdue')}"
    return ClockLine(row.rule, text, "danger" if late else "primary", row.due_at)


# -- plans ------------------------------------------------------------------------------------


def plan_list(user: User) -> list[Agreement]:
    """Every plan of the owner, of every kind, newest first, with its latest version."""
    found: list[Agreement] = []
    for code in agreement_kinds():
        found.extend(plans.visible_agreements(user, code).prefetch_related("versions"))
    for agreement in found:
        versions = sorted(agreement.versions.all(), key=lambda version: version.number)
        agreement.latest = versions[-1] if versions else None  # type: ignore[attr-defined]
    return sorted(found, key=lambda agreement: (agreement.created_at, agreement.pk), reverse=True)


def get_plan(user: User, pk: int) -> Agreement:
    """A plan of the owner (DoesNotExist for any other)."""
    code = Agreement.objects.filter(pk=pk).values_list("kind", flat=True).first()
    if code is None:
        raise Agreement.DoesNotExist
    return plans.visible_agreements(user, code).get(pk=pk)


# -- documents --------------------------------------------------------------------------------


@dataclass
class DocumentGroup:
    """One document of a site or system: its current version and the earlier ones."""

    place: str
    kind: str
    title: str
    versions: list[DocumentVersion] = field(default_factory=list)

    @property
    def current(self) -> DocumentVersion:
        return self.versions[0]

    @property
    def earlier(self) -> list[DocumentVersion]:
        return self.versions[1:]


def document_groups(user: User) -> list[DocumentGroup]:
    versions = (
        visible_documents(user)
        .select_related("site", "system__site")
        .order_by("kind", "title", "-version", "-id")
    )
    groups: dict[tuple[str, int, str, str], DocumentGroup] = {}
    for version in versions:
        if version.system is not None:
            key = ("system", version.system_id or 0, version.kind, version.title)
            place = f"{version.system.site.name} · {version.system.name}"
        else:
            assert version.site is not None
            key = ("site", version.site_id or 0, version.kind, version.title)
            place = version.site.name
        group = groups.get(key)
        if group is None:
            group = groups[key] = DocumentGroup(
                place, str(version.get_kind_display()), version.title
            )
        group.versions.append(version)
    return sorted(groups.values(), key=lambda group: (group.place, group.kind, group.title))


def latest_documents(user: User, limit: int = 5) -> list[DocumentVersion]:
    return list(
        visible_documents(user)
        .select_related("site", "system__site")
        .order_by("-uploaded_at", "-id")[:limit]
    )


# -- equipment and coverage -------------------------------------------------------------------


@dataclass
class ItemRow:
    item: Equipment
    coverage: Coverage


@dataclass
class SystemRow:
    system: System
    coverage: Coverage
    contracts: list[Contract]
    items: list[ItemRow] = field(default_factory=list)


def equipment_rows(user: User, now: datetime | None = None) -> list[SystemRow]:
    """Each of the owner's systems with what covers it today (``contracts.queries.coverage``,
    the one answer) and the contracts naming it, then its items in service with theirs."""
    now = now or timezone.now()
    signed = (
        Contract.objects.visible_to(user)
        .filter(signed_on__isnull=False)
        .order_by("starts_on", "id")
    )
    rows: dict[int, SystemRow] = {}
    for system in systems(user).prefetch_related(Prefetch("contracts", queryset=signed)):
        rows[system.pk] = SystemRow(system, coverage(system, now), list(system.contracts.all()))
    for item in equipment(user):
        row = rows.get(item.system_id)
        if row is not None:
            row.items.append(ItemRow(item, coverage(item, now)))
    return list(rows.values())


# -- training ---------------------------------------------------------------------------------


def trainees(user: User) -> QuerySet[Trainee]:
    """The owner's own staff in training (Trainee's read scope: their company's), with their
    qualifications still held."""
    held = Qualification.objects.filter(lost_at__isnull=True).select_related("system__site")
    return (
        Trainee.objects.visible_to(user)
        .filter(left_on__isnull=True)
        .prefetch_related(Prefetch("qualifications", queryset=held, to_attr="held"))
        .order_by("name", "id")
    )


# -- bills ------------------------------------------------------------------------------------


def bills(user: User) -> QuerySet[Bill]:
    """Issued bills (drafts and withdrawn drafts are the integrator's, never shown)."""
    notes = CreditNote.objects.order_by("issued_at", "id")
    return (
        visible_bills(user)
        .filter(state=BillState.ISSUED)
        .prefetch_related(Prefetch("credit_notes", queryset=notes))
        .order_by("-issued_at", "-id")
    )


def get_bill(user: User, pk: int) -> Bill:
    return bills(user).select_related("branch__organisation", "issued_by").get(pk=pk)


# -- invitations (staff) ----------------------------------------------------------------------


def invitations(user: User) -> QuerySet[OwnerInvitation]:
    return OwnerInvitation.objects.visible_to(user).select_related(
        "customer", "contact", "invited_by", "user"
    )


def invitation_by_token(raw: str) -> OwnerInvitation | None:
    from aftercare.portal.models import digest

    if not raw or len(raw) > 200:
        return None
    return (
        OwnerInvitation.objects.select_related("customer__branch__organisation", "contact")
        .filter(token_hash=digest(raw))
        .first()
    )


def context_counts(user: User) -> dict[str, Any]:
    """What the home page counts (one query each)."""
    return {"open_tickets": open_tickets(user).count()}
