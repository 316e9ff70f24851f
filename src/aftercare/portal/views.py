"""Pages of the owner's portal (thin: reads from ``queries`` — each the model's own read scope,
which for an owner's representative holds their company's rows only — and writes through the
hotline's, the plan workflow's and the portal's actions).

Every page but the invitation's accept page asks for an owner's login; staff are refused (403).
A record of another owner is not in the scope, so it answers 404 like a missing one. The staff
pages of invitations ask for ``portal.view_ownerinvitation``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftercare.agreements import actions as plan_actions
from aftercare.agreements import queries as plan_queries
from aftercare.agreements.choices import VersionState
from aftercare.agreements.kinds import kind_of
from aftercare.agreements.models import Agreement
from aftercare.billing import documents as bill_documents
from aftercare.customers.models import Customer, CustomerContact
from aftercare.documents.queries import get_document_for
from aftercare.errors import DomainError
from aftercare.formfields import refused_on_form
from aftercare.org.access import is_owner
from aftercare.org.http import StaffRequest
from aftercare.paperwork.rendering import PDF_TYPE
from aftercare.paperwork.rendering import download as file_download
from aftercare.portal import actions, queries
from aftercare.portal.forms import AcceptForm, ConfirmForm, FaultForm, InviteForm, RejectForm
from aftercare.portal.models import OwnerInvitation
from aftercare.servicedesk import actions as hotline
from aftercare.servicedesk import clocks, visit_report
from aftercare.servicedesk.choices import EventKind, PauseReason, TicketState
from aftercare.servicedesk.explanations import length_text
from aftercare.servicedesk.models import Ticket
from aftercare.servicedesk.queries import clocks_of, events_of, get_ticket_for
from aftercare.servicereports import document as report_document
from aftercare.servicereports import queries as report_queries
from aftercare.training.choices import Track
from aftercare.training.queries import coverage as training_coverage

View = Callable[..., HttpResponseBase]
VIEW_INVITATIONS = "portal.view_ownerinvitation"


def owner_page(view: View) -> View:
    """An owner's representative's page: signed in (else the login page), and an owner (else
    403 — the portal shows a company's records to that company's people only)."""

    @wraps(view)
    def wrapped(request: StaffRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_owner(request.user):
            raise PermissionDenied(_("The portal is for the owner's representatives."))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _found(lookup: Callable[..., Any], *args: Any) -> Any:
    try:
        return lookup(*args)
    except (ObjectDoesNotExist, Http404):
        raise Http404 from None


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    user = request.user
    context = {"customer": getattr(user, "customer", None), **context}
    return render(request, f"portal/{template}", context, status=status)


# -- home -------------------------------------------------------------------------------------


@owner_page
@require_GET
def home(request: StaffRequest) -> HttpResponse:
    user = request.user
    open_tickets = list(queries.open_tickets(user)[:20])
    awaiting = [
        plan for plan in queries.plan_list(user)
        if plan.latest is not None and plan.latest.state == VersionState.SUBMITTED  # type: ignore[attr-defined]
    ]  # fmt: skip
    return _page(request, "home.html", {
        "active": "home",
        "sites": list(queries.sites(user)),
        "tickets": open_tickets,
        "lines": queries.clock_lines(open_tickets),
        "awaiting": awaiting,
        "documents": queries.latest_documents(user),
        "bills": list(queries.bills(user)[:5]),
    })  # fmt: skip


# -- faults and tickets -----------------------------------------------------------------------


def _fault_form(request: StaffRequest, data: Any = None) -> FaultForm:
    user = request.user
    sites = queries.sites(user)
    initial: dict[str, Any] = {
        "caller_name": user.display_name or user.get_full_name() or "",
        "caller_phone": user.phone,
    }
    only = list(sites[:2])
    if len(only) == 1:
        initial["site"] = only[0].pk
    return FaultForm(
        data, sites=sites, systems=queries.systems(user),
        equipment=queries.equipment(user).select_related("system"), initial=initial,
    )  # fmt: skip


@owner_page
@require_http_methods(["GET", "POST"])
def report_fault(request: StaffRequest) -> HttpResponse:
    """Report a fault: it is a hotline ticket at once, reported at the moment it was sent."""
    status = 200
    if request.method == "POST":
        form = _fault_form(request, request.POST)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = hotline.report(
                    by=request.user, site=data["site"], system=data["system"],
                    equipment=data["equipment"], caller_name=data["caller_name"],
                    caller_phone=data["caller_phone"], category=data["category"],
                    emergency=data["emergency"], description=data["description"],
                    reported_at=timezone.now(),
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error, equipment_id="equipment", system_id="system")
            else:
                messages.success(
                    request,
                    _("Fault reported as %(number)s: the hotline has it.")
                    % {"number": ticket.number},
                )
                return redirect("portal:ticket", pk=ticket.pk)
    else:
        form = _fault_form(request)
    return _page(request, "report.html", {"active": "report", "form": form}, status=status)


@owner_page
@require_GET
def tickets(request: StaffRequest) -> HttpResponse:
    rows = list(queries.tickets(request.user)[:200])
    return _page(request, "tickets.html", {
        "active": "tickets", "tickets": rows, "lines": queries.clock_lines(rows),
    })  # fmt: skip


def _ticket(request: StaffRequest, pk: int) -> Ticket:
    ticket: Ticket = _found(get_ticket_for, request.user, pk)
    return ticket


def _event_rows(ticket: Ticket) -> list[tuple[Any, str, str]]:
    """The ticket's log as the owner reads it: what happened, when, and why a pause."""
    rows = []
    for event in events_of(ticket):
        detail = ""
        reason = (event.data or {}).get("reason")
        if event.kind == EventKind.PAUSED and reason in PauseReason.values:
            detail = str(PauseReason(reason).label)
        rows.append((event, str(event.get_kind_display()), detail))
    return rows


