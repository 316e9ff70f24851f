from django.urls import path

from aftercare.parts import views

app_name = "parts"
urlpatterns = [
    path("", views.part_list, name="list"),
    path("new/", views.part_new, name="new"),
    path("<int:pk>/", views.part, name="part"),
    path("<int:pk>/change/", views.change, name="change"),
    path("<int:pk>/movements/", views.movement, name="movement"),
    path("<int:pk>/reservations/", views.reserve, name="reserve"),
    path("<int:pk>/reservations/<int:reservation_pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/installations/", views.install, name="install"),
]
