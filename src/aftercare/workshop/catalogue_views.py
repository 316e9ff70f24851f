"""The service-item catalogue page: administrators add, edit and deactivate items.

Deactivated items stay on the repair orders that used them; check-in offers active ones only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aftercare.errors import DomainError
from aftercare.formfields import show_domain_error
from aftercare.workshop import actions, queries
from aftercare.workshop.catalogue_forms import ServiceItemEditForm, ServiceItemForm


@login_required
@permission_required("workshop.change_serviceitem", raise_exception=True)
@require_http_methods(["GET", "POST"])
def catalogue(request):
    form = ServiceItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.create_service_item(
                request.user.organisation, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Service item %(name)s added.") % {"name": item.name})
            return redirect("catalogue:list")
    items = queries.catalogue_for(request.user)
    return render(request, "workshop/catalogue.html", {"form": form, "items": items})


@login_required
@permission_required("workshop.change_serviceitem", raise_exception=True)
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    item = get_object_or_404(queries.catalogue_for(request.user), pk=pk)
    initial = {"code": item.code, "name": item.name, "kind": item.kind, "active": item.active}
    form = ServiceItemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_service_item(item, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Service item %(code)s saved.") % {"code": item.code})
            return redirect("catalogue:list")
    return render(request, "workshop/catalogue_item.html", {"form": form, "item": item})
