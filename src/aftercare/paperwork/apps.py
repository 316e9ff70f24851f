from django.utils.translation import gettext_lazy as _

from aftercare.apps import FOLLOW_UP, AftercareApp, MenuEntry, TickStep, UrlMount
from aftercare.org.roles import Role

# Supervisors print and export the registers of their whole branch.
_BRANCH_EXPORTS = ["paperwork.view_branch_exports"]


class PaperworkConfig(AftercareApp):
    name = "aftercare.paperwork"
    label = "paperwork"
    verbose_name = _("Forms")

    urls = (UrlMount("forms/", "aftercare.paperwork.urls"),)
    api_router = "aftercare.paperwork.api.router"
    tick_steps = (TickStep("aftercare.paperwork.tick.run", order=80),)
    menu = (MenuEntry("paperwork:index", _("Forms"), "customers.view_customer", 60, FOLLOW_UP),)
    role_permissions = {Role.SUPERVISOR: _BRANCH_EXPORTS, Role.ADMINISTRATOR: _BRANCH_EXPORTS}
