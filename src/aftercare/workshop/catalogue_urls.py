from django.urls import path

from aftercare.workshop import catalogue_views as views

app_name = "catalogue"
urlpatterns = [
    path("", views.catalogue, name="list"),
    path("<int:pk>/", views.item_edit, name="edit"),
]
