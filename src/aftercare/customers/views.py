"""Customer pages: the search box, Form 1, vehicles and the customer page (the whole archive)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from aftercare.apps import DESK_DEALERSHIP
from aftercare.customers import actions, queries
from aftercare.customers.forms import (
    CUSTOMER_ALIASES,
    ContactForm,
    CustomerForm,
    SearchForm,
    VehicleForm,
)
from aftercare.customers.models import Customer, CustomerContact
from aftercare.customers.page import customer_page
from aftercare.errors import DomainError
from aftercare.formfields import show_domain_error
from aftercare.org.queries import StaffNames, desks_of, staff_columns

PAGE_SIZE = 25
# What a row of the list shows: the name, the archive's state, the follow-up advisor's name
# (phones and plates come with every page of `search_page`).
LIST_COLUMNS = ("id", "name", "archive_complete", *staff_columns("followup_advisor"))


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request):
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    # A building-systems branch serves companies (the owners of its sites).
    dealership = DESK_DEALERSHIP in desks_of(request.user)
    asked = request.GET.get("page", "")
    found = queries.SearchPages(
        request.user, text, per_page=PAGE_SIZE, asked=int(asked) if asked.isdigit() else 1,
        kind=None if dealership else Customer.Kind.COMPANY, columns=LIST_COLUMNS,
    )  # fmt: skip
    page = Paginator(found, PAGE_SIZE).get_page(asked)
    names = StaffNames()
    for row in page.object_list:
        row["advisor"] = names.name(row, "followup_advisor")
    context = {"form": form, "page": page, "q": text}
    # A history restore wants the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "customers/_results.html", context)
    return render(request, "customers/list.html", context)


def _branch_for_new_customer(request, form):
    return request.user.branch or form.cleaned_data["branch"]


@login_required
@permission_required("customers.add_customer", raise_exception=True)
def customer_create(request):
    initial = None
    if DESK_DEALERSHIP not in desks_of(request.user):
        initial = {"kind": Customer.Kind.COMPANY}
    form = CustomerForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            customer = actions.create_customer(
                branch=_branch_for_new_customer(request, form),
                by=request.user,
                **form.action_fields(),
            )
        except DomainError as error:
            show_domain_error(form, error, CUSTOMER_ALIASES)
        else:
            messages.success(request, _("The customer was saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": None})


@login_required
@permission_required("customers.change_customer", raise_exception=True)
def customer_edit(request, pk: int):
    customer = queries.get_customer_for(request.user, pk)
    form = CustomerForm(request.POST or None, user=request.user, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_customer(
                customer, by=request.user, **form.action_fields(only_changed=True)
            )
        except DomainError as error:
            show_domain_error(form, error, CUSTOMER_ALIASES)
        else:
            messages.success(request, _("The customer was saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request, pk: int):
    return render(request, "customers/detail.html", customer_page(request.user, pk))


@login_required
@permission_required("customers.add_vehicle", raise_exception=True)
def vehicle_add(request, pk: int):
    customer = queries.get_customer_for(request.user, pk)
    form = VehicleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_vehicle(customer, by=request.user, **form.action_fields())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The vehicle was saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/vehicle_form.html",
        {"form": form, "customer": customer, "vehicle": None},
    )


@login_required
@permission_required("customers.change_vehicle", raise_exception=True)
def vehicle_edit(request, pk: int):
    vehicle = queries.get_vehicle_for(request.user, pk)
    form = VehicleForm(request.POST or None, vehicle=vehicle)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_vehicle(
                vehicle, by=request.user, **form.action_fields(only_changed=True)
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The vehicle was saved."))
            return redirect("customers:detail", pk=vehicle.customer_id)
    context = {"form": form, "customer": vehicle.customer, "vehicle": vehicle}
    return render(request, "customers/vehicle_form.html", context)


@login_required
@permission_required("customers.change_customer", raise_exception=True)
def contact_add(request, pk: int):
    customer = queries.get_customer_for(request.user, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_contact(customer, by=request.user, **form.action_fields())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The contact was saved."))
            return redirect("customers:detail", pk=customer.pk)
    context = {"form": form, "customer": customer, "contact": None}
    return render(request, "customers/contact_form.html", context)


@login_required
@permission_required("customers.change_customer", raise_exception=True)
def contact_edit(request, pk: int):
    contact = get_object_or_404(
        CustomerContact.objects.select_related("customer__branch"),
        pk=pk,
        customer__in=Customer.objects.visible_to(request.user),
    )
    form = ContactForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_contact(contact, by=request.user, **form.action_fields())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The contact was saved."))
            return redirect("customers:detail", pk=contact.customer_id)
    context = {"form": form, "customer": contact.customer, "contact": contact}
    return render(request, "customers/contact_form.html", context)
