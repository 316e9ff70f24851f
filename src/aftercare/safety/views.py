"""Pages of workshop safety: the register per branch, places, bins and fire equipment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftercare.errors import DomainError
from aftercare.formfields import local_now, show_domain_error
from aftercare.org.models import Branch
from aftercare.safety import actions, queries
from aftercare.safety.forms import (
    BinForm,
    ClearanceForm,
    EquipmentForm,
    InspectionForm,
    MinimumFields,
    PlaceForm,
    RemoveForm,
)

VIEW = "safety.view_place"


def _register_url(branch) -> str:
    return f"{reverse('safety:register')}?branch={branch.pk}"


def _branch(request):
    raw = request.GET.get("branch")
    try:
        branch_id = int(raw) if raw else None
    except ValueError:
        raise Http404 from None
    try:
        return queries.get_branch_for(request.user, branch_id)
    except Branch.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required(VIEW, raise_exception=True)
def register(request):
    branch = _branch(request)
    now = timezone.now()
    context = {
        "branch": branch,
        "branches": queries.branches_for(request.user).order_by("code"),
        "rows": queries.register(branch, now=now),
        "today": queries.cal.local_date(now, branch.organisation.tz),
        "clearance_form": ClearanceForm(tz=branch.organisation.tz),
    }
    return render(request, "safety/register.html", context)


def _data(request):
    """The posted data, even when empty (a one-click form posts nothing but the token)."""
    return request.POST if request.method == "POST" else None


def _form_page(request, template, form, **context):
    return render(request, template, {"form": form, **context})


@login_required
@permission_required("safety.add_place", raise_exception=True)
@require_http_methods(["GET", "POST"])
def place_add(request):
    branch = _branch(request)
    form = PlaceForm(_data(request), branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_place(branch=branch, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Place added."))
            return redirect(_register_url(branch))
    return _form_page(
        request, "safety/form.html", form, branch=branch, heading=_("New place"),
        back=_register_url(branch),
    )  # fmt: skip


@login_required
@permission_required("safety.change_place", raise_exception=True)
@require_http_methods(["GET", "POST"])
def place_minimum(request, pk: int):
    place = queries.get_place_for(request.user, pk)
    initial = {
        "min_count": place.min_count, "min_capacity": place.min_capacity,
        "capacity_unit": place.capacity_unit,
    }  # fmt: skip
    form = MinimumFields(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_minimum(place, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Minimum saved."))
            return redirect(_register_url(place.branch))
    heading = _("Minimum fire equipment at %(place)s") % {"place": place}
    return _form_page(
        request, "safety/form.html", form, branch=place.branch, heading=heading,
        back=_register_url(place.branch),
    )  # fmt: skip


@login_required
@permission_required("safety.add_ragbin", raise_exception=True)
@require_http_methods(["GET", "POST"])
def bin_add(request, pk: int):
    place = queries.get_place_for(request.user, pk)
    form = BinForm(_data(request), branch=place.branch)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_bin(place=place, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Rag bin added."))
            return redirect(_register_url(place.branch))
    heading = _("New rag bin at %(place)s") % {"place": place}
    return _form_page(
        request, "safety/form.html", form, branch=place.branch, heading=heading,
        back=_register_url(place.branch),
    )  # fmt: skip


@login_required
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def bin_detail(request, pk: int):
    """A bin's clearance log; the form logs a clearance (DS-12). From the register's row the
    same POST comes by HTMX and gets the updated row back."""
    bin_ = queries.get_bin_for(request.user, pk)
    branch = bin_.place.branch
    tz = branch.organisation.tz
    form = ClearanceForm(_data(request), tz=tz, initial={"at": local_now(tz)})
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.log_clearance(bin_, by=request.user, **form.cleaned_data)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                if request.htmx:
                    row = queries.register(branch, place_ids=[bin_.place_id])[0]
                    bin_row = next(r for r in row.bins if r.bin.pk == bin_.pk)
                    return render(request, "safety/_bin_row.html", {"b": bin_row})
                messages.success(request, _("Clearance logged."))
                return redirect(_register_url(branch))
        if request.htmx:
            response = render(request, "safety/_errors.html", {"form": form})
            response["HX-Retarget"] = f"#bin-{bin_.pk}-errors"
            response["HX-Reswap"] = "innerHTML"
            return response
    context = {"bin": bin_, "form": form, "clearances": queries.recent_clearances(bin_)}
    return render(request, "safety/bin.html", context)


@login_required
@permission_required("safety.add_equipment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def equipment_add(request, pk: int):
    place = queries.get_place_for(request.user, pk)
    today = queries.cal.local_date(timezone.now(), place.branch.organisation.tz)
    form = EquipmentForm(_data(request), initial={"installed_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_equipment(place=place, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Equipment added to the register."))
            return redirect(_register_url(place.branch))
    heading = _("New fire equipment at %(place)s") % {"place": place}
    return _form_page(
        request, "safety/form.html", form, branch=place.branch, heading=heading,
        back=_register_url(place.branch),
    )  # fmt: skip


def _equipment_page(request, item, form, status=200):
    context = {
        "item": item, "form": form, "remove_form": RemoveForm(),
        "back": _register_url(item.place.branch), **queries.equipment_history(item),
    }  # fmt: skip
    return render(request, "safety/equipment.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def equipment_detail(request, pk: int):
    """One item: its history, and the inspection form (DS-13)."""
    item = queries.get_equipment_for(request.user, pk)
    tz = item.place.branch.organisation.tz
    form = InspectionForm(_data(request), tz=tz, initial={"at": local_now(tz)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_inspection(item, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect(_register_url(item.place.branch))
    return _equipment_page(request, item, form)


@login_required
@permission_required("safety.change_equipment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def equipment_replace(request, pk: int):
    item = queries.get_equipment_for(request.user, pk)
    today = queries.cal.local_date(timezone.now(), item.place.branch.organisation.tz)
    initial = {
        "kind": item.kind, "capacity": item.capacity, "unit": item.unit, "installed_on": today,
        "inspect_every_months": item.inspect_every_months,
        "replace_notice_days": item.replace_notice_days,
    }  # fmt: skip
    form = EquipmentForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.replace_equipment(item, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Replaced; the new item is on the register."))
            return redirect(_register_url(item.place.branch))
    heading = _("Replace %(item)s at %(place)s") % {"item": item, "place": item.place}
    return _form_page(
        request, "safety/form.html", form, branch=item.place.branch, heading=heading,
        back=reverse("safety:equipment", args=[item.pk]),
    )  # fmt: skip


@login_required
@permission_required("safety.change_ragbin", raise_exception=True)
@require_POST
def bin_retire(request, pk: int):
    bin_ = queries.get_bin_for(request.user, pk)
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            actions.retire_bin(bin_, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The bin is retired; its clearance log stays."))
            return redirect(_register_url(bin_.place.branch))
    else:
        messages.error(request, _("Give a reason for retiring the bin."))
    return redirect("safety:bin", pk=bin_.pk)


@login_required
@permission_required("safety.change_equipment", raise_exception=True)
@require_POST
def equipment_remove(request, pk: int):
    item = queries.get_equipment_for(request.user, pk)
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            actions.remove_equipment(item, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Removed from service; it stays on the register."))
            return redirect(_register_url(item.place.branch))
    else:
        messages.error(request, _("Give a reason for removing the item."))
    return redirect("safety:equipment", pk=item.pk)
