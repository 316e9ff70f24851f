from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftercare.apps import AftercareApp, MenuEntry, NextStep, UrlMount
from aftercare.org.roles import Role

# The front desk keeps the archive (Form 1).
_DESK = [
    "customers.view_customer",
    "customers.add_customer",
    "customers.change_customer",
    "customers.view_vehicle",
    "customers.add_vehicle",
    "customers.change_vehicle",
]


def _archive_url(obligation, user) -> str | None:
    if not obligation.customer_id:
        return None
    return reverse("customers:edit", args=[obligation.customer_id])


class CustomersConfig(AftercareApp):
    name = "aftercare.customers"
    label = "customers"
    verbose_name = _("Customers")

    urls = (UrlMount("customers/", "aftercare.customers.urls"),)
    api_router = "aftercare.customers.api.router"
    menu = (MenuEntry("customers:list", _("Customers"), "customers.view_customer", 20),)
    role_permissions = {
        Role.ADVISOR: _DESK,
        Role.FOLLOWUP_ADVISOR: _DESK,
        Role.SUPERVISOR: _DESK,
        Role.ADMINISTRATOR: _DESK,
    }
    next_steps = {"DS-1": NextStep(_("Complete the archive"), _archive_url)}
