"""Pages of the handover archive: a system's checklist with its versions, the upload and the
acceptance forms, the handover list (竣工資料移交清單) as print page and PDF, downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftercare.documents import actions, queries
from aftercare.documents import handover_list as listing
from aftercare.documents.forms import AcceptanceForm, UploadForm
from aftercare.documents.models import DocumentVersion
from aftercare.errors import DomainError
from aftercare.formfields import show_domain_error
from aftercare.org.http import StaffRequest
from aftercare.paperwork.rendering import PDF_TYPE, render_pdf
from aftercare.paperwork.rendering import download as file_download
from aftercare.sites.models import System
from aftercare.standard import calendar as cal

READ = "documents.view_documentversion"
UPLOAD = "documents.add_documentversion"
ACCEPT = "sites.change_system"


def _system(request: StaffRequest, pk: int) -> System:
    try:
        return queries.get_system_for(request.user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _page(
    request: StaffRequest,
    system: System,
    *,
    upload_form: UploadForm | None = None,
    acceptance_form: AcceptanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    tz = system.site.branch.organisation.tz
    today = cal.local_date(timezone.now(), tz)
    context: dict[str, Any] = {
        "system": system,
        "site": system.site,
        "state": queries.handover(system),
        "site_documents": DocumentVersion.objects.filter(site=system.site).order_by(
            "kind", "title", "-version"
        ),
        "upload_form": upload_form or UploadForm(),
        "acceptance_form": acceptance_form
        or AcceptanceForm(initial={"accepted_on": today.isoformat()}),
        "today": today,
        "max_mb": actions.max_bytes() // (1024 * 1024),
    }
    return render(request, "documents/handover.html", context, status=status)


@login_required
@permission_required(READ, raise_exception=True)
@require_GET
def handover(request: StaffRequest, pk: int) -> HttpResponse:
    return _page(request, _system(request, pk))


@login_required
@permission_required(UPLOAD, raise_exception=True)
@require_POST
def upload(request: StaffRequest, pk: int) -> HttpResponse:
    system = _system(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = actions.upload_document(
                by=request.user, system=system, kind=data["kind"], title=data["title"],
                file=data["file"], note=data["note"],
            )  # fmt: skip
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Archived %(title)s as version %(version)d.")
                % {"title": version.title, "version": version.version},
            )
            return redirect(reverse("documents:handover", args=[system.pk]) + "#documents")
    return _page(request, system, upload_form=form, status=422)


@login_required
@permission_required(UPLOAD, raise_exception=True)
@require_POST
def equipment_list(request: StaffRequest, pk: int) -> HttpResponse:
    system = _system(request, pk)
    version = actions.generate_equipment_list(by=request.user, system=system)
    messages.success(
        request,
        _("The equipment list was generated from the register as version %(version)d.")
        % {"version": version.version},
    )
    return redirect(reverse("documents:handover", args=[system.pk]) + "#documents")


@login_required
@permission_required(ACCEPT, raise_exception=True)
@require_POST
def acceptance(request: StaffRequest, pk: int) -> HttpResponse:
    system = _system(request, pk)
    form = AcceptanceForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.record_acceptance(
                by=request.user, system=system, accepted_on=form.cleaned_data["accepted_on"],
                accepted_by=form.cleaned_data["accepted_by"],
            )  # fmt: skip
        except DomainError as error:
            show_domain_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Acceptance recorded; the warranty has started."))
            return redirect("documents:handover", system.pk)
    return _page(request, _system(request, pk), acceptance_form=form, status=status)


@login_required
@permission_required(READ, raise_exception=True)
@require_GET
def handover_list(request: StaffRequest, pk: int, fmt: str = "html") -> HttpResponse:
    """The form 竣工資料移交清單: the same page on screen, on the printer and as PDF."""
    system = _system(request, pk)
    doc = listing.build(system, at=timezone.now())
    if fmt == "pdf":
        content = render_pdf(listing.TEMPLATE, {"doc": doc}, request=request)
        return file_download(content, f"{doc.filename}.pdf", PDF_TYPE)
    links = {
        "pdf": reverse("documents:handover-list-pdf", args=[system.pk]),
        "back": reverse("documents:handover", args=[system.pk]),
    }
    return render(request, listing.TEMPLATE, {"doc": doc, "links": links})


@login_required
@permission_required(READ, raise_exception=True)
@require_GET
def download(request: StaffRequest, pk: int) -> FileResponse:
    """Any version of any document the user may read, under its original name."""
    try:
        version = queries.get_document_for(request.user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    return FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type or "application/octet-stream",
    )