@owner_page
@require_GET
def ticket(request: StaffRequest, pk: int) -> HttpResponse:
    """One ticket: its state, the clocks with their due moments, arrival, pauses, resolution
    and the signed visit report."""
    found = _ticket(request, pk)
    now = timezone.now()
    rows = []
    for obligation in visit_report.current_clocks(clocks_of([found])[found.pk]):
        minutes = found.arrival_minutes if obligation.rule == clocks.ARRIVAL else found.fix_minutes
        rows.append({
            "label": visit_report.clock_label(obligation.rule),
            "target": length_text(minutes) if minutes is not None else "—",
            "due_at": None if obligation.clock_stopped else obligation.due_at,
            "done_at": obligation.done_at,
            "status": str(obligation.status_label),
            "overdue": obligation.status_at(now) == "overdue",
        })  # fmt: skip
    return _page(request, "ticket.html", {
        "active": "tickets", "ticket": found, "lines": queries.clock_lines([found], now)[found.pk],
        "clocks": rows, "events": _event_rows(found),
        "resolved": found.state == TicketState.RESOLVED,
    })  # fmt: skip


@owner_page
@require_GET
def visit_report_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    """The signed visit report, through the tickets' read scope (404 before it is resolved)."""
    found = _ticket(request, pk)
    if found.state != TicketState.RESOLVED:
        raise Http404
    report = visit_report.build(found, clocks_of([found])[found.pk], at=timezone.now())
    content = visit_report.render(report, request=request)
    return file_download(content, f"{report.filename}.pdf", PDF_TYPE)


# -- plans ------------------------------------------------------------------------------------


@owner_page
@require_GET
def plans(request: StaffRequest) -> HttpResponse:
    return _page(
        request, "plans.html", {"active": "plans", "plans": queries.plan_list(request.user)}
    )


def _plan(request: StaffRequest, pk: int) -> Agreement:
    plan: Agreement = _found(queries.get_plan, request.user, pk)
    return plan


def _number(text: str | None, default: int, last: int) -> int:
    if text and text.isdigit() and 1 <= int(text) <= last:
        return int(text)
    return default


@owner_page
@require_GET
def plan(request: StaffRequest, pk: int) -> HttpResponse:
    """A plan: the latest version's terms, the earlier versions, two of them side by side, and
    the timeline (who confirmed or returned which version, when)."""
    agreement = _plan(request, pk)
    kind = kind_of(agreement.kind)
    versions = list(agreement.versions.order_by("number"))
    latest = versions[-1]
    compared: list[tuple[str, str, str, bool]] = []
    left = right = None
    if len(versions) > 1:
        in_force = plan_queries.version_in_force(agreement)
        last = latest.number
        default = in_force.number if in_force and in_force.number != last else last - 1
        left = versions[_number(request.GET.get("a"), default, last) - 1]
        right = versions[_number(request.GET.get("b"), last, last) - 1]
        left_map = {str(label): value for label, value in kind.describe(left.terms)}
        right_map = {str(label): value for label, value in kind.describe(right.terms)}
        labels = list(dict.fromkeys([*left_map, *right_map]))
        compared = [
            (label, left_map.get(label, "—"), right_map.get(label, "—"),
             left_map.get(label) != right_map.get(label))
            for label in labels
        ]  # fmt: skip
    return _page(request, "plan.html", {
        "active": "plans", "agreement": agreement, "kind": kind, "latest": latest,
        "rows": kind.describe(latest.terms), "versions": versions[::-1], "left": left,
        "right": right, "compared": compared, "timeline": plan_queries.timeline(agreement),
        "awaiting": latest.state == VersionState.SUBMITTED,
    })  # fmt: skip


