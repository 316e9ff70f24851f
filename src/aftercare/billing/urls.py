from django.urls import path

from aftercare.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.bill_list, name="list"),
    path("<int:pk>/", views.bill, name="bill"),
]
