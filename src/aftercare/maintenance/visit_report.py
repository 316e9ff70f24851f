"""The visit report 定期維護保養記錄 of a done maintenance visit as an A4 PDF, drawn from the
stored record when it is downloaded: the site, the systems, each check with its result, reading
and note (readings out of range marked), the defects with their hotline tickets, the engineer,
the moment, the owner's name and the drawn signature (the stored PNG as a data: URI, so
WeasyPrint needs no file access). In the reader's language; the Chinese title is the record's
own name and the reader's name stands beside it, as on the other forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from aftercare.maintenance import queries
from aftercare.maintenance.models import MaintenanceVisit
from aftercare.paperwork.rendering import render_pdf
from aftercare.servicedesk.models import Ticket
from aftercare.signatures import data_uri

TEMPLATE = "maintenance/visit_report.html"
TITLE_ZH = "定期維護保養記錄"
TITLE = gettext_lazy("Preventive maintenance record")
MOMENT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class VisitReport:
    visit: MaintenanceVisit
    organisation: str
    branch: str
    done: str
    printed: str
    groups: list[tuple[Any, list[Any]]]
    tickets: list[Ticket]
    signature_uri: str
    filename: str
    title_zh: str = TITLE_ZH

    @property
    def subtitle(self) -> str:
        name = str(TITLE)
        return "" if name == TITLE_ZH else name


def _local(moment: datetime | None, tz: Any) -> str:
    if moment is None:
        return "—"
    return timezone.localtime(moment, tz).strftime(MOMENT)


def build(visit: MaintenanceVisit, *, at: datetime) -> VisitReport:
    branch = visit.plan.branch
    tz = branch.organisation.tz
    signature = data_uri(visit.signature)
    return VisitReport(
        visit=visit,
        organisation=branch.organisation.name,
        branch=branch.name,
        done=_local(visit.done_at, tz),
        printed=_local(at, tz),
        groups=queries.checks_by_system(visit),
        tickets=queries.visit_tickets(visit),
        signature_uri=signature,
        filename=f"{TITLE_ZH}-{visit.plan.site.name}-{visit.scheduled_on.isoformat()}".replace(
            "/", "-"
        ),
    )


def render(report: VisitReport, *, request: object) -> bytes:
    return render_pdf(TEMPLATE, {"doc": report}, request=request)
