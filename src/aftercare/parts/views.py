"""Pages of spare parts (thin: reads from ``queries``, writes through ``actions``): the catalogue
with stock, a new part, and a part's page — stock per store, the reservations in serving order
with why (BS-12), the ledger, and the forms that change, move, reserve, cancel and install.
Every form posts to its own route; a refusal shows the part's page again with the action's
message beside the field, answering 422 (bad input) or 409 (a conflict)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftercare.errors import DomainError, NotAllowed
from aftercare.formfields import local_now, refused_on_form, user_tz
from aftercare.org.http import StaffRequest
from aftercare.org.models import User
from aftercare.parts import actions, queries
from aftercare.parts.forms import (
    CancelForm,
    ChangePartForm,
    InstallForm,
    MovementForm,
    PartForm,
    ReserveForm,
    SearchForm,
)
from aftercare.parts.models import Part, Reservation
from aftercare.servicedesk.models import Ticket
from aftercare.servicedesk.queries import visible_tickets
from aftercare.sites.models import Equipment, serial_key

VIEW = "parts.view_part"
PAGE_SIZE = 50
LEDGER_PAGE_SIZE = 25


def _part(request: StaffRequest, pk: int) -> Part:
    try:
        return queries.get_part_for(request.user, pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def _ticket_by_number(user: User, text: str, form: forms.BaseForm) -> Ticket | None:
    """The ticket the user may read with this number (as printed: BS-H-2026-000001)."""
    number = text.strip()
    if not number:
        return None
    ticket = visible_tickets(user).filter(number__iexact=number).first()
    if ticket is None:
        form.add_error("ticket", _("No ticket of yours has this number."))
    return ticket


def _equipment_by_text(user: User, text: str, form: forms.BaseForm) -> Equipment | None:
    """An item of the user's visible equipment, by its serial number (exactly, spaces and
    dashes ignored) or, failing that, its number in the register."""
    found = list(
        Equipment.objects.visible_to(user)
        .select_related("system__site__branch__organisation")
        .filter(serial_key=serial_key(text), removed_on__isnull=True)[:2]
    ) if serial_key(text) else []  # fmt: skip
    if not found and text.strip().isdigit() and len(text.strip()) <= 18:
        found = list(
            Equipment.objects.visible_to(user)
            .select_related("system__site__branch__organisation")
            .filter(pk=int(text.strip()))
        )
    if len(found) == 1:
        return found[0]
    if not text.strip():
        form.add_error("equipment", _("Name the equipment item by its serial number."))
    elif found:
        form.add_error(
            "equipment", _("Several items have this serial number: give the item's number.")
        )
    else:
        form.add_error("equipment", _("None of your equipment has this serial number."))
    return None


# -- the catalogue ------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def part_list(request: StaffRequest) -> HttpResponse:
    """The catalogue by code, found by code (its start) or name, with stock in the user's
    stores: one query for the page's stock."""
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    parts = queries.visible_parts(request.user).order_by("code", "id")
    if text:
        parts = parts.filter(Q(code__istartswith=text) | Q(name__icontains=text))
    page = Paginator(parts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    stock = queries.stock_by_part(request.user, rows)
    context = {
        "form": form,
        "q": text,
        "page": page,
        "rows": [(part, stock[part.pk]) for part in rows],
    }
    return render(request, "parts/list.html", context)


@login_required
@permission_required("parts.add_part", raise_exception=True)
@require_http_methods(["GET", "POST"])
def part_new(request: StaffRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = PartForm(request.POST)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                part = actions.create_part(
                    by=request.user, code=data["code"], name=data["name"], unit=data["unit"],
                    unit_cost=data["unit_cost"], warranty_months=data["warranty_months"] or 0,
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error)
            else:
                messages.success(request, _("Part %(code)s saved.") % {"code": part.code})
                return redirect("parts:part", pk=part.pk)
    else:
        form = PartForm()
    return render(request, "parts/new.html", {"form": form}, status=status)


# -- one part -------------------------------------------------------------------------------------


def _part_page(
    request: StaffRequest,
    part: Part,
    *,
    change_form: ChangePartForm | None = None,
    movement_form: MovementForm | None = None,
    reserve_form: ReserveForm | None = None,
    install_form: InstallForm | None = None,
    cancel_form: CancelForm | None = None,
    cancel_pk: int | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    tz = user_tz(user)
    can_change = user.has_perm("parts.change_part")
    can_move = user.has_perm("parts.add_stockmovement")
    can_reserve = user.has_perm("parts.add_reservation")
    can_install = user.has_perm("parts.add_installation") and user.has_perm("sites.view_site")
    ledger = Paginator(queries.ledger(user, part), LEDGER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    queue = [
        (line, queries.why_text(line.reservation)) for line in queries.reservation_queue(user, part)
    ]
    context: dict[str, Any] = {
        "part": part,
        "stock": queries.stock_of(user, part),
        "levels": queries.levels_of(user, part),
        "queue": queue,
        "closed": list(queries.closed_reservations(user, part)),
        "ledger": ledger,
        "can_change": can_change,
        "can_move": can_move,
        "can_reserve": can_reserve,
        "can_install": can_install,
        "cancel_form": cancel_form,
        "cancel_pk": cancel_pk,
    }
    if can_change:
        context["change_form"] = change_form or ChangePartForm(
            initial={
                "name": part.name,
                "unit_cost": f"{part.unit_cost:.2f}",
                "warranty_months": part.warranty_months,
                "active": part.active,
            }
        )
    if can_move:
        context["movement_form"] = movement_form or MovementForm(
            stores=queries.visible_stores(user), initial={"kind": "receipt"}
        )
    if can_reserve:
        context["reserve_form"] = reserve_form or ReserveForm()
    if can_install:
        context["install_form"] = install_form or InstallForm(
            tz=tz, initial={"installed_at": local_now(tz)}
        )
    return render(request, "parts/part.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def part(request: StaffRequest, pk: int) -> HttpResponse:
    return _part_page(request, _part(request, pk))


def _saved(request: StaffRequest, part: Part, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("parts:part", pk=part.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def change(request: StaffRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    form = ChangePartForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_part(
                part, by=request.user, name=data["name"], unit_cost=data["unit_cost"],
                warranty_months=data["warranty_months"], active=data["active"],
            )  # fmt: skip
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            return _saved(request, part, _("The part was saved."))
    return _part_page(request, _part(request, pk), change_form=form, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def movement(request: StaffRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    user = request.user
    form = MovementForm(request.POST, stores=queries.visible_stores(user))
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        ticket = _ticket_by_number(user, data["ticket"], form)
        if not form.errors:
            try:
                actions.record_movement(
                    by=user, part=part, kind=data["kind"], quantity=data["quantity"],
                    reason=data["reason"], store=data["store"], ticket=ticket,
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error, ticket_id="ticket", store_id="store")
            else:
                return _saved(request, part, _("The movement was recorded."))
    return _part_page(request, _part(request, pk), movement_form=form, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def reserve(request: StaffRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    user = request.user
    form = ReserveForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        ticket = _ticket_by_number(user, data["ticket"], form)
        if ticket is None and not form.errors:
            form.add_error("ticket", _("Name the ticket the part is held for."))
        if ticket is not None:
            try:
                reservation = actions.reserve(
                    by=user, part=part, quantity=data["quantity"], ticket=ticket
                )
            except DomainError as error:
                status = refused_on_form(form, error, ticket_id="ticket")
            else:
                text = (
                    _("Reserved: served from stock.")
                    if reservation.state == "served"
                    else _("Reserved: it waits for stock, and the parts clerk is asked to procure.")
                )
                return _saved(request, part, text)
    return _part_page(request, _part(request, pk), reserve_form=form, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def cancel(request: StaffRequest, pk: int, reservation_pk: int) -> HttpResponse:
    part = _part(request, pk)
    user = request.user
    try:
        reservation = (
            Reservation.objects.filter(part=part, store__in=queries.visible_stores(user))
            .select_related("part", "store__branch")
            .get(pk=reservation_pk)
        )
    except Reservation.DoesNotExist as missing:
        raise Http404 from missing
    form = CancelForm(request.POST, prefix=f"cancel{reservation.pk}")
    status = 422
    if form.is_valid():
        try:
            actions.cancel_reservation(reservation, by=user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            return _saved(request, part, _("The reservation was cancelled."))
    return _part_page(
        request, _part(request, pk), cancel_form=form, cancel_pk=reservation.pk, status=status
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def install(request: StaffRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    user = request.user
    form = InstallForm(request.POST, tz=user_tz(user))
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        if not user.has_perm("parts.add_installation"):
            raise NotAllowed(_("You are not allowed to record installations."))
        equipment = _equipment_by_text(user, data["equipment"], form)
        ticket = _ticket_by_number(user, data["ticket"], form)
        if equipment is not None and not form.errors:
            try:
                actions.install(
                    by=user, part=part, equipment=equipment, at=data["installed_at"],
                    serial=data["serial"], ticket=ticket,
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error, equipment_id="equipment", ticket_id="ticket")
            else:
                return _saved(
                    request, part,
                    _("Installed on %(item)s.") % {"item": equipment.serial or equipment.name},
                )  # fmt: skip
    return _part_page(request, _part(request, pk), install_form=form, status=status)
