from django.utils.translation import gettext_lazy as _

from aftercare.apps import (
    DESK_DEALERSHIP,
    ORGANISATION,
    AftercareApp,
    MenuEntry,
    MenuGroup,
    UrlMount,
)
from aftercare.org.roles import Role

# Check-in, pick-up and consultations (DS-1, DS-2, DS-3): the front desk.
_DESK = [
    "workshop.view_repairorder",
    "workshop.add_repairorder",
    "workshop.change_repairorder",
    "workshop.add_consultation",
]

# The service-item catalogue offered at check-in: administrators keep it.
_CATALOGUE = [
    "workshop.view_serviceitem",
    "workshop.add_serviceitem",
    "workshop.change_serviceitem",
]


# The front desk's own drop-down, right after Customers: the board and where a check-in starts.
WORKSHOP = MenuGroup("workshop", _("Workshop"), 25, DESK_DEALERSHIP)


class WorkshopConfig(AftercareApp):
    name = "aftercare.workshop"
    label = "workshop"
    verbose_name = _("Workshop")

    urls = (
        UrlMount("workshop/", "aftercare.workshop.urls"),
        # The service-item catalogue, kept by administrators (issue 10).
        UrlMount("settings/service-items/", "aftercare.workshop.catalogue_urls"),
    )
    api_router = "aftercare.workshop.api.router"
    menu = (
        MenuEntry(
            "catalogue:list", _("Service items"), "workshop.change_serviceitem", 30, ORGANISATION
        ),
        MenuEntry("workshop:board", _("Workshop board"), "workshop.view_repairorder", 1, WORKSHOP),
        MenuEntry(
            "workshop:check-in-start", _("Check in"), "workshop.add_repairorder", 2, WORKSHOP
        ),
    )
    role_permissions = {
        Role.ADVISOR: _DESK,
        Role.FOLLOWUP_ADVISOR: _DESK,
        Role.SUPERVISOR: _DESK,
        Role.ADMINISTRATOR: [*_DESK, *_CATALOGUE],
    }
