from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from aftercare.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="obligations:my-work"), name="home"),
    path("accounts/", include("aftercare.org.urls")),
    path("work/", include("aftercare.obligations.urls")),
    path("customers/", include("aftercare.customers.urls")),
    path("workshop/", include("aftercare.workshop.urls")),
    path("calls/", include("aftercare.followups.urls")),
    path("items/", include("aftercare.cases.urls")),
    path("team/", include("aftercare.org.team_urls")),
    path("imports/", include("aftercare.imports.urls")),
    path("campaigns/", include("aftercare.outreach.urls")),
    path("messages/", include("aftercare.messaging.urls")),
    path("safety/", include("aftercare.safety.urls")),
    path("reviews/", include("aftercare.reviews.urls")),
    path("forms/", include("aftercare.paperwork.urls")),
    path("settings/standard/", include("aftercare.standard.urls")),
    # Setting the shop up (issue 10): branches, staff, the service-item catalogue.
    path("settings/service-items/", include("aftercare.workshop.catalogue_urls")),
    path("settings/", include("aftercare.org.settings_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
