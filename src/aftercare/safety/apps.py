from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftercare.apps import (
    DESK_DEALERSHIP,
    SUPERVISION,
    AftercareApp,
    MenuEntry,
    NextStep,
    TickStep,
    UrlMount,
)
from aftercare.org.roles import Role

# Workshop safety (DS-12, DS-13): the desk clears bins and inspects; supervisors keep the register.
_SAFETY_DESK = ["safety.view_place", "safety.add_clearance", "safety.add_inspection"]
_SAFETY_REGISTER = [
    *_SAFETY_DESK,
    "safety.add_place",
    "safety.change_place",
    "safety.add_ragbin",
    "safety.change_ragbin",
    "safety.add_equipment",
    "safety.change_equipment",
]


def _register_url(obligation, user) -> str:
    return reverse("safety:register")


class SafetyConfig(AftercareApp):
    name = "aftercare.safety"
    label = "safety"
    verbose_name = _("Workshop safety")

    urls = (UrlMount("safety/", "aftercare.safety.urls"),)
    api_router = "aftercare.safety.api.router"
    # First: an obligation it opens already overdue is claimed by the obligations step.
    tick_steps = (TickStep("aftercare.safety.tick.run", order=10),)
    menu = (
        MenuEntry(
            "safety:register",
            _("Workshop safety"),
            "safety.view_place",
            50,
            SUPERVISION,
            desk=DESK_DEALERSHIP,
        ),
    )
    role_permissions = {
        Role.ADVISOR: _SAFETY_DESK,
        Role.FOLLOWUP_ADVISOR: _SAFETY_DESK,
        Role.SUPERVISOR: _SAFETY_REGISTER,
        Role.ADMINISTRATOR: _SAFETY_REGISTER,
    }
    next_steps = {
        "DS-12": NextStep(_("Record the clearance"), _register_url),
        "DS-13": NextStep(_("Record the inspection"), _register_url),
    }
    title_messages = "aftercare.safety.texts.TITLES"
