from django.urls import path

from aftercare.workshop import views

app_name = "workshop"
urlpatterns = [
    path("", views.board, name="board"),
    path("check-in/", views.check_in_start, name="check-in-start"),
    path("orders/<int:pk>/ready/", views.ready, name="ready"),
    path("orders/<int:pk>/number/", views.order_number, name="order-number"),
    path("check-in/<int:vehicle_id>/", views.check_in, name="check-in"),
    path("orders/<int:pk>/pickup/", views.pickup, name="pickup"),
    path("consultation/<int:customer_id>/", views.consultation, name="consultation"),
]
