"""The root URLconf: the project's own routes plus every installed app's declared pages."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from aftercare.api import api
from aftercare.apps import url_mounts

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="obligations:my-work"), name="home"),
    *(path(mount.prefix, include(mount.module)) for mount in url_mounts()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
