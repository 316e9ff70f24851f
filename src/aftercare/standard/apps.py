from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardConfig(AppConfig):
    name = "aftercare.standard"
    label = "standard"
    verbose_name = _("Service standard")
