"""Workshop pages: check-in, pick-up and consultation visits, the events that start DS-1…DS-3."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftercare.customers.queries import get_customer_for, get_vehicle_for
from aftercare.errors import DomainError
from aftercare.formfields import show_domain_error
from aftercare.workshop import actions, queries
from aftercare.workshop.forms import MOMENT_ALIASES, CheckInForm, ConsultationForm, PickupForm


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
    return redirect("customers:detail", pk=order.customer_id)


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
