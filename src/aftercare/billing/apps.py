from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftercare.apps import BUILDING, AftercareApp, MenuEntry, NextStep, UrlMount
from aftercare.org.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from aftercare.apps import ObligationRow

_READ = ["billing.view_bill", "billing.view_creditnote"]
_MANAGE = [
    *_READ,
    "billing.change_bill",
    "billing.issue_bill",
    "billing.view_billingsettings",
]


def _bill_url(obligation: ObligationRow, user: AbstractBaseUser) -> str | None:
    """BS-10: the bill's page, where it is reviewed and issued."""
    if obligation.subject_id is None:
        return None
    return reverse("billing:bill", args=[obligation.subject_id])


class BillingConfig(AftercareApp):
    """Bills after warranty (BS-10): drafted at the resolve step from the parts issued and the
    labour, issued gap-free per branch and year, corrected only by credit notes."""

    name = "aftercare.billing"
    label = "billing"
    verbose_name = _("Billing")

    urls = (UrlMount("bills/", "aftercare.billing.urls"),)
    api_router = "aftercare.billing.api.router"
    menu = (MenuEntry("billing:list", _("Bills"), "billing.view_bill", 27, BUILDING),)
    role_permissions = {
        Role.SUPERVISOR: _MANAGE,
        Role.ADMINISTRATOR: [*_MANAGE, "billing.change_billingsettings"],
        Role.PARTS_CLERK: _READ,
    }
    next_steps = {"BS-10": NextStep(_("Open the bill"), _bill_url)}
    title_messages = "aftercare.billing.texts.TITLES"
    ticket_resolved_listener = "aftercare.billing.actions.ticket_resolved"
    ticket_sections = ("aftercare.billing.sections.ticket_section",)
    demo_loader = "aftercare.billing.demo.load"
    demo_remover = "aftercare.billing.demo.remove"
