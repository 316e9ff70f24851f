from django.utils.translation import gettext_lazy as _

from aftercare.apps import BUILDING, AftercareApp, MenuEntry, UrlMount
from aftercare.org.roles import Role

_READ = ["sites.view_site", "sites.view_system", "sites.view_equipment"]
_FIELD = [*_READ, "sites.add_equipment", "sites.change_equipment"]
_MANAGE = [
    *_FIELD,
    "sites.add_site",
    "sites.change_site",
    "sites.add_system",
    "sites.change_system",
]


class SitesConfig(AftercareApp):
    """The building-systems desk's installed base: sites, systems, equipment (BS-5)."""

    name = "aftercare.sites"
    label = "sites"
    verbose_name = _("Sites and systems")

    urls = (UrlMount("sites/", "aftercare.sites.urls"),)
    api_router = "aftercare.sites.api.router"
    demo_loader = "aftercare.sites.demo.load"
    demo_remover = "aftercare.sites.demo.remove"
    menu = (MenuEntry("sites:list", _("Sites"), "sites.view_site", 10, BUILDING),)
    role_permissions = {
        Role.SUPERVISOR: _MANAGE,
        Role.ADMINISTRATOR: _MANAGE,
        Role.ENGINEER: _FIELD,
        Role.TRAINING_COORDINATOR: _READ,
        Role.PARTS_CLERK: _READ,
    }
