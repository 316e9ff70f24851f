"""A monthly report worded for its reader: the frozen figures (codes and numbers) turned into
labelled rows and SVG charts in the active language, for the page and for the PDF
月度服務報告 (the traditional Chinese title is the document's own; the reader's name of it
stands beside, as for the other forms)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftercare.contracts.choices import FaultCategory
from aftercare.maintenance.checklists import item_text
from aftercare.paperwork.rendering import PDF_TYPE, download, render_pdf
from aftercare.servicedesk.explanations import length_text, stop_reason_text
from aftercare.servicereports.charts import Series, bar_chart
from aftercare.servicereports.models import MonthlyReport
from aftercare.training.choices import Track

TEMPLATE = "servicereports/print.html"
TITLE_ZH = "月度服務報告"
TITLE = gettext_lazy("Monthly service report")


def category_label(code: str) -> str:
    return str(FaultCategory(code).label) if code in FaultCategory.values else code


def verdict_label(code: str) -> str:
    labels = {
        "on_time": _("on time"),
        "late": _("late"),
        "breached": _("breached, still open"),
        "open": _("open, not due yet"),
        "stopped": _("paused"),
        "not_counted": _("not counted"),
        "done_on_time": _("done on its day"),
        "done_late": _("done late"),
        "missed": _("not done"),
    }
    return str(labels.get(code, code))


def minutes_text(minutes: int | None) -> str:
    return "—" if minutes is None else length_text(minutes)


def moment_text(value: str | None) -> str:
    """A frozen local ISO moment as the forms print it (2026-08-03 10:00)."""
    if not value:
        return "—"
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Charts:
    tickets: str
    clocks: str
    visits: str


def charts(figures: dict[str, Any]) -> Charts:
    tickets = figures["tickets"]
    categories = list(tickets["by_category"])
    clocks = tickets["clocks"]
    visits = figures["visits"]

    def late(key: str) -> int:
        return int(clocks[key]["late"] + clocks[key]["breached"])

    return Charts(
        tickets=bar_chart(
            _("Tickets by category"),
            [category_label(row["category"]) for row in categories],
            [Series(_("Tickets"), "primary")],
            [[row["count"]] for row in categories],
            chart_id="chart-tickets",
        ),
        clocks=bar_chart(
            _("Arrival and fix against the targets"),
            [_("On site (BS-7)"), _("Fixed (BS-8)")],
            [Series(_("On time"), "ok"), Series(_("Late or breached"), "late")],
            [
                [clocks["arrival"]["on_time"], late("arrival")],
                [clocks["fix"]["on_time"], late("fix")],
            ],  # fmt: skip
            chart_id="chart-clocks",
        ),
        visits=bar_chart(
            _("Preventive visits"),
            [_("Planned"), _("Done"), _("Done late"), _("Not done")],
            [Series(_("Visits"), "primary")],
            [[visits["planned"]], [visits["done"]], [visits["done_late"]], [visits["missed"]]],
            chart_id="chart-visits",
        ),
    )


def _clock(line: dict[str, Any] | None) -> dict[str, Any] | None:
    if line is None:
        return None
    return {
        **line,
        "target": minutes_text(line["target_minutes"]),
        "used": minutes_text(line["used_minutes"]),
        "due": moment_text(line["due_at"]),
        "done": moment_text(line["done_at"]),
        "verdict_text": verdict_label(line["verdict"]),
    }


def worded(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures with a label beside every code, for the templates."""
    tickets = figures["tickets"]
    rows = []
    for row in figures["ticket_rows"]:
        rows.append({
            **row,
            "category_text": category_label(row["category"]),
            "reported": moment_text(row["reported_at"]),
            "arrival": _clock(row["arrival"]),
            "fix": _clock(row["fix"]),
            "paused": minutes_text(row["paused_minutes"]) if row["pauses"] else "",
            "pauses": [
                {**p, "reason_text": stop_reason_text(p["reason"]), "length": minutes_text(
                    p["minutes"]), "from_text": moment_text(p["from"]),
                 "to_text": moment_text(p["to"])}
                for p in row["pauses"]
            ],
        })  # fmt: skip
    return {
        **figures,
        "by_category": [
            {**row, "label": category_label(row["category"])} for row in tickets["by_category"]
        ],
        "ticket_rows": rows,
        "pause_reasons": [
            {
                **row,
                "label": stop_reason_text(row["reason"]),
                "length": minutes_text(row["minutes"]),
            }
            for row in tickets["paused"]["by_reason"]
        ],  # fmt: skip
        "paused_total": minutes_text(tickets["paused"]["minutes"]),
        "visit_rows": [
            {
                **row,
                "done_text": moment_text(row["done_at"]),
                "verdict_text": verdict_label(row["verdict"]),
            }
            for row in figures["visits"]["rows"]
        ],  # fmt: skip
        "defect_rows": [
            {
                **row,
                "item": item_text(row["code"], row["text"]),
                "found": moment_text(row["found_at"]),
            }
            for row in figures["defects"]
        ],  # fmt: skip
        "training_rows": [
            {
                **row,
                "track_text": str(Track(row["track"]).label)
                if row["track"] in Track.values
                else row["track"],
            }
            for row in figures["training"]["cells"]
        ],  # fmt: skip
        "part_rows": [
            {**row, "installed": moment_text(row["installed_at"])} for row in figures["parts"]
        ],
        "bill_rows": [
            {**row, "issued": moment_text(row["issued_at"])} for row in figures["bills"]["bills"]
        ],
        "credit_rows": [
            {**row, "issued": moment_text(row["issued_at"])}
            for row in figures["bills"]["credit_notes"]
        ],
    }


@dataclass(frozen=True)
class ReportDocument:
    report: MonthlyReport
    figures: dict[str, Any]
    charts: Charts
    organisation: str
    generated: str
    filename: str
    title_zh: str = TITLE_ZH

    @property
    def subtitle(self) -> str:
        name = str(TITLE)
        return "" if name == TITLE_ZH else name


def build(report: MonthlyReport) -> ReportDocument:
    organisation = report.branch.organisation
    site = report.figures["site"]["name"]
    name = f"{TITLE_ZH}-{site}-{report.figures['month']}-v{report.version}"
    return ReportDocument(
        report=report,
        figures=worded(report.figures),
        charts=charts(report.figures),
        organisation=organisation.name,
        generated=timezone.localtime(report.generated_at, organisation.tz).strftime(
            "%Y-%m-%d %H:%M"
        ),
        filename="".join(ch for ch in name if ch not in '/\\:*?"<>|'),
    )


def render(report: MonthlyReport, *, request: Any = None) -> bytes:
    """The PDF of one version, drawn from its frozen figures in the active language."""
    return render_pdf(TEMPLATE, {"doc": build(report)}, request=request)


def pdf_response(request: Any, report: MonthlyReport) -> HttpResponse:
    """The PDF of a report as a download, in the reader's language. The owner's portal calls
    it with a report read through ``queries.visible_reports`` (their own company's)."""
    content = render(report, request=request)
    return download(content, f"{build(report).filename}.pdf", PDF_TYPE)
