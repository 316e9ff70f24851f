"""The maintenance section of a hotline ticket's page (``AftercareApp.ticket_sections``): the
maintenance visit whose defect opened the ticket, linked back."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from aftercare.maintenance.models import MaintenanceVisit, VisitCheck


def ticket_section(request: Any, ticket: Any) -> str:
    """Empty for tickets no visit opened, and for readers who may not see maintenance plans."""
    if not request.user.has_perm("maintenance.view_maintenanceplan"):
        return ""
    checks = list(
        VisitCheck.objects.filter(ticket=ticket).select_related("visit__plan__agreement")
        .order_by("order")
    )  # fmt: skip
    if not checks:
        return ""
    visit: MaintenanceVisit = checks[0].visit
    context = {"ticket": ticket, "visit": visit, "checks": checks}
    return render_to_string("maintenance/_ticket_section.html", context, request=request)
