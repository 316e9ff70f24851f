from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObligationsConfig(AppConfig):
    name = "aftercare.obligations"
    label = "obligations"
    verbose_name = _("Obligations")
