"""The four forms: each one page for screen and printer, the same page as PDF, and an .xlsx."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftercare.formfields import user_tz
from aftercare.paperwork import documents, queries
from aftercare.paperwork.forms import PeriodForm
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
# WeasyPrint lays out ~20-40 register lines a second on a busy 2-core server: beyond this a
# PDF would outlast the web server's 30 s timeout. The page and the workbook have no limit.
MAX_PDF_LINES = 300


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
    return render(request, "paperwork/index.html", {"form": form, "start": start, "end": end})


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
        return render(request, "paperwork/index.html", context, status=422)
    today = timezone.localtime(timezone.now(), branch.organisation.tz).date()
    start, end = form.period(today)
    query = f"branch={branch.pk}&from={start:%Y-%m-%d}&to={end:%Y-%m-%d}"
    at = timezone.now()
    if form_number == 3:
        calls = queries.call_register(request.user, branch, start, end)
        doc = documents.call_register(branch, calls, start=start, end=end, at=at)
        back = reverse("followups:register") + f"?from={start:%Y-%m-%d}&to={end:%Y-%m-%d}"
        links = _links("form3", query=query)
    else:
        letters = queries.letter_register(branch, start, end)
        doc = documents.letter_register(branch, letters, start=start, end=end, at=at)
        back = reverse("outreach:letters") + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        links = _links("form4", query=query)
    lines = len(doc.tables[0].rows)
    if fmt == "pdf" and lines > MAX_PDF_LINES:
        message = _(
            "This register has %(lines)s lines; a PDF holds at most %(max)s. Choose a shorter "
            "period, or download the Excel workbook."
        ) % {"lines": lines, "max": MAX_PDF_LINES}
        context = {"form": form, "start": start, "end": end, "refusal": message}
        return render(request, "paperwork/index.html", context, status=422)
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
