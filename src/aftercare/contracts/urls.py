from django.urls import path

from aftercare.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_new, name="new"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/sign/", views.contract_sign, name="sign"),
    path("calendars/", views.calendar_list, name="calendars"),
    path("calendars/new/", views.calendar_new, name="calendar-new"),
    path("calendars/<int:pk>/", views.calendar_detail, name="calendar"),
]
