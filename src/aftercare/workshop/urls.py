from django.urls import path

from aftercare.workshop import views

app_name = "workshop"
urlpatterns = [
    path("check-in/<int:vehicle_id>/", views.check_in, name="check-in"),
    path("orders/<int:pk>/pickup/", views.pickup, name="pickup"),
    path("consultation/<int:customer_id>/", views.consultation, name="consultation"),
]
