from django.urls import path

from aftercare.standard import views

app_name = "standard"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("rules/<str:rule_id>/", views.edit_rule, name="edit-rule"),
    path("days/", views.add_calendar_day, name="add-day"),
    path("days/<str:day>/remove/", views.remove_calendar_day, name="remove-day"),
    path("organisation/", views.edit_organisation_calendar, name="organisation"),
]
