from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftercare.errors import DomainError
from aftercare.imports import actions, files, queries
from aftercare.imports.forms import FormatForm, UploadForm
from aftercare.imports.models import KIND_PERMISSIONS, ImportJob

SHOWN_ERRORS = 200
can_import = permission_required("customers.add_customer", raise_exception=True)


def can_follow(view):
    """A job's pages: for whoever may import one of the kinds (the job's scope decides)."""

    def check(user):
        if any(user.has_perm(perm) for perm in KIND_PERMISSIONS.values()):
            return True
        raise PermissionDenied

    return user_passes_test(check)(view)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@can_import
def job_list(request):
    page = Paginator(queries.visible_jobs(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page})


@login_required
@can_import
def new(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = actions.start_import(
                branch=form.cleaned_data.get("branch") or request.user.branch,
                by=request.user,
                file_name=upload.name,
                content=upload.read(),
                mode=form.cleaned_data["mode"],
                language=request.LANGUAGE_CODE,
            )
        except DomainError as error:
            for name, problems in error.fields.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
            if not error.fields:
                form.add_error(None, error.message)
        else:
            return redirect("imports:detail", pk=job.pk)
    return render(request, "imports/new.html", {"form": form})


@login_required
@can_follow
def detail(request, pk: int):
    job = queries.get_job_for(request.user, pk)
    context = {"job": job, "shown_errors": job.errors[:SHOWN_ERRORS]}
    if request.htmx:
        return render(request, "imports/_progress.html", context)
    return render(request, "imports/detail.html", context)


@login_required
@can_import
def template(request):
    form = FormatForm(request.GET)
    file_format = (form.is_valid() and form.cleaned_data["format"]) or ImportJob.Format.XLSX
    if file_format == ImportJob.Format.CSV:
        return _download(files.template("csv"), "customers.csv", "text/csv; charset=utf-8")
    return _download(
        files.template("xlsx"),
        "customers.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@can_follow
def error_report(request, pk: int):
    job = queries.get_job_for(request.user, pk)
    headings = (_("Row"), _("Column"), _("Reason"))
    content = files.error_report(job.errors, headings)
    return _download(content, f"import-{job.pk}-errors.csv", "text/csv; charset=utf-8")


@login_required
@can_follow
@require_POST
def import_valid(request, pk: int):
    job = queries.get_job_for(request.user, pk)
    try:
        actions.import_valid_rows(job, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("imports:detail", pk=pk)


@login_required
@can_follow
@require_POST
def cancel(request, pk: int):
    job = queries.get_job_for(request.user, pk)
    try:
        actions.cancel_import(job, by=request.user)
        messages.info(request, _("The import was cancelled; nothing was imported."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("imports:detail", pk=pk)
