"""The parts section of a hotline ticket's page (``AftercareApp.ticket_sections``): the parts
issued to and returned from the ticket, the installations recorded with it, and its open
reservations with their place in the serving order; and the part codes its resolve form
takes (``AftercareApp.part_codes``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string

from aftercare.parts import queries
from aftercare.parts.choices import OPEN_RESERVATION_STATES
from aftercare.parts.models import Installation, Part, Reservation


def ticket_section(request: Any, ticket: Any) -> str:
    """Empty for readers who may not see parts."""
    if not request.user.has_perm("parts.view_part"):
        return ""
    reservations = list(
        Reservation.objects.filter(ticket=ticket, state__in=OPEN_RESERVATION_STATES)
        .select_related("part")
        .order_by("requested_at", "id")
    )
    context = {
        "ticket": ticket,
        "used": list(queries.used_on_ticket(ticket)),
        "installations": list(
            Installation.objects.filter(ticket=ticket)
            .select_related("part", "equipment")
            .order_by("installed_at", "id")
        ),
        "reservations": [(row, queries.why_text(row)) for row in reservations],
    }
    return render_to_string("parts/_ticket_section.html", context, request=request)


def part_codes(ticket: Any, codes: Sequence[str]) -> dict[str, int]:
    """The resolve form's part codes (a few lines) → ids in the ticket's organisation, matched
    without regard to case."""
    typed = [code for code in codes if code.strip()]
    if not typed:
        return {}
    match = Q()
    for code in typed:
        match |= Q(code__iexact=code.strip())
    rows = Part.objects.filter(match, organisation_id=ticket.branch.organisation_id)
    ids = {code.upper(): pk for code, pk in rows.values_list("code", "id")}
    return {code: ids[code.strip().upper()] for code in typed if code.strip().upper() in ids}
