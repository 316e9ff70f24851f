"""API of the monthly service reports: the latest version of each site × month (or every
version with ``versions=true``), and one report with its frozen figures."""

import re
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from aftercare.apischema import BoundedPagination, Id, responses
from aftercare.errors import InvalidInput
from aftercare.org.http import StaffRequest
from aftercare.servicereports import queries
from aftercare.servicereports.models import MonthlyReport

router = Router(tags=["monthly reports"])

_MONTH = re.compile(r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$")


class MonthlyReportFilters(Schema):
    site_id: Id | None = None
    month: str | None = Field(None, description="YYYY-MM", max_length=7)
    versions: bool = Field(False, description="Every version, not only the latest.")


class MonthlyReportOut(Schema):
    id: int
    site_id: int
    site_name: str
    customer_id: int
    branch_id: int
    month: date = Field(..., description="The month's first day.")
    version: int
    generated_at: datetime
    run_id: int | None

    @staticmethod
    def resolve_site_name(obj: MonthlyReport) -> str:
        return obj.site.name


class MonthlyReportDetailOut(MonthlyReportOut):
    figures: dict[str, Any] = Field(..., description="The frozen figures (codes, not words).")


def _month(text: str | None) -> date | None:
    if text is None or text == "":
        return None
    if not _MONTH.match(text):
        message = _("Give the month as YYYY-MM.")
        raise InvalidInput(message, fields={"month": [message]})
    return date.fromisoformat(f"{text}-01")


@router.get("/monthly-reports", response=responses({200: list[MonthlyReportOut]}))
@paginate(BoundedPagination)
def list_monthly_reports(
    request: StaffRequest, filters: Query[MonthlyReportFilters]
) -> QuerySet[MonthlyReport]:
    month = _month(filters.month)
    if filters.versions:
        reports = queries.visible_reports(request.user)
        if month is not None:
            reports = reports.filter(month=month)
        if filters.site_id is not None:
            reports = reports.filter(site_id=filters.site_id)
    else:
        reports = queries.latest_reports(request.user, month=month, site_id=filters.site_id)
    return reports.order_by("-month", "site_id", "-version")


@router.get("/monthly-reports/{report_id}", response=responses({200: MonthlyReportDetailOut}, 404))
def get_monthly_report(request: StaffRequest, report_id: Id) -> MonthlyReport:
    return queries.get_report_for(request.user, report_id)
