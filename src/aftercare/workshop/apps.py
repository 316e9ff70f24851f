from django.utils.translation import gettext_lazy as _

from aftercare.apps import AftercareApp, UrlMount


class WorkshopConfig(AftercareApp):
    name = "aftercare.workshop"
    label = "workshop"
    verbose_name = _("Workshop")

    urls = (UrlMount("workshop/", "aftercare.workshop.urls"),)
    api_router = "aftercare.workshop.api.router"
