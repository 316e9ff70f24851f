from django.urls import path

from aftercare.parts import views

app_name = "parts"
urlpatterns = [
    path("", views.part_list, name="list"),
    path("<int:pk>/", views.part, name="part"),
]