def _answer_page(
    request: StaffRequest, agreement: Agreement, template: str, form: Any, status: int = 200
) -> HttpResponse:
    kind = kind_of(agreement.kind)
    latest = plan_queries.latest_version(agreement)
    return _page(request, template, {
        "active": "plans", "agreement": agreement, "kind": kind, "latest": latest,
        "rows": kind.describe(latest.terms), "form": form,
        "awaiting": latest.state == VersionState.SUBMITTED,
    }, status=status)  # fmt: skip


def _own_name(request: StaffRequest) -> str:
    user = request.user
    return user.display_name or user.get_full_name() or ""


@owner_page
@require_http_methods(["GET", "POST"])
def confirm(request: StaffRequest, pk: int) -> HttpResponse:
    """Confirm the submitted version: the name and a signature drawn with a finger."""
    agreement = _plan(request, pk)
    status = 200
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                version = plan_actions.confirm(
                    agreement, by=request.user, confirmed_by=form.cleaned_data["confirmed_by"],
                    signature_png=form.cleaned_data["signature_png"] or None,
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("Version %(n)s is confirmed by %(person)s.")
                    % {"n": version.number, "person": version.confirmed_by},
                )
                return redirect("portal:plan", pk=agreement.pk)
    else:
        form = ConfirmForm(initial={"confirmed_by": _own_name(request)})
    return _answer_page(request, agreement, "confirm.html", form, status)


@owner_page
@require_http_methods(["GET", "POST"])
def reject(request: StaffRequest, pk: int) -> HttpResponse:
    """Return the submitted version to the integrator, saying why."""
    agreement = _plan(request, pk)
    status = 200
    if request.method == "POST":
        form = RejectForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                plan_actions.reject(
                    agreement, by=request.user, person=form.cleaned_data["person"],
                    reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error)
            else:
                messages.success(
                    request, _("The plan went back to the integrator with your reason.")
                )
                return redirect("portal:plan", pk=agreement.pk)
    else:
        form = RejectForm(initial={"person": _own_name(request)})
    return _answer_page(request, agreement, "reject.html", form, status)


def _file(stored: FieldFile, name: str) -> FileResponse:
    if not stored:
        raise Http404
    return FileResponse(stored.open("rb"), as_attachment=False, filename=name)


@owner_page
@require_GET
def signature(request: StaffRequest, pk: int, number: int) -> FileResponse:
    agreement = _plan(request, pk)
    version = agreement.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return _file(version.signature, f"plan-{agreement.pk}-v{number}-signature.png")


# -- equipment, documents, training -----------------------------------------------------------


@owner_page
@require_GET
def equipment(request: StaffRequest) -> HttpResponse:
    return _page(request, "equipment.html", {
        "active": "equipment", "rows": queries.equipment_rows(request.user),
    })  # fmt: skip


@owner_page
@require_GET
def documents(request: StaffRequest) -> HttpResponse:
    return _page(request, "documents.html", {
        "active": "documents", "groups": queries.document_groups(request.user),
    })  # fmt: skip


@owner_page
@require_GET
def document(request: StaffRequest, pk: int) -> FileResponse:
    """Any version of the owner's documents, through the documents' read scope."""
    version = _found(get_document_for, request.user, pk)
    return FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.original_name,
        content_type=version.content_type or "application/octet-stream",
    )  # fmt: skip


@owner_page
@require_GET
def training(request: StaffRequest) -> HttpResponse:
    """The owner's trained staff and, per site, the coverage of key systems × tracks (BS-2)."""
    user = request.user
    return _page(request, "training.html", {
        "active": "training", "trainees": list(queries.trainees(user)),
        "matrices": [(site, training_coverage(site)) for site in queries.sites(user)],
        "tracks": [str(label) for _value, label in Track.choices],
    })  # fmt: skip


# -- bills and monthly reports ----------------------------------------------------------------


@owner_page
@require_GET
def bills(request: StaffRequest) -> HttpResponse:
    return _page(
        request, "bills.html", {"active": "bills", "bills": list(queries.bills(request.user))}
    )


