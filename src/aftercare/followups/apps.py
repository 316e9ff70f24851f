from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from aftercare.apps import FOLLOW_UP, AftercareApp, MenuEntry, NextStep, UrlMount
from aftercare.org.roles import Role

# Next-service plans, calls and the call register (DS-2, DS-3, DS-6, DS-8): the front desk.
_DESK = [
    "followups.view_nextserviceplan",
    "followups.change_nextserviceplan",
    "followups.view_call",
    "followups.add_call",
    "followups.add_callamendment",
]


def _plan_url(obligation, user) -> str | None:
    """The plan is confirmed on the customer's page."""
    if not obligation.customer_id:
        return None
    return reverse("customers:detail", args=[obligation.customer_id]) + "#plan"


def _call_url(obligation, user) -> str | None:
    """The call form for that customer, fulfilling this obligation when the call is saved."""
    if not obligation.customer_id:
        return None
    query = urlencode({"customer": obligation.customer_id, "obligation": obligation.pk})
    return f"{reverse('followups:call-new')}?{query}"


_LOG_THE_CALL = NextStep(_("Log the call"), _call_url)


class FollowupsConfig(AftercareApp):
    name = "aftercare.followups"
    label = "followups"
    verbose_name = _("Follow-up")

    urls = (UrlMount("calls/", "aftercare.followups.urls"),)
    api_router = "aftercare.followups.api.router"
    menu = (
        MenuEntry("followups:register", _("Call register"), "followups.view_call", 10, FOLLOW_UP),
    )
    role_permissions = {
        Role.ADVISOR: _DESK,
        Role.FOLLOWUP_ADVISOR: _DESK,
        Role.SUPERVISOR: _DESK,
        Role.ADMINISTRATOR: _DESK,
    }
    next_steps = {
        "DS-2": NextStep(_("Confirm the plan"), _plan_url),
        "DS-3": _LOG_THE_CALL,
        "DS-6": _LOG_THE_CALL,
        "DS-7": _LOG_THE_CALL,
        "DS-2M": _LOG_THE_CALL,
    }
