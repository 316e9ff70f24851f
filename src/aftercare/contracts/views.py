"""Pages of contracts and service calendars (thin: reads from ``queries``, writes through
``actions``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftercare.contracts import actions, queries
from aftercare.contracts.calendars import day_text
from aftercare.contracts.choices import WEEKDAYS, FaultCategory
from aftercare.contracts.forms import (
    DAY_FIELDS,
    ESCALATION_ROWS,
    ContractForm,
    PreviewForm,
    ServiceCalendarForm,
    SignForm,
)
from aftercare.errors import DomainError
from aftercare.formfields import local_now, show_domain_error, user_tz
from aftercare.org.http import StaffRequest
from aftercare.org.models import User
from aftercare.standard.calendar import local_date
from aftercare.standard.clocks import Stretch, read_clock


def _found(lookup: Any, *args: Any) -> Any:
    try:
        return lookup(*args)
    except ObjectDoesNotExist:
        raise Http404 from None


# -- service calendars ------------------------------------------------------------------------


@login_required
@permission_required("contracts.view_servicecalendar", raise_exception=True)
def calendar_list(request: StaffRequest) -> HttpResponse:
    calendars = queries.visible_calendars(request.user)
    rows = [
        (calendar, [(WEEKDAYS[i], day_text(day)) for i, day in enumerate(calendar.weekly)])
        for calendar in calendars
    ]
    return render(
        request,
        "contracts/calendar_list.html",
        {"rows": rows, "can_add": request.user.has_perm("contracts.add_servicecalendar")},
    )


@login_required
@permission_required("contracts.add_servicecalendar", raise_exception=True)
@require_http_methods(["GET", "POST"])
def calendar_new(request: StaffRequest) -> HttpResponse:
    form = ServiceCalendarForm(request.POST if request.method == "POST" else None)
    organisation = request.user.organisation
    if organisation is None:
        raise Http404
    if request.method == "POST" and form.is_valid():
        weekly = form.weekly()
        if weekly is not None:
            try:
                calendar = actions.create_service_calendar(
                    by=request.user,
                    organisation=organisation,
                    name=form.cleaned_data["name"],
                    weekly=weekly,
                    follows_holidays=form.cleaned_data["follows_holidays"],
                )
            except DomainError as error:
                days = {f"weekly.{i}": field for i, field in enumerate(DAY_FIELDS)}
                fields = {days.get(key, key): texts for key, texts in error.fields.items()}
                error.fields = fields
                show_domain_error(form, error)
            else:
                messages.success(request, _("Service calendar saved."))
                return redirect("contracts:calendar", pk=calendar.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "contracts/calendar_new.html", {"form": form}, status=status)


@dataclass(frozen=True)
class CountedRow:
    """One stretch of service time in the preview's explanation, in the reader's zone: its
    day, its hours (an end at midnight reads 24:00, the end of that day) and its length."""

    day: date
    starts: str
    ends: str
    hours: int
    minutes: int

    @classmethod
    def of(cls, stretch: Stretch, tz: ZoneInfo) -> CountedRow:
        starts, ends = stretch.starts_at.astimezone(tz), stretch.ends_at.astimezone(tz)
        hours, minutes = divmod(round(stretch.length.total_seconds() / 60), 60)
        midnight = ends.date() > starts.date() and ends.time() == time(0)
        until = "24:00" if midnight else ends.strftime("%H:%M")
        return cls(starts.date(), starts.strftime("%H:%M"), until, hours, minutes)


@login_required
@permission_required("contracts.view_servicecalendar", raise_exception=True)
def calendar_detail(request: StaffRequest, pk: int) -> HttpResponse:
    calendar = _found(queries.get_calendar_for, request.user, pk)
    tz = user_tz(request.user)
    data = request.GET if "at" in request.GET else None
    form = PreviewForm(data, tz=tz, initial={"at": local_now(tz), "hours": 4})
    due, counted = None, []
    if form.is_bound and form.is_valid():
        at, hours = form.cleaned_data["at"], form.cleaned_data["hours"]
        reading = read_clock(at, timedelta(hours=float(hours)), calendar.service_hours())
        due = timezone.localtime(reading.due_at, tz) if reading.due_at else None
        counted = [CountedRow.of(stretch, tz) for stretch in reading.counted]
    days = [(WEEKDAYS[i], day_text(day)) for i, day in enumerate(calendar.weekly)]
    return render(
        request,
        "contracts/calendar_detail.html",
        {"calendar": calendar, "days": days, "form": form, "due": due, "counted": counted},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# -- contracts --------------------------------------------------------------------------------


@login_required
@permission_required("contracts.view_contract", raise_exception=True)
def contract_list(request: StaffRequest) -> HttpResponse:
    contracts = queries.visible_contracts(request.user, timezone.now()).order_by(
        "-starts_on", "-id"
    )
    page = Paginator(contracts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/list.html",
        {"page": page, "can_add": request.user.has_perm("contracts.add_contract")},
    )


def _contract_form(request: StaffRequest, site: Any, data: Any = None) -> ContractForm:
    colleagues = User.objects.filter(is_active=True, branch_id=site.branch_id).order_by("username")
    today = local_date(timezone.now(), site.branch.organisation.tz)
    initial: dict[str, Any] = {"starts_on": today}
    for category in FaultCategory:
        if category == FaultCategory.LINE_FAULT:
            initial[f"{category.value}_arrival"], initial[f"{category.value}_fix"] = 2, 4
    return ContractForm(
        data,
        systems=site.systems.order_by("kind", "name", "id"),
        calendars=queries.visible_calendars(request.user),
        colleagues=colleagues,
        initial=initial,
    )


@login_required
@permission_required("contracts.add_contract", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contract_new(request: StaffRequest) -> HttpResponse:
    raw = request.GET.get("site", "")
    if not raw:
        sites = queries.offerable_sites(request.user)
        return render(request, "contracts/choose_site.html", {"sites": sites})
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    site = _found(queries.get_site_for, request.user, int(raw))
    form = _contract_form(request, site, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        targets = [
            actions.Target(c.value, data[f"{c.value}_arrival"], data[f"{c.value}_fix"])
            for c in FaultCategory
            if data.get(f"{c.value}_arrival") is not None
        ]
        emergency = None
        if data.get("emergency_arrival") is not None:
            steps = [
                (data[f"escalation_{row}_minutes"], data[f"escalation_{row}_user"])
                for row in range(1, ESCALATION_ROWS + 1)
                if data.get(f"escalation_{row}_user") is not None
            ]
            emergency = actions.Emergency(data["emergency_arrival"], data["emergency_fix"], steps)
        try:
            contract = actions.offer_contract(
                by=request.user,
                customer=site.customer,
                site=site,
                systems=list(data["systems"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                service_calendar=data["service_calendar"],
                targets=targets,
                emergency=emergency,
                price=data["price"],
                parts_included=data["parts_included"],
                labour_included=data["labour_included"],
                visits_per_year=data["visits_per_year"],
            )
        except DomainError as error:
            show_domain_error(
                form,
                error,
                aliases={"system_ids": "systems", "service_calendar_id": "service_calendar"},
            )
        else:
            messages.success(request, _("Contract offered."))
            return redirect("contracts:detail", pk=contract.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "contracts/new.html", {"form": form, "site": site}, status=status)


@login_required
@permission_required("contracts.view_contract", raise_exception=True)
def contract_detail(request: StaffRequest, pk: int) -> HttpResponse:
    contract = _found(queries.contract_detail, request.user, pk, timezone.now())
    return _detail_page(request, contract, SignForm(initial={"signed_on": _today(contract)}))


def _today(contract: Any) -> Any:
    return local_date(timezone.now(), contract.branch.organisation.tz)


def _detail_page(
    request: StaffRequest, contract: Any, form: SignForm, status: int = 200
) -> HttpResponse:
    days = [(WEEKDAYS[i], day_text(day)) for i, day in enumerate(contract.service_calendar.weekly)]
    can_sign = contract.signed_on is None and request.user.has_perm("contracts.sign_contract")
    return render(
        request,
        "contracts/detail.html",
        {"contract": contract, "days": days, "form": form, "can_sign": can_sign},
        status=status,
    )


@login_required
@permission_required("contracts.sign_contract", raise_exception=True)
@require_POST
def contract_sign(request: StaffRequest, pk: int) -> HttpResponse:
    contract = _found(queries.contract_detail, request.user, pk, timezone.now())
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            actions.sign_contract(
                by=request.user, contract=contract, signed_on=form.cleaned_data["signed_on"]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Signature recorded."))
            return redirect(reverse("contracts:detail", args=[pk]))
    return _detail_page(request, contract, form, status=422)
