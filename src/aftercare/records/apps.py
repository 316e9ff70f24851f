from django.utils.translation import gettext_lazy as _

from aftercare.apps import AftercareApp


class RecordsConfig(AftercareApp):
    name = "aftercare.records"
    label = "records"
    verbose_name = _("Records")
