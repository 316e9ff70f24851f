from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from aftercare.apps import FOLLOW_UP, AftercareApp, MenuEntry, NextStep, UrlMount
from aftercare.org.roles import Role

# Outreach (DS-7, DS-9): the desk phones targets and sends letters; supervisors plan campaigns.
_OUTREACH_DESK = [
    "outreach.view_campaign",
    "outreach.change_campaigntarget",  # attendance and replies
    "outreach.view_letter",
    "outreach.add_letter",
    "outreach.add_letteramendment",
]
_OUTREACH_PLAN = [*_OUTREACH_DESK, "outreach.add_campaign", "outreach.change_campaign"]


def _letter_url(obligation, user) -> str | None:
    """The letter form for that customer and campaign."""
    query = urlencode({"customer": obligation.customer_id, "campaign": obligation.subject_id})
    return f"{reverse('outreach:letter-new')}?{query}"


class OutreachConfig(AftercareApp):
    name = "aftercare.outreach"
    label = "outreach"
    verbose_name = _("Campaigns and letters")

    urls = (UrlMount("campaigns/", "aftercare.outreach.urls"),)
    api_router = "aftercare.outreach.api.router"
    menu = (
        MenuEntry("outreach:list", _("Campaigns"), "outreach.view_campaign", 40, FOLLOW_UP),
        MenuEntry("outreach:letters", _("Letter register"), "outreach.view_letter", 50, FOLLOW_UP),
    )
    role_permissions = {
        Role.ADVISOR: _OUTREACH_DESK,
        Role.FOLLOWUP_ADVISOR: _OUTREACH_DESK,
        Role.SUPERVISOR: _OUTREACH_PLAN,
        Role.ADMINISTRATOR: _OUTREACH_PLAN,
    }
    next_steps = {"DS-7L": NextStep(_("Write the letter"), _letter_url)}
