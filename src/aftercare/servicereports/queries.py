"""Reads of the monthly reports, each through one read scope that pages and the API share:
reports (``servicereports.view_monthlyreport``, the site's branch; an owner's representative:
their own company's), runs (``servicereports.view_reportrun``: the organisation's batches and
those of the user's branch). The owner's portal reads through the same scope, or asks
``reports_for_customer``."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.http import Http404

from aftercare.org.access import branch_condition, restrict
from aftercare.servicereports.models import MonthlyReport, MonthlyReportQuerySet, ReportRun

VIEW = "servicereports.view_monthlyreport"
VIEW_RUN = "servicereports.view_reportrun"


def visible_reports(user: Any) -> QuerySet[MonthlyReport]:
    """Every version the user may read (403 without the permission)."""
    return restrict(
        MonthlyReport.objects.all(), user, VIEW, customer_field="customer"
    ).select_related("site", "branch", "customer")


def latest_reports(
    user: Any, *, month: date | None = None, site_id: int | None = None, search: str = ""
) -> QuerySet[MonthlyReport]:
    """The latest version of each site × month, newest month first; `search` matches the
    site's name or address and the owner's name."""
    reports = cast(MonthlyReportQuerySet, visible_reports(user)).latest_versions()
    if month is not None:
        reports = reports.filter(month=month)
    if site_id is not None:
        reports = reports.filter(site_id=site_id)
    if search:
        reports = reports.filter(
            Q(site__name__icontains=search)
            | Q(site__address__icontains=search)
            | Q(customer__name__icontains=search)
        )
    return reports.order_by("-month", "site__name", "site_id")


def get_report_for(user: Any, pk: int) -> MonthlyReport:
    try:
        return visible_reports(user).get(pk=pk)
    except MonthlyReport.DoesNotExist:
        raise Http404 from None


def versions_of(report: MonthlyReport) -> QuerySet[MonthlyReport]:
    """Every version of the report's site and month, the latest first."""
    return MonthlyReport.objects.filter(site_id=report.site_id, month=report.month).order_by(
        "-version"
    )


def reports_for_customer(customer: Any) -> QuerySet[MonthlyReport]:
    """The owner's portal: the latest version of each month of each of the owner's sites."""
    mine = MonthlyReport.objects.filter(customer_id=customer.pk)
    return (
        mine.latest_versions()
        .select_related("site", "branch__organisation")
        .order_by("-month", "site__name", "site_id")
    )


def visible_runs(user: Any) -> QuerySet[ReportRun]:
    """Batches of the user's organisation (the tick's) and of the branches they work in."""
    runs = restrict(ReportRun.objects.all(), user, VIEW_RUN).select_related(
        "branch", "requested_by"
    )
    condition = branch_condition(user, branch_field="branch")
    if condition is None:  # a superuser
        return runs
    everyone = Q(branch__isnull=True, organisation_id=user.organisation_id)
    return ReportRun.objects.filter(condition | everyone).select_related("branch", "requested_by")


def get_run_for(user: Any, pk: int) -> ReportRun:
    try:
        return visible_runs(user).get(pk=pk)
    except ReportRun.DoesNotExist:
        raise Http404 from None
