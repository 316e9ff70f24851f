from django.utils.translation import gettext_lazy as _

from aftercare.apps import MORE, AftercareApp, MenuEntry, UrlMount
from aftercare.org.roles import Role


class StandardConfig(AftercareApp):
    name = "aftercare.standard"
    label = "standard"
    verbose_name = _("Service standard")

    urls = (UrlMount("settings/standard/", "aftercare.standard.urls"),)
    menu = (
        MenuEntry(
            "standard:settings", _("Service standard"), "standard.view_rulesetting", 30, MORE
        ),
    )
    role_permissions = {
        Role.ADMINISTRATOR: [
            "standard.view_rulesetting",
            "standard.change_rulesetting",
            "standard.add_rulesetting",
            "standard.view_calendarday",
            "standard.add_calendarday",
            "standard.delete_calendarday",
        ],
    }
