"""The root URLconf: the project's own routes plus every installed app's declared pages."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from aftercare.api import api
from aftercare.apps import url_mounts

# An upload over the size limit reaches Django as a bad request; it gets its own page.
handler400 = "aftercare.uploads.bad_request"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="obligations:my-work"), name="home"),
    *(path(mount.prefix, include(mount.module)) for mount in url_mounts()),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