@owner_page
@require_GET
def bill_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    """An issued bill with its credit notes (billing's own PDF), through the bills' scope."""
    bill = _found(queries.get_bill, request.user, pk)
    doc = bill_documents.build(bill, at=timezone.now())
    return file_download(bill_documents.pdf(doc, request=request), f"{doc.filename}.pdf", PDF_TYPE)


@owner_page
@require_GET
def reports(request: StaffRequest) -> HttpResponse:
    rows = list(report_queries.latest_reports(request.user)[:200])
    return _page(request, "reports.html", {"active": "reports", "reports": rows})


@owner_page
@require_GET
def report_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    """A monthly report's PDF (servicereports' own), through the reports' read scope."""
    found = _found(report_queries.get_report_for, request.user, pk)
    content = report_document.render(found, request=request)
    return file_download(content, f"{report_document.build(found).filename}.pdf", PDF_TYPE)


# -- invitations: the staff's side ------------------------------------------------------------


def _invite_form(request: StaffRequest, data: Any = None) -> InviteForm:
    customers = Customer.objects.visible_to(request.user)  # type: ignore[no-untyped-call]
    customers = customers.filter(kind="company").order_by("name")
    contacts = CustomerContact.objects.filter(customer__in=customers).select_related("customer")
    initial = {}
    chosen = request.GET.get("customer", "")
    if chosen.isdigit():
        initial["customer"] = int(chosen)
    return InviteForm(data, customers=customers, contacts=contacts, initial=initial)


def _invitations_page(
    request: StaffRequest, form: InviteForm, link: str = "", status: int = 200
) -> HttpResponse:
    now = timezone.now()
    rows = [(row, row.state_at(now)) for row in queries.invitations(request.user)[:200]]
    return render(request, "portal/invitations.html", {
        "form": form, "rows": rows, "link": link,
        "may_invite": request.user.has_perm(actions.INVITE),
        "may_revoke": request.user.has_perm(actions.REVOKE),
    }, status=status)  # fmt: skip


@login_required
@permission_required(VIEW_INVITATIONS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def invitations(request: StaffRequest) -> HttpResponse:
    """Invitations to the portal with their state; a new one by e-mail or SMS, its link shown
    once to copy."""
    if request.method != "POST":
        return _invitations_page(request, _invite_form(request))
    if not request.user.has_perm(actions.INVITE):
        raise PermissionDenied
    form = _invite_form(request, request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        accept_url = request.build_absolute_uri(reverse("portal:accept", args=["TOKEN"]))
        try:
            invited = actions.invite_owner(
                by=request.user, customer=data["customer"], contact=data["contact"],
                email=data["email"], phone=data["phone"],
                link=accept_url.replace("TOKEN", "{token}"),
            )  # fmt: skip
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            link = accept_url.replace("TOKEN", invited.token)
            if invited.invitation.send_error:
                messages.warning(request, _("The link could not be sent; copy it and pass it on."))
            else:
                messages.success(
                    request,
                    _("The invitation went to %(address)s.")
                    % {"address": invited.invitation.address},
                )
            return _invitations_page(request, _invite_form(request), link=link)
    return _invitations_page(request, form, status=status)


@login_required
@permission_required(actions.REVOKE, raise_exception=True)
@require_POST
def revoke(request: StaffRequest, pk: int) -> HttpResponse:
    invitation = _found(lambda: queries.invitations(request.user).get(pk=pk))
    try:
        actions.revoke(invitation, by=request.user)
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The invitation is revoked: its link no longer works."))
    return redirect("portal:invitations")


# -- invitations: the invited contact's side (public) -----------------------------------------


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation: choose a password, and be signed in to the portal. An
    expired, revoked or used link answers 410 with a page saying so."""
    invitation = queries.invitation_by_token(token)
    now = timezone.now()
    state = invitation.state_at(now) if invitation is not None else ""
    if invitation is None or state != OwnerInvitation.State.PENDING:
        return render(request, "portal/invitation_gone.html", {"state": state}, status=410)
    form = AcceptForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                user = actions.accept(token, password=form.cleaned_data["password1"])
            except actions.Gone:
                return render(request, "portal/invitation_gone.html", {"state": ""}, status=410)
            except DomainError as error:
                status = refused_on_form(form, error)
            else:
                login(request, user, backend="aftercare.org.backends.StaffBackend")
                messages.success(request, _("Welcome: this is your company's portal."))
                return redirect("portal:home")
    return render(request, "portal/accept.html", {
        "invitation": invitation, "form": form, "username": invitation.address,
    }, status=status)  # fmt: skip
