"""Pages of the installed base (thin: reads come from ``queries``, writes from ``actions``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.errors import DomainError
from aftercare.formfields import show_domain_error
from aftercare.imports import actions as import_actions
from aftercare.imports.models import ImportJob
from aftercare.org.http import StaffRequest
from aftercare.sites import actions, importing, labels, queries
from aftercare.sites.forms import (
    EquipmentForm,
    EquipmentImportForm,
    ReplaceForm,
    SearchForm,
    SiteForm,
    SystemForm,
)
from aftercare.sites.models import Equipment, Site, System

PAGE_SIZE = 50
SERIAL_HITS = 50


def _site(request: StaffRequest, pk: int) -> Site:
    try:
        return queries.get_site_for(request.user, pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def _system(request: StaffRequest, pk: int) -> System:
    try:
        return queries.get_system_for(request.user, pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def _equipment(request: StaffRequest, pk: int) -> Equipment:
    try:
        return queries.get_equipment_for(request.user, pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def _optional_url(name: str, *args: Any) -> str | None:
    """A link to a page another app provides (the handover checklist), where it is installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
@permission_required("sites.view_site", raise_exception=True)
def site_list(request: StaffRequest) -> HttpResponse:
    """Sites found by name, owner or address; equipment found by serial (prefix)."""
    form = SearchForm(request.GET or None)
    text = serial = ""
    if form.is_valid():
        text, serial = form.cleaned_data["q"], form.cleaned_data["serial"]
    page = None
    if not serial.strip() or text.strip():  # a serial search alone shows only its items
        sites = queries.search_sites(request.user, text)
        page = Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    found = None
    if serial.strip():
        found = list(
            queries.equipment_by_serial(request.user, serial)
            .select_related("system__site")
            .only("name", "serial", "location", "removed_on", "system__name", "system__site__name")
            .order_by("serial_key", "id")[:SERIAL_HITS]
        )
    context = {"form": form, "page": page, "q": text, "serial": serial, "found": found}
    return render(request, "sites/list.html", context)


@login_required
@permission_required("sites.add_site", raise_exception=True)
def site_create(request: StaffRequest) -> HttpResponse:
    form = SiteForm(request.POST or None, owners=queries.company_owners(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            site = actions.create_site(
                by=request.user,
                customer=form.cleaned_data["customer"],
                name=form.cleaned_data["name"],
                address=form.cleaned_data["address"],
            )
        except DomainError as error:
            show_domain_error(form, error, {"customer_id": "customer"})
        else:
            messages.success(request, _("The site was saved."))
            return redirect("sites:site", pk=site.pk)
    return render(request, "sites/site_form.html", {"form": form})


@login_required
@permission_required("sites.view_site", raise_exception=True)
def site_detail(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        site, rows = queries.site_page(request.user, pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing
    today = timezone.localdate()
    context = {
        "site": site,
        "contacts": site.customer.contacts.only("name", "role", "phones", "email"),
        "rows": [(row, row.warranty_state(today)) for row in rows],
        "today": today,
    }
    return render(request, "sites/site.html", context)


@login_required
@permission_required("sites.add_system", raise_exception=True)
def system_add(request: StaffRequest, pk: int) -> HttpResponse:
    site = _site(request, pk)
    form = SystemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            system = actions.add_system(by=request.user, site=site, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The system was saved."))
            return redirect("sites:system", pk=system.pk)
    return render(request, "sites/system_form.html", {"form": form, "site": site})


@login_required
@permission_required("sites.view_site", raise_exception=True)
def system_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """The system's equipment and, for those who may, the form to add an item."""
    system = _system(request, pk)
    return _system_page(request, system, EquipmentForm())


def _system_page(request: StaffRequest, system: System, form: EquipmentForm) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "system": system,
        "site": system.site,
        "items": queries.system_equipment(system),
        "form": form,
        "warranty": queries.warranty_state(
            system.warranty_starts_on, system.warranty_ends_on, today
        ),
        "handover_url": _optional_url("documents:handover", system.pk),
        "import_url": reverse("sites:equipment-import", args=[system.pk]),
    }
    return render(request, "sites/system.html", context)


@login_required
@permission_required("sites.add_equipment", raise_exception=True)
def equipment_add(request: StaffRequest, pk: int) -> HttpResponse:
    """Add an item from the system page's form; errors are shown on that page."""
    system = _system(request, pk)
    if request.method != "POST":
        return redirect("sites:system", pk=system.pk)
    form = EquipmentForm(request.POST)
    if form.is_valid():
        try:
            item = actions.add_equipment(by=request.user, system=system, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("%(item)s was added.") % {"item": item.name})
            return redirect("sites:system", pk=system.pk)
    return _system_page(request, system, form)


@login_required
@permission_required("sites.view_site", raise_exception=True)
def equipment_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """An item's page: what a phone opens from its QR label."""
    item = _equipment(request, pk)
    today = timezone.localdate()
    context = {
        "item": item,
        "system": item.system,
        "site": item.system.site,
        "warranty": queries.warranty_state(item.warranty_starts_on, item.warranty_ends_on, today),
    }
    return render(request, "sites/equipment.html", context)


@login_required
@permission_required("sites.add_equipment", raise_exception=True)
def equipment_replace(request: StaffRequest, pk: int) -> HttpResponse:
    """A replacement part at the old one's place, with its own warranty (BS-5, BS-12)."""
    old = _equipment(request, pk)
    initial = {"name": old.name, "model": old.model, "installed_on": timezone.localdate()}
    form = ReplaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.replace_equipment(by=request.user, old=old, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The part was replaced."))
            return redirect("sites:equipment", pk=new.pk)
    return render(request, "sites/replace_form.html", {"form": form, "item": old})


def _label(request: StaffRequest, item: Equipment) -> dict[str, Any]:
    url = request.build_absolute_uri(reverse("sites:equipment", args=[item.pk]))
    return {"item": item, "url": url, "qr": labels.qr_data_uri(url)}


@login_required
@permission_required("sites.view_site", raise_exception=True)
def equipment_label(request: StaffRequest, pk: int) -> HttpResponse:
    """The printable QR label of one item: scanning it opens the item's page."""
    item = _equipment(request, pk)
    context = {"labels": [_label(request, item)], "system": item.system, "one": item}
    return render(request, "sites/labels.html", context)


@login_required
@permission_required("sites.view_site", raise_exception=True)
def system_labels(request: StaffRequest, pk: int) -> HttpResponse:
    """A sheet of labels: every item of the system still in service."""
    system = _system(request, pk)
    items = system.equipment.filter(removed_on__isnull=True).select_related("system__site")
    items = items.order_by("location", "name", "id")
    context = {"labels": [_label(request, item) for item in items], "system": system}
    return render(request, "sites/labels.html", context)


@login_required
@permission_required("sites.add_equipment", raise_exception=True)
def equipment_import(request: StaffRequest, pk: int) -> HttpResponse:
    """Upload an equipment list for the system; the import's own page shows its progress."""
    system = _system(request, pk)
    if request.GET.get("template"):
        response = HttpResponse(
            importing.template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="equipment.xlsx"'
        return response
    form = EquipmentImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_actions.start_import(
                branch=system.site.branch,
                by=request.user,
                file_name=upload.name,
                content=upload.read(),
                mode=form.cleaned_data["mode"],
                language=request.LANGUAGE_CODE,
                kind=ImportJob.Kind.EQUIPMENT,
                system=system,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return redirect("imports:detail", pk=job.pk)
    return render(request, "sites/import.html", {"form": form, "system": system})
