from django.urls import path

from aftercare.sites import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="list"),
]
