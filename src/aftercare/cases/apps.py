from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftercare.apps import FOLLOW_UP, AftercareApp, MenuEntry, NextStep, UrlMount
from aftercare.org.roles import Role

# What customers raise in calls (DS-4, DS-5): the front desk; supervisors solve escalations.
_DESK = ["cases.view_raiseditem", "cases.add_raiseditem", "cases.change_raiseditem"]
_SUPERVISE = [*_DESK, "cases.solve_escalated"]


def _item_url(obligation, user) -> str | None:
    if not obligation.customer_id:
        return None
    return reverse("cases:detail", args=[obligation.subject_id])


class CasesConfig(AftercareApp):
    name = "aftercare.cases"
    label = "cases"
    verbose_name = _("Raised items")

    urls = (UrlMount("items/", "aftercare.cases.urls"),)
    api_router = "aftercare.cases.api.router"
    menu = (
        MenuEntry("cases:list", _("Raised items"), "cases.view_raiseditem", 20, FOLLOW_UP),
        MenuEntry(
            "cases:queue",
            _("Escalation queue"),
            "cases.solve_escalated",
            30,
            FOLLOW_UP,
        ),
    )
    role_permissions = {
        Role.ADVISOR: _DESK,
        Role.FOLLOWUP_ADVISOR: _DESK,
        Role.SUPERVISOR: _SUPERVISE,
        Role.ADMINISTRATOR: _SUPERVISE,
    }
    next_steps = {
        "DS-4": NextStep(_("Handle the item"), _item_url),
        "DS-5": NextStep(_("Tell the customer"), _item_url),
        "DS-4E": NextStep(_("Answer the escalation"), _item_url),
    }
