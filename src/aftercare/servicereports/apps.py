from django.utils.translation import gettext_lazy as _

from aftercare.apps import BUILDING, AftercareApp, MenuEntry, TickStep, UrlMount
from aftercare.org.roles import Role

_MANAGE = [
    "servicereports.view_monthlyreport",
    "servicereports.generate_monthlyreport",
    "servicereports.view_reportrun",
]


class ServicereportsConfig(AftercareApp):
    """The monthly service report each owner gets per site (月度服務報告): figures frozen
    from the hotline, maintenance, training, parts and bills; generated on the 1st."""

    name = "aftercare.servicereports"
    label = "servicereports"
    verbose_name = _("Monthly reports")

    urls = (UrlMount("service-reports/", "aftercare.servicereports.urls"),)
    api_router = "aftercare.servicereports.api.router"
    # After the obligations step (50): last month's clocks are settled by then.
    tick_steps = (TickStep("aftercare.servicereports.tick.run", order=75),)
    menu = (
        MenuEntry(
            "servicereports:list",
            _("Monthly reports"),
            "servicereports.view_monthlyreport",
            60,
            BUILDING,
        ),
    )
    role_permissions = {Role.SUPERVISOR: _MANAGE, Role.ADMINISTRATOR: _MANAGE}
