from django.urls import path

from aftercare.safety import views

app_name = "safety"
urlpatterns = [
    path("", views.register, name="register"),
    path("places/new/", views.place_add, name="place-add"),
    path("places/<int:pk>/minimum/", views.place_minimum, name="place-minimum"),
    path("places/<int:pk>/bins/new/", views.bin_add, name="bin-add"),
    path("places/<int:pk>/equipment/new/", views.equipment_add, name="equipment-add"),
    path("bins/<int:pk>/", views.bin_detail, name="bin"),
    path("bins/<int:pk>/retire/", views.bin_retire, name="bin-retire"),
    path("equipment/<int:pk>/", views.equipment_detail, name="equipment"),
    path("equipment/<int:pk>/replace/", views.equipment_replace, name="equipment-replace"),
    path("equipment/<int:pk>/remove/", views.equipment_remove, name="equipment-remove"),
]
