"""The billing section of a hotline ticket's page (``AftercareApp.ticket_sections``): whether
the repair is billed and why, in words, and a link to the ticket's bill."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from aftercare.billing.actions import Decision, decide
from aftercare.billing.choices import Basis, BillState
from aftercare.billing.queries import basis_text, visible_bills


def decision_text(decision: Decision) -> str:
    """ "in warranty until 2027-07-19: nothing is billed", or the basis alone."""
    if decision.until is None:
        return basis_text(decision.basis)
    until = decision.until.isoformat()
    if decision.basis == Basis.WARRANTY:
        return _("in warranty until %(until)s: nothing is billed") % {"until": until}
    return _("%(basis)s (the contract runs until %(until)s)") % {
        "basis": basis_text(decision.basis),
        "until": until,
    }


def ticket_section(request: Any, ticket: Any) -> str:
    """The decision for readers of the ticket; the bill's link for readers of bills."""
    if ticket.equipment_id is None and ticket.system_id is None:
        return ""
    decision = decide(ticket)
    bills = []
    if request.user.has_perm("billing.view_bill"):
        bills = list(
            visible_bills(request.user)
            .filter(ticket=ticket)
            .exclude(state=BillState.VOID)
            .order_by("-id")
        )
    context = {
        "ticket": ticket,
        "decision": decision,
        "decision_text": decision_text(decision),
        "bills": bills,
    }
    return render_to_string("billing/_ticket_section.html", context, request=request)
