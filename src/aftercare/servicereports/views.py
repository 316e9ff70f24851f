"""Pages of the monthly reports (thin: reads from ``queries``, writes through ``actions``): the
list by month and site, "generate now", a batch's progress (polled with htmx), a report with
its charts and versions, its PDF, and "generate again"."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftercare.errors import DomainError
from aftercare.formfields import user_tz
from aftercare.org.http import StaffRequest
from aftercare.servicereports import actions, document, queries
from aftercare.servicereports.forms import GenerateForm, ReportFilterForm
from aftercare.servicereports.models import MonthlyReport

VIEW = queries.VIEW
PAGE_SIZE = 50


def _today(request: StaffRequest) -> date:
    return timezone.localtime(timezone.now(), user_tz(request.user)).date()


def _with_breaches(reports: QuerySet[MonthlyReport]) -> list[MonthlyReport]:
    rows = list(reports)
    for row in rows:
        clocks = row.figures.get("tickets", {}).get("clocks", {})
        row.breaches = sum(clocks.get(key, {}).get("breaches", 0) for key in ("arrival", "fix"))  # type: ignore[attr-defined]
    return rows


def _list(
    request: StaffRequest, *, generate_form: GenerateForm | None = None, status: int = 200
) -> HttpResponse:
    today = _today(request)
    form = ReportFilterForm(request.GET or None, today=today)
    month, search = None, ""
    if form.is_valid():
        if form.cleaned_data["month"]:
            month = date.fromisoformat(f"{form.cleaned_data['month']}-01")
        search = form.cleaned_data["q"].strip()
    reports = queries.latest_reports(request.user, month=month, search=search)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _with_breaches(page.object_list)  # type: ignore[arg-type]
    may_generate = request.user.has_perm(actions.GENERATE)
    if generate_form is None and may_generate:
        generate_form = GenerateForm(today=today)
    runs = []
    if request.user.has_perm(queries.VIEW_RUN):
        runs = list(queries.visible_runs(request.user)[:10])
    query = urlencode({k: v for k, v in (("month", request.GET.get("month", "")),
                                         ("q", search)) if v})  # fmt: skip
    context = {
        "form": form, "page": page, "query": query, "runs": runs,
        "generate_form": generate_form if may_generate else None,
    }  # fmt: skip
    return render(request, "servicereports/list.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def report_list(request: StaffRequest) -> HttpResponse:
    return _list(request)


@login_required
@permission_required(actions.GENERATE, raise_exception=True)
@require_POST
def generate(request: StaffRequest) -> HttpResponse:
    form = GenerateForm(request.POST, today=_today(request))
    if not form.is_valid():
        return _list(request, generate_form=form, status=422)
    try:
        run = actions.request_run(by=request.user, month=form.cleaned_data["month"])
    except DomainError as error:
        form.add_error("month" if "month" in error.fields else None, error.message)
        return _list(request, generate_form=form, status=error.status)
    messages.success(request, _("The reports are being generated."))
    return redirect("servicereports:run", pk=run.pk)


@login_required
@permission_required(queries.VIEW_RUN, raise_exception=True)
@require_GET
def run(request: StaffRequest, pk: int) -> HttpResponse:
    found = queries.get_run_for(request.user, pk)
    if getattr(request, "htmx", False):
        return render(request, "servicereports/_run_progress.html", {"run": found})
    return render(request, "servicereports/run.html", {"run": found})


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def report(request: StaffRequest, pk: int) -> HttpResponse:
    found = queries.get_report_for(request.user, pk)
    context = {
        "report": found,
        "doc": document.build(found),
        "versions": list(queries.versions_of(found).only("pk", "version")),
        "can_generate": actions.can_generate(request.user, found.branch),
    }
    return render(request, "servicereports/report.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def pdf(request: StaffRequest, pk: int) -> HttpResponse:
    return document.pdf_response(request, queries.get_report_for(request.user, pk))


@login_required
@permission_required(actions.GENERATE, raise_exception=True)
@require_POST
def regenerate(request: StaffRequest, pk: int) -> HttpResponse:
    found = queries.get_report_for(request.user, pk)
    try:
        new = actions.regenerate(found.site, found.month, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("servicereports:report", pk=found.pk)
    messages.success(request, _("Version %(n)d is generated.") % {"n": new.version})
    return redirect("servicereports:report", pk=new.pk)
