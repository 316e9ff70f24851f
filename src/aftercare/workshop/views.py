"""Workshop pages: the board, check-in, ready, pick-up and consultation visits — the events
that start DS-1…DS-3."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftercare.customers.forms import SearchForm
from aftercare.customers.queries import get_customer_for, get_vehicle_for, search
from aftercare.errors import DomainError
from aftercare.formfields import show_domain_error
from aftercare.workshop import actions, queries
from aftercare.workshop.forms import (
    MOMENT_ALIASES,
    CheckInForm,
    ConsultationForm,
    OrderNumberForm,
    PickupForm,
)

# Where a board action sends the user back to: the board (with its search) or the customer.
BACK_TO_BOARD = "board"


def _back(request, order):
    """Back to the board when the button was pressed there, else to the customer's page; only
    these two, so the parameter cannot send anyone elsewhere."""
    if request.POST.get("next") == BACK_TO_BOARD:
        query = request.POST.get("q", "").strip()
        url = reverse("workshop:board")
        if query:
            url += "?" + urlencode({"q": query[:100]})
        return redirect(url)
    return redirect("customers:detail", pk=order.customer_id)


@login_required
@permission_required(queries.VIEW_ORDERS, raise_exception=True)
@require_GET
def board(request):
    """Cars in the shop and cars waiting for pick-up, with their age, advisor and the shop's
    repair-order number; the front desk's view of the workshop."""
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    columns = queries.board(request.user, timezone.now(), text)
    context = {"form": form, "q": text, **columns}
    return render(request, "workshop/board.html", context)


@login_required
@permission_required("workshop.add_repairorder", raise_exception=True)
@require_GET
def check_in_start(request):
    """Check-in starts from the car or its owner: the customer search, each vehicle a link to
    its check-in page."""
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    found = search(request.user, text).prefetch_related("vehicles", "phones") if text else None
    page = Paginator(found, 20).get_page(request.GET.get("page")) if found is not None else None
    context = {"form": form, "q": text, "page": page}
    return render(request, "workshop/check_in_start.html", context)


@login_required
@permission_required("workshop.change_repairorder", raise_exception=True)
@require_POST
def ready(request, pk: int):
    order = queries.get_order_for(request.user, pk)
    try:
        actions.mark_ready(order, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(plate)s is ready for pick-up.") % {"plate": order.vehicle.plate}
        )
    return _back(request, order)


@login_required
@permission_required("workshop.change_repairorder", raise_exception=True)
@require_POST
def order_number(request, pk: int):
    order = queries.get_order_for(request.user, pk)
    form = OrderNumberForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("shop_order_number", [])))
        return _back(request, order)
    try:
        actions.set_shop_order_number(
            order, by=request.user, number=form.cleaned_data["shop_order_number"]
        )
    except DomainError as error:
        messages.error(request, " ".join(map(str, error.fields.get("shop_order_number", [])))
                       or error.message)  # fmt: skip
    else:
        messages.success(request, _("The repair-order number is saved."))
    return _back(request, order)


def _tz(customer):
    """Moments are typed in the time zone of the customer's organisation."""
    return customer.branch.organisation.tz


@login_required
@permission_required("workshop.add_repairorder", raise_exception=True)
def check_in(request, vehicle_id: int):
    vehicle = get_vehicle_for(request.user, vehicle_id)
    customer = vehicle.customer
    form = CheckInForm(
        request.POST or None, tz=_tz(customer), organisation=customer.branch.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_in(vehicle, by=request.user, **form.action_fields())
        except DomainError as error:
            show_domain_error(form, error, MOMENT_ALIASES)
        else:
            messages.success(request, _("%(plate)s is checked in.") % {"plate": vehicle.plate})
            return redirect("customers:detail", pk=customer.pk)
    context = {"form": form, "vehicle": vehicle, "customer": customer}
    return render(request, "workshop/check_in.html", context)


@login_required
@permission_required("workshop.change_repairorder", raise_exception=True)
@require_POST
def pickup(request, pk: int):
    order = queries.get_order_for(request.user, pk)
    form = PickupForm(request.POST, tz=_tz(order.customer))
    if not form.is_valid():
        messages.error(request, _("Enter the pick-up moment as a date and time."))
    else:
        try:
            actions.record_pickup(order, by=request.user, at=form.cleaned_data["moment"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(plate)s was picked up.") % {"plate": order.vehicle.plate}
            )
    return _back(request, order)


@login_required
@permission_required("workshop.add_consultation", raise_exception=True)
def consultation(request, customer_id: int):
    customer = get_customer_for(request.user, customer_id)
    form = ConsultationForm(request.POST or None, tz=_tz(customer), customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_consultation(customer, by=request.user, **form.action_fields())
        except DomainError as error:
            show_domain_error(form, error, MOMENT_ALIASES)
        else:
            messages.success(request, _("The consultation was recorded."))
            return redirect("customers:detail", pk=customer.pk)
    context = {"form": form, "customer": customer}
    return render(request, "workshop/consultation.html", context)
