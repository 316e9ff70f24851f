from django.utils.translation import gettext_lazy as _

from aftercare.apps import BUILDING, AftercareApp, MenuEntry, UrlMount
from aftercare.org.roles import Role

_INVITE = [
    "portal.view_ownerinvitation",
    "portal.add_ownerinvitation",
    "portal.change_ownerinvitation",
]


class PortalConfig(AftercareApp):
    """The owner's portal: a building owner's representative signs in to report faults, follow
    their tickets' clocks, confirm plans, and read their documents, equipment, training, bills
    and monthly reports — their own company's only. Staff invite them."""

    name = "aftercare.portal"
    label = "portal"
    verbose_name = _("Owner's portal")

    urls = (UrlMount("portal/", "aftercare.portal.urls"),)
    menu = (
        MenuEntry("portal:invitations", _("Owner's portal"), "portal.view_ownerinvitation", 95,
                  BUILDING),
    )  # fmt: skip
    role_permissions = {Role.SUPERVISOR: _INVITE, Role.ADMINISTRATOR: _INVITE}
    demo_loader = "aftercare.portal.demo.load"
    demo_remover = "aftercare.portal.demo.remove"
