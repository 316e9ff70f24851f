"""The four forms: each one page for screen and printer, the same page as PDF, and an .xlsx."""

import math

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from aftercare.errors import DomainError
from aftercare.formfields import filter_status, show_domain_error, user_tz
from aftercare.paperwork import actions, documents, queries
from aftercare.paperwork.forms import ExportRequestForm, PeriodForm
from aftercare.paperwork.rendering import (
    PDF_TYPE,
    XLSX_TYPE,
    download,
    render_pdf,
    workbook_sheets,
)

# Whoever may see a page may print it: the desk its customers and calls, the letter register
# whoever may see letters (as the pages these forms come from).
DESK = "customers.view_customer"
LETTERS = "outreach.view_letter"
TEMPLATE = "paperwork/document.html"
# WeasyPrint lays out ~25-70 register lines a second (busy or idle 2-core server, see
# bench/RESULTS.md "Form PDFs"): up to this many the PDF comes at once (≤ 6 s on a busy
# server); a longer register is drawn by the worker while the page shows the progress.
SYNC_PDF_LINES = 150
# What the worker draws in a minute on a busy server: the wait the page announces.
LINES_PER_MINUTE = 1500


def _respond(request, doc: documents.Document, fmt: str, links: dict, **extra):
    if fmt == "pdf":
        content = render_pdf(TEMPLATE, {"doc": doc}, request=request)
        return download(content, f"{doc.filename}.pdf", PDF_TYPE)
    if fmt == "xlsx":
        return download(workbook_sheets(documents.sheets(doc)), f"{doc.filename}.xlsx", XLSX_TYPE)
    return render(request, TEMPLATE, {"doc": doc, "links": links, **extra})


def _links(name: str, *args, query: str = "") -> dict:
    suffix = f"?{query}" if query else ""
    return {
        "html": reverse(f"paperwork:{name}", args=args) + suffix,
        "pdf": reverse(f"paperwork:{name}-pdf", args=args) + suffix,
        "xlsx": reverse(f"paperwork:{name}-xlsx", args=args) + suffix,
    }


def _branch_id(request) -> int | None:
    raw = request.GET.get("branch")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


def _period_form(request):
    branches = list(queries.printable_branches(request.user))
    return PeriodForm(request.GET or None, branches=branches)


@login_required
@permission_required(DESK, raise_exception=True)
@require_GET
def index(request):
    form = _period_form(request)
    today = timezone.localtime(timezone.now(), user_tz(request.user)).date()
    start, end = form.period(today)
    exports = queries.recent_exports(request.user)
    context = {"form": form, "start": start, "end": end, "exports": exports}
    return render(request, "paperwork/index.html", context, status=filter_status(form))


@login_required
@permission_required(DESK, raise_exception=True)
@require_GET
def customer_archive(request, pk: int, fmt: str = "html"):
    """Form 1 客戶檔案基本資料表."""
    customer = queries.archive_customer(request.user, pk)
    orders, consultations = queries.service_history(customer)
    doc = documents.customer_archive(
        customer, orders=orders, consultations=consultations, at=timezone.now()
    )
    back = reverse("customers:detail", args=[customer.pk])
    return _respond(request, doc, fmt, _links("form1", customer.pk), back=back)


@login_required
@permission_required(DESK, raise_exception=True)
@require_GET
def call_record(request, pk: int, fmt: str = "html"):
    """Form 2 跟蹤服務電話記錄表."""
    call = queries.call_for_record(request.user, pk)
    doc = documents.call_record(call, at=timezone.now())
    back = reverse("followups:detail", args=[call.pk])
    return _respond(request, doc, fmt, _links("form2", call.pk), back=back)


def _register(request, fmt: str, form_number: int):
    """Forms 3 and 4: a branch's register for a period of local dates."""
    branch = queries.get_branch_for(request.user, _branch_id(request))
    form = _period_form(request)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "start": None, "end": None}
        return render(request, "paperwork/index.html", context, status=filter_status(form))
    today = timezone.localtime(timezone.now(), branch.organisation.tz).date()
    start, end = form.period(today)
    query = f"branch={branch.pk}&from={start:%Y-%m-%d}&to={end:%Y-%m-%d}"
    if fmt == "pdf":
        lines = queries.register_lines(request.user, form_number, branch, start, end).count()
        if lines > SYNC_PDF_LINES:
            context = {
                "form_number": form_number, "branch": branch, "start": start, "end": end,
                "lines": lines, "minutes": max(1, math.ceil(lines / LINES_PER_MINUTE)),
                "title_zh": documents.FORM_TITLES[form_number],
                "html": _links(f"form{form_number}", query=query)["html"],
            }  # fmt: skip
            return render(request, "paperwork/export_ask.html", context)
    doc = queries.register_document(
        request.user, form_number, branch, start, end, at=timezone.now()
    )
    if form_number == 3:
        back = reverse("followups:register") + f"?from={start:%Y-%m-%d}&to={end:%Y-%m-%d}"
    else:
        back = reverse("outreach:letters") + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
    links = _links(f"form{form_number}", query=query)
    return _respond(
        request, doc, fmt, links, back=back, period_form=form, start=start, end=end, branch=branch
    )


@login_required
@permission_required(DESK, raise_exception=True)
@require_GET
def call_register(request, fmt: str = "html"):
    """Form 3 跟蹤服務電話登記表."""
    return _register(request, fmt, 3)


@login_required
@permission_required(LETTERS, raise_exception=True)
@require_GET
def letter_register(request, fmt: str = "html"):
    """Form 4 跟蹤服務信函登記表."""
    return _register(request, fmt, 4)


# ---------------------------------------------------------------- long registers' PDFs


@login_required
@require_POST
def start_export(request):
    """Queue the PDF of a long register and show its progress."""
    form = ExportRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "paperwork/export_ask.html", {"request_form": form}, status=422)
    data = form.cleaned_data
    branch = queries.get_branch_for(request.user, data["branch"])
    try:
        job = actions.start_export(
            form=data["form"], branch=branch, start=data["from"], end=data["to"],
            by=request.user, language=request.LANGUAGE_CODE,
        )  # fmt: skip
    except DomainError as error:
        show_domain_error(form, error)
        return render(
            request, "paperwork/export_ask.html", {"request_form": form}, status=error.status
        )
    return redirect("paperwork:export", pk=job.pk)


@login_required
@require_GET
def export(request, pk: int):
    """An export's progress (polled by HTMX), then its download link."""
    job = queries.get_export_for(request.user, pk)
    context = {"job": job, "file": actions.export_file(job) is not None}
    if request.htmx:
        return render(request, "paperwork/_export.html", context)
    return render(request, "paperwork/export.html", context)


@login_required
@require_GET
def export_download(request, pk: int):
    job = queries.get_export_for(request.user, pk)
    path = actions.export_file(job)
    if path is None:
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=job.file_name, content_type=PDF_TYPE
    )
