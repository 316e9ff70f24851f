from django.utils.translation import gettext_lazy as _

from aftercare.apps import MORE, AftercareApp, MenuEntry, UrlMount


class ImportsConfig(AftercareApp):
    name = "aftercare.imports"
    label = "imports"
    verbose_name = _("Imports")

    urls = (UrlMount("imports/", "aftercare.imports.urls"),)
    menu = (MenuEntry("imports:list", _("Import"), "customers.add_customer", 10, MORE),)
