from django.utils.translation import gettext_lazy as _

from aftercare.apps import AftercareApp, UrlMount


class AgreementsConfig(AftercareApp):
    """The one agreement workflow (BS-4) that maintenance and training plans share: versions,
    the owner's confirmation with a signature, revisions with a reason, and one timeline."""

    name = "aftercare.agreements"
    label = "agreements"
    verbose_name = _("Plans agreed with owners")

    urls = (UrlMount("plans/", "aftercare.agreements.urls"),)
    api_router = "aftercare.agreements.api.router"
